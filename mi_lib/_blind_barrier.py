r"""Blind attacker: the log-barrier central path on the whole grid (private module).

Used where the coset split (:mod:`mi_lib._blind_cosets`) does not apply.
Algorithm: minimise :math:`I(\pi) - \tau \sum_e \log \pi_e` subject to
:math:`\sum \pi = 1` (and :math:`\sum \pi \kappa = B` when the budget
binds) for decreasing :math:`\tau`, by Newton steps on the bordered system
whose Hessian block has a few diagonals (offsets :math:`x - x'`), one sparse
LU each (:func:`_blind_barrier`). Bound: at each centred point the one-step
blind certificate (:func:`mi_lib._certificates._blind_step`) with the budget
multiplier as slope, :math:`I^*(B) \ge -\log Z - \log R - sB`; the path is
followed until it is within ``tol``. Derivation: ``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import csc_matrix
from scipy.sparse.linalg import splu

from ._blind_coset_budget import _tilt
from ._blind_lattice import _Blind, _blind_outputs, _model_mi
from ._certificates import _blind_step

def _blind_hessian(m: _Blind, logV: np.ndarray, logq: np.ndarray):
    """Hessian of I at a full-support law, as a sparse matrix with a few diagonals.

    I(pi) = sum_u p(u) sum_y V_u log(V_u / q) with V_u(y) = sum_x p(x|u) pi(y - x);
    d2I / dpi(e) dpi(e') = sum_u p(u) sum_y A_u(y,e) A_u(y,e') / V_u(y)
    - sum_y A(y,e) A(y,e') / q(y), nonzero only for e' - e in {x - x'}.
    """
    n = m.ne
    terms: dict[int, np.ndarray] = {}
    invV = np.zeros_like(logV)
    fin = np.isfinite(logV)
    invV[fin] = np.exp(-logV[fin])
    invq = np.zeros_like(logq)
    finq = np.isfinite(logq)
    invq[finq] = np.exp(-logq[finq])
    for a in range(m.rp.size):
        oa = int(m.roff[a])
        for b in range(m.rp.size):
            ob = int(m.roff[b])
            off = ob - oa  # entry (e, e') with output y = oa + e = ob + e' -> e' = e - off
            k = -off  # diagonal index: column - row
            lo_e = max(0, -k)
            hi_e = min(n, n - k)
            if hi_e <= lo_e:
                continue
            y = oa + np.arange(lo_e, hi_e)
            vals = -m.rp[a] * m.rp[b] * invq[y]
            if m.rg[a] == m.rg[b]:
                g = int(m.rg[a])
                vals = vals + m.rp[a] * m.rp[b] / m.gp[g] * invV[g, y]
            if k in terms:
                terms[k] = terms[k] + vals
            else:
                terms[k] = vals
    offs = sorted(terms)
    return offs, [terms[k] for k in offs]


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


def _blind_barrier(m: _Blind, B: float, tol: float, budget: bool, maxiter: int = 300):
    """Barrier path following for the blind problem; returns (pi, mi, lower bound, slope, iterations).

    Minimises I(pi) - tau sum_e log pi_e subject to sum pi = 1 (and
    sum pi kappa = B when ``budget``) for tau decreasing to ~0. At a centred
    point every grid point carries mass ~ tau / slack off the support, which is
    the off-support profile the one-step certificate (``notes/discrete_solvers.md``) needs: with
    s the multiplier of the budget it is within ~ n tau of the value. The path
    is followed until the certified gap is below ``tol``. Newton systems: the
    Hessian of I has a few diagonals (offsets x - x'), plus tau / pi^2 on the
    diagonal: one sparse LU per step and a 2 x 2 Schur complement.
    """
    n = m.ne
    kmean, kmin = float(m.kappa.mean()), float(m.kappa.min())
    if budget:
        if kmean > B:
            # strictly positive start on the budget plane: a tilt of the uniform law mixed with it
            theta = min(0.5, 0.5 * (B - kmin) / max(kmean - kmin, 1e-300))
            target = (B - theta * kmean) / (1.0 - theta)
            tilt = _tilt(np.full(n, 1.0 / n), m.kappa, np.ones(n, dtype=bool), target)
            pi = (1.0 - theta) * tilt + theta / n
        else:
            j = int(np.argmax(m.kappa))
            lam = 0.5 * (B - kmean) / (m.kappa[j] - kmean)
            pi = np.full(n, (1.0 - lam) / n)
            pi[j] += lam
            # now mean < B strictly inside; tilt towards dearer points is not needed: fix below
        C = np.vstack([np.ones(n), m.kappa])
        bvec = np.array([1.0, B])
    else:
        pi = np.full(n, 1.0 / n)
        C = np.ones((1, n))
        bvec = np.array([1.0])
    tau = 1e-2 / n
    best = (math.inf, -math.inf, pi.copy(), 0.0)  # (mi, lb, pi, s)
    it = 0
    lam_b = 0.0
    dec = math.inf

    def merit(x: np.ndarray, t: float) -> float:
        lx = np.log(x)
        return _blind_outputs(m, lx)[2] - t * float(np.sum(lx))

    pattern = None

    while it < maxiter:
        for _ in range(40):
            ell = np.log(pi)
            logV, logq, mi = _blind_outputs(m, ell)
            gI = np.zeros(n)
            for k in range(m.rp.size):
                o = int(m.roff[k])
                gI += m.rp[k] * (logV[m.rg[k], o : o + n] - logq[o : o + n])
            g = gI - tau / pi
            offs, dg = _blind_hessian(m, logV, logq)
            k0 = offs.index(0)
            dg[k0] = dg[k0] + (tau / pi) / pi
            # bordered (KKT) system [[K, C'], [C, 0]]: K alone is nearly singular along pi because
            # I is 1-homogeneous (its Hessian annihilates pi); the bordered matrix is not
            if pattern is None:
                pattern = _KKT(n, offs, C)
            kkt = pattern.matrix(dg)
            resid = C @ pi - bvec  # infeasible start: C d = -resid
            try:
                sol = splu(kkt).solve(np.concatenate([-g, -resid]))
            except RuntimeError:  # pragma: no cover - nonsingular for tau > 0
                break
            d, lam = sol[:n], sol[n:]
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
                f0 = merit(pi, tau)
                while t > 1e-14:
                    xt = pi + t * d
                    if np.all(xt > 0) and merit(xt, tau) <= f0 - 1e-4 * t * dec:
                        break
                    t *= 0.5
                if t <= 1e-14:
                    break
            pi = pi + t * d
            pi = pi / pi.sum()
            if it >= maxiter:
                break
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
    """Drop barrier residues (masses below 1e-9 of the largest) if that keeps the budget and lowers I."""
    keep = pi > 1e-9 * pi.max()
    if np.all(keep):
        return pi, mi
    q = np.where(keep, pi, 0.0)
    q /= q.sum()
    if float(q @ m.kappa) > B * (1.0 + 1e-13):
        return pi, mi
    mq = _model_mi(m, q)
    return (q, mq) if mq < mi else (pi, mi)
