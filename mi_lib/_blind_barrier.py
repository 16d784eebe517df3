r"""Blind attacker: the log-barrier central path on the whole grid (private module).

Used where the coset split (:mod:`mi_lib._blind_cosets`) does not apply.
Algorithm: minimise :math:`I(\pi) - \tau \sum_e \log \pi_e` subject to
:math:`\sum \pi = 1` (and :math:`\sum \pi \kappa = B` when the budget
binds) for decreasing :math:`\tau`, by Newton steps on the bordered system
whose Hessian block has a few diagonals (offsets :math:`x - x'`), one dense
or (on large grids) sparse LU each (:func:`_blind_barrier`). When the
budget multiplier turns negative the path may stop early: the budget then
probably does not bind and the caller solves the free problem first.
Bound: at each centred point the one-step blind certificate (:func:`mi_lib._certificates._blind_step`) with the budget
multiplier as slope, :math:`I^*(B) \ge -\log Z - \log R - sB`; the path is
followed until it is within ``tol``. Derivation: ``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_solve_banded, cholesky_banded
from scipy.sparse import csc_matrix
from scipy.sparse.linalg import splu

from ._blind_coset_budget import _tilt
from ._blind_lattice import _Blind, _blind_outputs, _model_mi
from ._certificates import _blind_step

_DENSE_MAX = 600  # bordered systems up to this size are solved densely (faster than a sparse LU there)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Index plan of the gradient and Hessian of I on the model grid (built once per solve).

    The letters sit at distinct offsets ``O``; the Hessian entry (e, e + k)
    collects, over offset pairs (i, j) with k = O_i - O_j and y = O_i + e,
    sum_g W_g(i, j) / V_g(y) - P(i) P(j) / q(y), with W_g(i, j) = p(g, O_i)
    p(g, O_j) / p(g) and P the X-marginal at each offset.
    """

    offs: np.ndarray  # diagonal indices k, sorted, |k| < n
    WV: np.ndarray  # (G, nO, nO)
    WQ: np.ndarray  # (nO, nO)
    sel: np.ndarray  # (len(offs), nO * nO): pair (i, j) -> its diagonal
    gidx: np.ndarray  # (nO, n): output index O_i + e
    ridx: np.ndarray  # (R, n): output index of each row (u, x)


def _plan(m: _Blind) -> _Plan:
    n = m.ne
    O, inv = np.unique(m.roff, return_inverse=True)
    P = np.zeros((m.gp.size, O.size))
    np.add.at(P, (m.rg, inv), m.rp)
    Px = P.sum(axis=0)
    K = O[:, None] - O[None, :]
    offs = np.unique(K)
    offs = offs[np.abs(offs) < n]
    return _Plan(offs=offs, WV=P[:, :, None] * P[:, None, :] / m.gp[:, None, None], WQ=Px[:, None] * Px[None, :],
                 sel=(K.ravel()[None, :] == offs[:, None]).astype(float),
                 gidx=O[:, None] + np.arange(n), ridx=m.roff[:, None] + np.arange(n))


def _gradient(m: _Blind, plan: _Plan, logV: np.ndarray, logq: np.ndarray) -> np.ndarray:
    """dI / dpi(e) = sum_{u,x} p(u, x) log(V_u(x + e) / q(x + e))."""
    return m.rp @ (logV[m.rg[:, None], plan.ridx] - logq[plan.ridx])


def _blind_hessian(m: _Blind, plan: _Plan, logV: np.ndarray, logq: np.ndarray) -> list[np.ndarray]:
    """Hessian of I at a full-support law: its diagonals ``plan.offs`` (entry (e, e + k) at position e - max(0, -k)).

    I(pi) = sum_u p(u) sum_y V_u log(V_u / q) with V_u(y) = sum_x p(x|u) pi(y - x);
    d2I / dpi(e) dpi(e') = sum_u p(u) sum_y A_u(y,e) A_u(y,e') / V_u(y)
    - sum_y A(y,e) A(y,e') / q(y), nonzero only for e' - e in {x - x'}.
    """
    n = m.ne
    invV = np.exp(-logV, out=np.zeros_like(logV), where=np.isfinite(logV))  # zero where V = 0
    invq = np.exp(-logq, out=np.zeros_like(logq), where=np.isfinite(logq))
    T = np.einsum("gij,gin->ijn", plan.WV, invV[:, plan.gidx]) - plan.WQ[:, :, None] * invq[plan.gidx][:, None, :]
    D = plan.sel @ T.reshape(-1, n)
    return [D[t, max(0, -k) : min(n, n - k)] for t, k in enumerate(plan.offs.tolist())]


def _dense_kkt(n: int, offs: np.ndarray, diags: list[np.ndarray], C: np.ndarray) -> np.ndarray:
    nc = C.shape[0]
    M = np.zeros((n + nc, n + nc))
    for k, vals in zip(offs.tolist(), diags):
        r = np.arange(max(0, -k), min(n, n - k))
        M[r, r + k] = vals
    M[n:, :n] = C
    M[:n, n:] = C.T
    return M


class _KKT:
    """Fixed sparsity pattern of the bordered matrix [[K, C'], [C, 0]] (K with a few diagonals).

    Building the compressed-column arrays once and refilling only the values
    avoids the general sparse-assembly overhead at every Newton step.
    """

    def __init__(self, n: int, offs: list[int], C: np.ndarray):
        rows, cols, src = [], [], []
        start = 0
        self.slices = []
        for k in offs:  # entry (e, e + k)
            e = np.arange(max(0, -k), min(n, n - k))
            rows.append(e)
            cols.append(e + k)
            src.append(start + np.arange(e.size))
            self.slices.append((start, start + e.size))
            start += e.size
        nc = C.shape[0]
        for r in range(nc):  # border rows n + r and columns n + r
            rows.append(np.full(n, n + r))
            cols.append(np.arange(n))
            src.append(start + np.arange(n))
            start += n
            rows.append(np.arange(n))
            cols.append(np.full(n, n + r))
            src.append(start + np.arange(n))
            start += n
        rows_a, cols_a, src_a = np.concatenate(rows), np.concatenate(cols), np.concatenate(src)
        order = np.lexsort((rows_a, cols_a))
        self.perm = src_a[order]
        self.indices = rows_a[order].astype(np.int32)
        counts = np.bincount(cols_a, minlength=n + nc)
        self.indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        self.shape = (n + nc, n + nc)
        self.border = np.concatenate([np.concatenate([C[r], C[r]]) for r in range(nc)])
        self.nd = start - 2 * nc * n

    def matrix(self, diags: list[np.ndarray]):
        vals = np.concatenate(list(diags) + [self.border])
        return csc_matrix((vals[self.perm], self.indices, self.indptr), shape=self.shape)


def _start(m: _Blind, B: float, budget: bool):
    """A strictly positive start (on the budget plane when ``budget``) and the constraints C pi = b."""
    n = m.ne
    if not budget:
        return np.full(n, 1.0 / n), np.ones((1, n)), np.array([1.0])
    kmean, kmin = float(m.kappa.mean()), float(m.kappa.min())
    if kmean > B:  # a tilt of the uniform law mixed with it
        theta = min(0.5, 0.5 * (B - kmin) / max(kmean - kmin, 1e-300))
        target = (B - theta * kmean) / (1.0 - theta)
        tilt = _tilt(np.full(n, 1.0 / n), m.kappa, np.ones(n, dtype=bool), target)
        pi = (1.0 - theta) * tilt + theta / n
    else:  # mean below B: mass moved to the dearest point (the Newton steps restore the plane)
        j = int(np.argmax(m.kappa))
        lam = 0.5 * (B - kmean) / (m.kappa[j] - kmean)
        pi = np.full(n, (1.0 - lam) / n)
        pi[j] += lam
    return pi, np.vstack([np.ones(n), m.kappa]), np.array([1.0, B])


class _Newton:
    """Newton steps on the barrier problem: the bordered system [[K, C'], [C, 0]], dense or sparse.

    K alone is nearly singular along pi because I is 1-homogeneous (its
    Hessian annihilates pi); the bordered matrix is not.
    """

    def __init__(self, m: _Blind, C: np.ndarray, bvec: np.ndarray):
        self.m, self.C, self.bvec = m, C, bvec
        self.plan = _plan(m)
        n = m.ne
        self.sparse = None if n + C.shape[0] <= _DENSE_MAX else _KKT(n, list(self.plan.offs.tolist()), C)
        self.banded = True

    def merit(self, x: np.ndarray, tau: float) -> float:
        lx = np.log(x)
        return _blind_outputs(self.m, lx)[2] - tau * float(np.sum(lx))

    def direction(self, pi: np.ndarray, tau: float):
        """(d, multipliers, barrier gradient, residual of C pi = b) at ``pi``."""
        m, n = self.m, self.m.ne
        logV, logq, _ = _blind_outputs(m, np.log(pi))
        g = _gradient(m, self.plan, logV, logq) - tau / pi
        dg = _blind_hessian(m, self.plan, logV, logq)
        resid = self.C @ pi - self.bvec  # infeasible start: C d = -resid
        if self.banded:
            out = _banded_kkt_solve(self.plan.offs, dg, pi, tau, self.C, self.bvec, g, resid)
            if out is not None:
                return out[0], out[1], g, resid
            self.banded = False  # tau only decreases: LU from here on
        k0 = int(np.searchsorted(self.plan.offs, 0))
        dg[k0] = dg[k0] + (tau / pi) / pi
        rhs = np.concatenate([-g, -resid])
        if self.sparse is None:
            sol = np.linalg.solve(_dense_kkt(n, self.plan.offs, dg, self.C), rhs)
        else:
            sol = splu(self.sparse.matrix(dg)).solve(rhs)
        d, lam = sol[:n], sol[n:]
        return d, lam, g, resid


def _banded_kkt_solve(offs: np.ndarray, dg: list[np.ndarray], pi: np.ndarray, tau: float, C: np.ndarray,
                      bvec: np.ndarray, g: np.ndarray, resid: np.ndarray):
    """Solve [[K, C'], [C, 0]] (d, lam) = (-g, -resid) in the variables z = d / pi.

    With D = diag(pi), D K D = D H D + tau I is positive definite and banded
    (H = Hessian of I): one banded Cholesky factorisation, the multipliers from
    the small Schur complement, then one step of iterative refinement on the
    whole bordered system (its residual costs one banded product). None when
    the refined residual is not at rounding level.
    """
    n = pi.size
    b = int(offs.max())
    ab = np.zeros((b + 1, n))
    for k, vals in zip(offs.tolist(), dg):
        if k >= 0:
            ab[b - k, k:] = vals * pi[: n - k] * pi[k:]
    ab[b] += tau
    Ct = C * pi[None, :]
    cf = cholesky_banded(ab, check_finite=False)

    def solve(rz: np.ndarray, rc: np.ndarray):
        X = cho_solve_banded((cf, False), np.column_stack([rz, Ct.T]), check_finite=False)
        S = Ct @ X[:, 1:]
        lam = np.linalg.solve(S, Ct @ X[:, 0] - rc)
        return X[:, 0] - X[:, 1:] @ lam, lam

    def apply(z: np.ndarray, lam: np.ndarray):
        out = tau * z + Ct.T @ lam
        for k, vals in zip(offs.tolist(), dg):
            lo, hi = max(0, -k), min(n, n - k)
            out[lo:hi] += vals * pi[lo:hi] * pi[lo + k : hi + k] * z[lo + k : hi + k]
        return out, Ct @ z

    rz, rc = -g * pi, -resid
    z, lam = solve(rz, rc)
    az, cz = apply(z, lam)
    dz, dl = solve(rz - az, rc - cz)
    z, lam = z + dz, lam + dl
    az, cz = apply(z, lam)
    # below tau ~ 1e-12 the Schur complement loses the digits the constraints need: the caller then
    # solves the bordered system by LU
    if np.max(np.abs(az - rz)) > 1e-12 * max(np.max(np.abs(rz)), np.max(np.abs(az))) or np.any(
            np.abs(cz - rc) > 1e-15 * (1.0 + np.abs(bvec))):
        return None
    return z * pi, lam


def _center(nt: _Newton, pi: np.ndarray, tau: float, B: float, budget: bool, maxit: int):
    """Newton steps to the centre of the barrier problem at tau: ``(pi, budget multiplier, steps)``."""
    lam_b, it = 0.0, 0
    while it < maxit:
        try:
            d, lam, g, resid = nt.direction(pi, tau)
        except (RuntimeError, np.linalg.LinAlgError):  # pragma: no cover - nonsingular for tau > 0
            break
        lam_b = float(lam[1]) if budget else 0.0
        it += 1
        dec = -float(g @ d)
        # the sum constraint is kept by renormalising (I is 1-homogeneous); the solves are accurate
        # to ~1e-12 along the homogeneity direction, so feasibility is judged at that level
        feas = abs(float(resid[0])) <= 1e-13 and (not budget or abs(float(resid[1])) <= 1e-13 * B)
        if feas and dec <= max(1e-2 * tau, 1e-17):
            break
        neg = d < 0
        t = min(1.0, 0.99 * float(np.min(-pi[neg] / d[neg]))) if np.any(neg) else 1.0
        if feas and dec > 1e-9:  # far from the centre: Armijo line search on the barrier merit
            f0 = nt.merit(pi, tau)
            while t > 1e-14 and not (np.all(pi + t * d > 0) and nt.merit(pi + t * d, tau) <= f0 - 1e-4 * t * dec):
                t *= 0.5
            if t <= 1e-14:
                break
        pi = pi + t * d
        pi = pi / pi.sum()
    return pi, lam_b, it


def _blind_barrier(m: _Blind, B: float, tol: float, budget: bool, maxiter: int = 300, unbound_exit: bool = False):
    """Barrier path following for the blind problem; returns (pi, mi, lower bound, slope, iterations).

    Minimises I(pi) - tau sum_e log pi_e subject to sum pi = 1 (and
    sum pi kappa = B when ``budget``) for tau decreasing to ~0. At a centred
    point every grid point carries mass ~ tau / slack off the support, which is
    the off-support profile the one-step certificate (``notes/discrete_solvers.md``) needs: with
    s the multiplier of the budget it is within ~ n tau of the value. The path
    is followed until the certified gap is below ``tol``. Newton systems: the
    Hessian of I has a few diagonals (offsets x - x'), plus tau / pi^2 on the
    diagonal. With ``unbound_exit`` the path stops at the first centred point
    with a negative budget multiplier (slope None in the result).
    """
    pi, C, bvec = _start(m, B, budget)
    nt = _Newton(m, C, bvec)
    tau = 1e-2 / m.ne
    best = (math.inf, -math.inf, pi.copy(), 0.0)  # (mi, lb, pi, s)
    it = 0
    while it < maxiter:
        pi, lam_b, steps = _center(nt, pi, tau, B, budget, min(40, maxiter - it))
        it += steps
        if unbound_exit and budget and lam_b < 0.0:
            return pi, best[0], best[1], None, it
        # certificate at the centred point, slope = multiplier of the budget (s = 0 without budget)
        s = max(lam_b, 0.0)
        pin = pi / pi.sum()
        st = _blind_step(m, np.log(pin), s)
        lb = st.value - s * B
        feasible = (not budget) or float(pin @ m.kappa) <= B * (1.0 + 1e-13)
        if feasible and st.mi - lb < best[0] - best[1]:
            best = (st.mi, lb, pin.copy(), s)
        if best[0] - best[1] <= tol or tau < 1e-20:
            break
        tau *= 0.02
    return best[2], best[0], best[1], best[3], it


def _purify(m: _Blind, pi: np.ndarray, mi: float, B: float) -> tuple[np.ndarray, float]:
    """Drop barrier residues (masses below 1e-9 of the largest) if that keeps the budget and lowers I.

    I of the purified law by :func:`mi_lib._blind_lattice._model_mi` (all its masses are at least 1e-9 of the largest).
    """
    keep = pi > 1e-9 * pi.max()
    if np.all(keep):
        return pi, mi
    q = np.where(keep, pi, 0.0)
    q /= q.sum()
    if float(q @ m.kappa) > B * (1.0 + 1e-13):
        return pi, mi
    mq = _model_mi(m, q)
    return (q, mq) if mq < mi else (pi, mi)
