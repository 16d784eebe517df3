r"""Blind interior-point method: value, gradient, Hessian and Newton solves at a full-support law (private module).

Everything the iteration of :mod:`mi_lib._blind_ipm` needs is indexed once per
solve (:class:`_Ops`) and then evaluated with a handful of vectorised calls:

* outputs in the linear domain, :math:`V_u(y) = \sum_x p(x|u)\,\pi(y - x)`
  (one slice update per letter row), :math:`q = \sum_u p(u) V_u`; positions an
  output can never reach are padded with 1 so that logarithms and reciprocals
  need no mask (their weight is 0 everywhere);
* :math:`I = \sum_u p(u) \sum_y V_u \log(V_u/q)` and the gradient
  :math:`g_e = \sum_{u,x} p(u,x) \log(V_u(x+e)/q(x+e))` (one gather);
* the Hessian diagonals (offsets :math:`k = x - x'`) as one small matrix
  product: entry :math:`(e, e+k)` is
  :math:`\sum_{g,i} W_{k,(g,i)} / V_g(O_i + e) - \sum_i W^q_{k,i} / q(O_i + e)`
  with the pair weights of :func:`mi_lib._blind_barrier._plan` summed per
  diagonal in advance;
* the scaled block :math:`K = \Pi H \Pi + \operatorname{diag}(\pi z)` is
  symmetric positive definite (:math:`I` is convex, :math:`\pi z > 0`): one
  Cholesky factorisation (LAPACK ``potrf``), and the one or two border rows
  (:math:`\pi`, :math:`\Pi\kappa`) by their Schur complement.

The law must have full support (the interior-point iterates do); the linear
domain is then exact to rounding (no cancellation: every term is positive).
Derivation: ``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg.blas import dsyr
from scipy.linalg.lapack import dpotrf, dpotrs

from ._blind_barrier import _plan
from ._blind_lattice import _Blind


class _Ops:
    """Index structures of one blind problem for the interior-point iteration (built once per solve)."""

    def __init__(self, m: _Blind, budget: bool):
        n, G, ny = m.ne, m.gp.size, m.ny
        self.n, self.G, self.ny = n, G, ny
        self.kappa = m.kappa
        self.budget = budget
        self.rows = [(int(g), int(o), float(c)) for g, o, c in zip(m.rg, m.roff, m.rp / m.gp[m.rg])]
        reach = np.zeros((G, ny), dtype=bool)
        for g, o, _ in self.rows:
            reach[g, o : o + n] = True
        self.pad = (~reach).astype(float)  # 1 where V_g can never be positive
        self.gp = m.gp
        self.gpw = m.gp[:, None] * reach  # p(u) on the reachable positions, 0 on the pads
        qreach = reach.any(axis=0)
        self.qpad = (~qreach).astype(float)  # 1 where no output can be positive
        self.gidx = (m.rg * ny + m.roff)[:, None] + np.arange(n)
        self.rp = m.rp
        self._hessian_plan(m)
        self._matrix_plan()

    def _hessian_plan(self, m: _Blind) -> None:
        plan = _plan(m)
        n, G = self.n, self.G
        nO = plan.WQ.shape[0]
        sel = plan.sel.reshape(-1, nO, nO)  # (diagonal, i, j)
        wv = np.einsum("tij,gij->tgi", sel, plan.WV).reshape(sel.shape[0], G * nO)
        wq = np.einsum("tij,ij->ti", sel, plan.WQ)
        self.W = np.hstack([wv, -wq])  # (diagonals, (G + 1) nO)
        O = plan.gidx[:, 0]
        base = np.concatenate([(g * self.ny + O) for g in range(G + 1)])
        self.hidx = base[:, None] + np.arange(n)  # into the stacked (G + 1, ny) reciprocals
        self.offs = plan.offs

    def _matrix_plan(self) -> None:
        n = self.n
        rows, cols, src = [], [], []
        for t, k in enumerate(self.offs.tolist()):
            r = np.arange(max(0, -k), min(n, n - k))
            rows.append(r)
            cols.append(r + k)
            src.append(t * n + r)
        self.mr, self.mc = np.concatenate(rows), np.concatenate(cols)
        self.flat = self.mc * n + self.mr  # Fortran order: column-major flat index
        self.src = np.concatenate(src)
        self.diag = np.arange(n) * (n + 1)
        self.K = np.zeros((n, n), order="F")
        self.recip = np.empty((self.G + 1, self.ny))

    def outputs(self, pi: np.ndarray):
        """``(V, log V, log q, I)`` at the full-support law ``pi`` (pads: V = 1, log V = 0)."""
        n = self.n
        V = np.zeros((self.G, self.ny))
        for g, o, c in self.rows:
            V[g, o : o + n] += c * pi
        q = self.gp @ V + self.qpad  # before the pads: no cancellation (qpad is 0 wherever some V_g can be > 0)
        V += self.pad  # exact: V = 0 exactly where pad = 1
        lV = np.log(V)
        lq = np.log(q)
        L = lV - lq
        mi = float(self.gpw.reshape(-1) @ (V * L).reshape(-1))
        return V, q, L, max(mi, 0.0)

    def value(self, pi: np.ndarray) -> float:
        return self.outputs(pi)[3]

    def gradient(self, L: np.ndarray) -> np.ndarray:
        """dI / dpi(e) = sum_{u,x} p(u, x) log(V_u(x + e) / q(x + e))."""
        return self.rp @ L.reshape(-1)[self.gidx]

    def factor(self, V: np.ndarray, q: np.ndarray, pi: np.ndarray, z: np.ndarray):
        """``(K, Cholesky factor of K + pi pi')`` with K = Pi H Pi + diag(pi z); None if not positive definite."""
        R = self.recip
        np.divide(1.0, V, out=R[: self.G])
        np.divide(1.0, q, out=R[self.G])
        D = self.W @ R.reshape(-1)[self.hidx]
        K = self.K
        Kf = K.reshape(-1, order="F")  # a view (K is Fortran-ordered)
        Kf[self.flat] = D.reshape(-1)[self.src] * pi[self.mr] * pi[self.mc]
        Kf[self.diag] += pi * z
        # + pi pi': K alone is nearly singular along 1 (Pi H Pi 1 = Pi H pi = 0, I being 1-homogeneous), which
        # the Schur complement of the sum row would turn into a loss of accuracy of order eps / mu
        K = dsyr(1.0, pi, a=K, lower=0, overwrite_a=0)
        c, info = dpotrf(K, lower=0, clean=0, overwrite_a=1)
        return (self.K, c) if info == 0 else None


class _Bordered:
    """The bordered system [[K, C'], [C, -W]] by the Schur complement of the Cholesky factor of K + pi pi'.

    Rows of C: pi (sum) and, with the budget, Pi kappa; W = diag(0, w / lambda).
    With K' = K + pi pi' (the factor of :meth:`_Ops.factor`), the same u solves
    K' u + C' y' = r1, C u - W y = r2 with y' = y - r2[0] e_0 (because pi' u =
    r2[0] and W_00 = 0). One step of iterative refinement on the whole system
    recovers the accuracy the Schur complement loses where pi is tiny.
    """

    def __init__(self, K: np.ndarray, chol: np.ndarray, C: np.ndarray, wdiag: np.ndarray):
        self.K, self.chol, self.C, self.wdiag = K, chol, C, wdiag
        KC, _ = dpotrs(chol, C.T, lower=0)
        self.KC = KC
        self.S = C @ KC + np.diag(wdiag)

    def _solve(self, r1: np.ndarray, r2: np.ndarray):
        x, _ = dpotrs(self.chol, r1, lower=0)
        y = _solve_small(self.S, self.C @ x - r2)
        u = x - self.KC @ y
        y[0] += r2[0]
        return u, y

    def solve(self, r1: np.ndarray, r2: np.ndarray):
        """(u, y) with K u + C' y = r1, C u - W y = r2."""
        u, y = self._solve(r1, r2)
        e1 = r1 - self.K @ u - self.C.T @ y
        e2 = r2 - self.C @ u + self.wdiag * y
        du, dy = self._solve(e1, e2)
        return u + du, y + dy


def _solve_small(S: np.ndarray, b: np.ndarray) -> np.ndarray:
    """S^-1 b for the 1 x 1 or 2 x 2 Schur complement (explicitly: a LAPACK call costs more than the arithmetic)."""
    if b.size == 1:
        return b / S[0, 0]
    a, c, d = S[0, 0], S[0, 1], S[1, 1]
    det = a * d - c * S[1, 0]
    return np.array([(d * b[0] - c * b[1]) / det, (a * b[1] - S[1, 0] * b[0]) / det])


def _max_step(x: np.ndarray, dx: np.ndarray) -> float:
    """Largest alpha in (0, 1] with x + alpha dx >= 0 (x > 0)."""
    r = dx / x
    lo = float(r.min())
    return 1.0 if lo >= -1.0 else -1.0 / lo


def _max_step1(x: float, dx: float) -> float:
    return 1.0 if dx >= -x else -x / dx


def _log_barrier(pi: np.ndarray, w: float, budget: bool) -> float:
    return float(np.sum(np.log(pi))) + (math.log(w) if budget else 0.0)
