r"""Compiled kernels of the bordered budget Newton method (private module; numba).

The loops of :func:`mi_lib._budget_newton._budget_newton_body`: minimise
:math:`\psi(w) = \max_s \Phi(w, s)`, the slope the root of :math:`C(w, s) = B`
for fixed weights (:func:`slope_root`, safeguarded Newton in :math:`\log s`),
the Newton step on :math:`w` with the Hessian :math:`H + b b^\top / V`
(:func:`bordered`) solved by the active-set QP of
:mod:`mi_lib._mixing_kernels`, and an Armijo search on :math:`\psi` in which
every trial point re-solves its slope (:func:`psi_search`). Derivation:
``notes/discrete_solvers.md`` ("The budget inside the Newton system"; the
compilation: "Round 6 (issue 10): compiled inner loops", which also records
what the earlier NumPy implementation cost).

The channel of fixed weights as a function of the slope is kept sparse:
``cj[j, g]`` is the reduced cost of the row ``sel[j, g]`` in atom ``j``
(inf where the pair is forbidden); at the slope :math:`s`,
:math:`\log f_k = \log\sum_j w_j e^{-s\,c_{kj}}` over the atoms holding row
``k``, and the cost moments follow from :math:`\pi_{kj} = w_j e^{-s c_{kj}}/f_k`.
"""

from __future__ import annotations

import numpy as np

from ._mixing_kernels import (
    _jit,
    add_candidates,
    amax,
    atom_logD,
    compact,
    finite,
    lse1,
    minus,
    newton_system,
    pymax,
    pymin,
    shared_rows_product,
    step_slope,
    terms,
    times,
    trial_weights,
)
from ._qp_kernels import qp

_INF = np.inf


@_jit
def atom_cost(ctil, x, y, sel):
    """``c(x_k, y_j)`` of every (atom, group) pair (inf where forbidden)."""
    J, G = sel.shape
    cj = np.empty((J, G))
    for j in range(J):
        for g in range(G):
            cj[j, g] = ctil[x[sel[j, g]], y[j]]
    return cj


@_jit
def finite_or_zero(cj):
    out = np.empty_like(cj)
    for j in range(cj.shape[0]):
        for g in range(cj.shape[1]):
            v = cj[j, g]
            out[j, g] = v if np.isfinite(v) else 0.0
    return out


@_jit
def fixed_at(p, sel, lw, cj, s):
    """(served, log f, log L, C, V, cbar) of the fixed weights at the slope s > 0."""
    n = p.size
    J, G = sel.shape
    m = np.full(n, -_INF)
    E = np.empty((J, G))
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            e = lw[j] - s * cj[j, g]
            E[j, g] = e
            if e > m[k]:
                m[k] = e
    lL = np.empty((J, G))
    for j in range(J):
        for g in range(G):
            lL[j, g] = -s * cj[j, g]
    cbar = np.zeros(n)
    for k in range(n):
        if not np.isfinite(m[k]):
            return False, m, lL, 0.0, 0.0, cbar
    tot = np.zeros(n)
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            E[j, g] = np.exp(E[j, g] - m[k])
            tot[k] += E[j, g]
    sq = np.zeros(n)
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            a0 = cj[j, g] if np.isfinite(cj[j, g]) else 0.0
            P = E[j, g] / tot[k] * a0
            cbar[k] += P
            sq[k] += P * a0
    logf = np.empty(n)
    C = 0.0
    V = 0.0
    for k in range(n):
        logf[k] = np.log(tot[k]) + m[k]
        C += p[k] * cbar[k]
        V += p[k] * max(sq[k] - cbar[k] * cbar[k], 0.0)
    return True, logf, lL, C, V, cbar


@_jit
def fixed_limits(p, sel, lw, cj):
    """The cost of the fixed weights as s -> infinity and at s = 0."""
    n = p.size
    J, G = sel.shape
    cmin = np.full(n, _INF)
    num = np.zeros(n)
    den = np.zeros(n)
    mw = amax(lw)
    for j in range(J):
        w = np.exp(lw[j] - mw)
        for g in range(G):
            k = sel[j, g]
            c = cj[j, g]
            if c < cmin[k]:
                cmin[k] = c
            if np.isfinite(c):
                num[k] += w * c
                den[k] += w
    cinf = 0.0
    c0 = 0.0
    for k in range(n):
        cinf += p[k] * cmin[k]
        c0 += p[k] * (num[k] / den[k])
    return cinf, c0


@_jit
def slope_root(p, sel, lw, cj, s, target, rtol):
    """(found, s, log f, log L, C, V, cbar): the slope where the fixed weights' channel costs ``target``.

    Safeguarded Newton in log s (steps capped at a factor e^2, bisection once
    bracketed); none if ``target`` is outside the cost range over s > 0.
    """
    lo, hi = -_INF, _INF
    t = np.log(s)
    for k in range(100):
        s = np.exp(t)
        ok, logf, lL, C, V, cbar = fixed_at(p, sel, lw, cj, s)
        if not ok:
            return False, s, logf, lL, C, V, cbar
        r = C - target
        if abs(r) <= rtol:
            return True, s, logf, lL, C, V, cbar
        if k == 0:
            cinf, c0 = fixed_limits(p, sel, lw, cj)
            if not (cinf < target and target < c0):
                return False, s, logf, lL, C, V, cbar
        if r > 0:
            lo = t
        else:
            hi = t
        step = r / (s * V) if V > 0 else np.copysign(2.0, r)
        tn = t + pymax(pymin(step, 2.0), -2.0)
        if not (lo < tn and tn < hi):
            tn = 0.5 * (lo + hi) if (np.isfinite(lo) and np.isfinite(hi)) else tn
        if not (-700.0 < tn and tn < 700.0) or hi - lo < 1e-15:
            return False, s, logf, lL, C, V, cbar
        t = tn
    return False, s, logf, lL, C, V, cbar


@_jit
def bordered(p, logp, logf, lL, lw, sel, J0, logDA, cbar, cm, V, a):
    """The Newton subproblem with the slope eliminated: M + b_hat (sigma b)' / V, q - b_hat a / V, log sigma, lb, sigma b / V."""
    M, qn, logsig, lb = newton_system(logp, logf, lL, lw, sel, J0, logDA)
    J, G = sel.shape
    bhat = np.empty(J)
    sb = np.empty(J)
    for j in range(J):
        b = 0.0
        c = 0.0
        for g in range(G):
            k = sel[j, g]
            dev = cbar[k] - cm[j, g]
            if np.isfinite(lL[j, g]):
                R = np.exp(logp[k] - logf[k] + lL[j, g])
                v = lL[j, g] + logsig[j] - logf[k]
                Pi = np.exp(0.0 if v > 0.0 else v)
            else:
                R = 0.0
                Pi = 0.0
            b += R * dev
            c += p[k] * Pi * dev
        bhat[j] = b * np.exp(-logDA[j])
        sb[j] = c
    for i in range(J):
        for j in range(J):
            M[i, j] += bhat[i] * sb[j] / V
        qn[i] -= bhat[i] * a / V
    for j in range(J):
        sb[j] = sb[j] / V
    return M, qn, logsig, lb, sb


@_jit
def psi(p, logf, lw, s, target):
    a = 0.0
    for k in range(p.size):
        a += p[k] * logf[k]
    b = 0.0
    for j in range(lw.size):
        b += np.exp(lw[j])
    return -a + b - s * target


@_jit
def psi_search(ctil, x, p, y, sel, lw, logsig, z, J0, logDA, logf, s, target, rtol, ds):
    """Armijo search on psi along z, every trial at its own root slope (started from ``s + t ds``).

    Returns (ok, y, sel, lw, s, log f, log L, C, V, cbar, cm).
    """
    psi0 = psi(p, logf, lw, s, target)
    slope = step_slope(logDA, logsig, z)
    t = 1.0
    while t >= 1e-8:
        lw_t = trial_weights(lw, logsig, z, t, J0)
        keep = finite(lw_t)
        yt, st, wt = compact(y, sel, lw_t, keep)
        cj = atom_cost(ctil, x, yt, st)
        ok, s2, logf2, lL2, C2, V2, cbar2 = slope_root(p, st, wt, cj, s * np.exp(pymax(pymin(t * ds / s, 2.0), -2.0)),
                                                        target, rtol)
        if ok:
            pt = psi(p, logf2, wt, s2, target)
            if pt <= psi0 + 1e-4 * t * pymin(slope, 0.0) + 1e-15 * max(1.0, abs(psi0)):
                return True, yt, st, wt, s2, logf2, lL2, C2, V2, cbar2, finite_or_zero(cj)
        t *= 0.5
    none = np.empty((0, sel.shape[1]))
    return False, y, sel, lw, s, logf, none, 0.0, 0.0, logf, none


@_jit
def budget_step(ctil, cfin, x, p, logp, y, sel, lw, s, logf, lL, C, V, cbar, logD, selbest, logDA, lm, target, rt):
    """One bordered Newton step with its line search (see :func:`mi_lib._budget_newton._budget_step`)."""
    n = p.size
    logK = times(ctil, -s)
    J0 = y.size
    y, sel, lL, logDA = add_candidates(logK, x, logp, logf, n, y, sel, lL, logDA, logD, selbest, lm)
    J, G = sel.shape
    cm = np.empty((J, G))
    for j in range(J):
        for g in range(G):
            cm[j, g] = cfin[x[sel[j, g]], y[j]] if np.isfinite(lL[j, g]) else 0.0
    M, qn, logsig, lb, ds = bordered(p, logp, logf, lL, lw, sel, J0, logDA, cbar, cm, V, C - target)
    z = qp(M, qn, lb, np.zeros(J), n + 1)
    dsz = 0.0
    for j in range(J):
        dsz += ds[j] * z[j]
    return psi_search(ctil, x, p, y, sel, lw, logsig, z, J0, logDA, logf, s, target, rt, -dsz)


@_jit
def flat4(hist, nh):
    """The last four gaps are all equal (min == max)."""
    lo = hist[nh - 4]
    hi = lo
    for i in range(nh - 3, nh):
        lo = min(lo, hist[i])
        hi = max(hi, hist[i])
    return lo == hi


@_jit
def budget_newton(ctil, cfin, x, gidx, goff, p, logp, logptot, y, sel, lw, s, target, tol, rtol, maxiter):
    """The bordered Newton method (:func:`mi_lib._budget_newton._budget_newton_body`).

    Returns (started, y, sel, lw, log f, lm, s, steps, converged), normalised;
    ``started`` is False when the start has no root.
    """
    cj = atom_cost(ctil, x, y, sel)
    ok, s, logf, lL, C, V, cbar = slope_root(p, sel, lw, cj, s, target, rtol)
    if not ok:
        return False, y, sel, lw, logf, 0.0, s, 0, False
    hist = np.empty(maxiter + 2)
    nh = 0
    it = 0
    done = False
    lm = _INF
    while True:
        logK = times(ctil, -s)
        logDA = atom_logD(logp, logf, lL, sel)
        logD, selbest, _ = terms(logK, x, logp, logf, gidx, goff)
        lm = pymax(amax(logD), amax(logDA))
        gap = lm + lse1(lw) - logptot
        if gap <= 1e-6 and abs(C - target) > rtol:
            # near the end the root to rounding before the next step, then price again
            cj = atom_cost(ctil, x, y, sel)
            ok, s2, logf2, lL2, C2, V2, cbar2 = slope_root(p, sel, lw, cj, s, target, rtol)
            if not ok:
                break
            s, logf, lL, C, V, cbar = s2, logf2, lL2, C2, V2, cbar2
            continue
        hist[nh] = gap
        nh += 1
        done = gap <= tol
        if done or it >= maxiter or not V > 0 or (nh > 3 and flat4(hist, nh)):
            break
        it += 1
        rt = rtol if gap <= 1e-6 else max(rtol, 1e-6 * target)
        ok, y2, sel2, lw2, s2, logf2, lL2, C2, V2, cbar2, _cm = budget_step(
            ctil, cfin, x, p, logp, y, sel, lw, s, logf, lL, C, V, cbar, logD, selbest, logDA, lm, target, rt)
        if not ok:
            break
        y, sel, lw, s, logf, lL, C, V, cbar = y2, sel2, lw2, s2, logf2, lL2, C2, V2, cbar2
    c = lse1(lw)
    return True, y, sel, minus(lw, c), minus(logf, c), lm + c, s, it, done


@_jit
def sensitivity_system(logK, cfin, x, n, logp, logf, y, sel, lw):
    """The linear system of d cost / d log s at fixed support (:func:`mi_lib._mixing._informed_sensitivity`).

    With ``R_jk = p_k L_kj / f_k``, ``Pi_kj = w_j L_kj / f_k`` and the costs
    ``c_kj``: ``M = R Pi``, ``b_j = sum_k R_jk (cbar_k - c_kj)`` (``cbar`` the
    rows' mean cost), and the rows' cost variances. Returns
    (M, b, Pi and c on the atoms' rows (J, G), cbar, var).
    """
    J, G = sel.shape
    P = np.zeros((J, G))
    R = np.zeros((J, G))
    C = np.zeros((J, G))
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            lL = logK[x[k], y[j]]
            if np.isfinite(lL):
                C[j, g] = cfin[x[k], y[j]]
                R[j, g] = np.exp(logp[k] - logf[k] + lL)
                P[j, g] = np.exp(lL + lw[j] - logf[k])
    cbar = np.zeros(n)
    sq = np.zeros(n)
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            pc = P[j, g] * C[j, g]
            cbar[k] += pc
            sq[k] += pc * C[j, g]
    var = np.empty(n)
    for k in range(n):
        var[k] = sq[k] - cbar[k] ** 2
    b = np.zeros(J)
    for j in range(J):
        for g in range(G):
            b[j] += R[j, g] * (cbar[sel[j, g]] - C[j, g])
    return shared_rows_product(R, P, sel), b, P, C, cbar, var


@_jit
def sensitivity_value(p, sel, P, C, cbar, var, dth):
    """``sum_k p_k sum_j Pi_kj (c_kj - cbar_k) dth_j - sum_k p_k var_k`` (d cost / d log s over s)."""
    J, G = sel.shape
    acc = np.zeros(p.size)
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            acc[k] += P[j, g] * (C[j, g] - cbar[k]) * dth[j]
    a = 0.0
    v = 0.0
    for k in range(p.size):
        a += p[k] * acc[k]
        v += p[k] * var[k]
    return a - v
