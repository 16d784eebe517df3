r"""Compiled kernels of the coset split's budget step and screening (private module; imports numba).

Imported by the compiled search of the coset split
(:mod:`mi_lib._blind_coset_driver`) on first use (``import mi_lib`` does not
load numba); plain loops, ``numba.njit(cache=True)``, on the per-coset kernels
of :mod:`mi_lib._blind_coset_kernels` (layouts and notation there). The
algorithms are stated in ``notes/discrete_solvers.md`` ("The coset split",
rounds 6 and 8):

* :func:`budget_newton`: Newton's method for :math:`\min \sum_c I_c(\pi_c)`
  subject to :math:`\sum\pi = 1`, :math:`\sum\kappa\pi = B` over a few
  cosets (the bordered system with two constraint rows, Armijo search once
  feasible);
* :func:`pair_loop`: Newton's method on :math:`F_a(t) - F_b(t)` for the
  crossing of two cosets' values (derivative :math:`K_a - K_b`);
* :func:`screen_loop`: the screening of the other cosets at slope :math:`t`
  (Newton steps while a coset's one-step bound is below the running
  threshold);
* :func:`tilt`: :math:`\sigma e^{-\tau\kappa}` with mean cost :math:`B`
  (safeguarded Newton in :math:`\tau`);
* :func:`certify`: the active laws stored, their bounds, and the screening of
  the other cosets (one of each mirror pair) in one call;
* :func:`pair_full`: :func:`pair_loop` on two cosets of the full batch;
* :func:`model_pair`: the next pair of cosets from local models of the solved
  cosets' values (a guess only; it never enters the bound).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from . import _blind_coset_active as act
from . import _blind_coset_kernels as ck

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")

START_MIN = 4  # the screening starts from the interpolated active law only when that law has this many points


@_jit
def _info_sum(R, pi, ws):
    V, q, lV, lq = ws[0], ws[1], ws[2], ws[3]
    tot = 0.0
    for c in range(pi.shape[0]):
        tot += ck._outputs1(R, pi[c], V, q, lV, lq)
    return tot


@_jit
def _budget_system(R, real, kap, pi, B, ws, idx, grad, M, rhs):
    """Fill the bordered system at ``pi``; returns (n real points, I, r1, r2)."""
    V, q, lV, lq, g1, H = ws[0], ws[1], ws[2], ws[3], ws[4], ws[5]
    nA, m = pi.shape
    n = 0
    for c in range(nA):
        for k in range(m):
            if real[c, k]:
                idx[n, 0], idx[n, 1] = c, k
                n += 1
    N = n + 2
    for i in range(N):
        for j in range(N):
            M[i, j] = 0.0
    info, r1, r2, base = 0.0, 0.0, 0.0, 0
    for c in range(nA):
        info += ck._outputs1(R, pi[c], V, q, lV, lq)
        ck._gradient1(R, lV, lq, real[c], g1)
        ck._hessian1(R, V, q, real[c], H)
        for k in range(m):
            grad[c, k] = g1[k]
            r1 += pi[c, k]
            r2 += pi[c, k] * kap[c, k]
        cnt = 0
        for k in range(m):
            cnt += 1 if real[c, k] else 0
        for i in range(base, base + cnt):
            ki = idx[i, 1]
            for j in range(base, base + cnt):
                kj = idx[j, 1]
                M[i, j] = math.sqrt(pi[c, ki]) * H[ki, kj] * math.sqrt(pi[c, kj])
        base += cnt
    r1 -= 1.0
    r2 -= B
    for i in range(n):
        c, k = idx[i, 0], idx[i, 1]
        D = math.sqrt(pi[c, k])
        M[i, n], M[n, i] = D, D
        M[i, n + 1], M[n + 1, i] = D * kap[c, k], D * kap[c, k]
        rhs[i, 0] = -D * grad[c, k]
    rhs[n, 0], rhs[n + 1, 0] = -r1, -r2
    return n, info, r1, r2


@_jit
def budget_newton(R, real, kap, pi0, B, maxit):
    """Newton on the budget-equality problem over the cosets of ``pi0`` (unnormalised masses, (nA, m)).

    Returns (status, pi, s, lam, I, steps): s the budget multiplier, lam the
    common value; status 1 for a non-positive mass, 2 singular, 3 non-finite.
    """
    nA, m = pi0.shape
    pi = pi0.copy()
    ws = ck._workspace(R, m)
    nmax = nA * m + 2
    idx = np.empty((nmax, 2), np.int64)
    grad, d, trial = np.zeros((nA, m)), np.zeros((nA, m)), np.empty((nA, m))
    M, rhs = np.empty((nmax, nmax)), np.empty((nmax, 1))
    steps = 0
    for it in range(maxit + 1):
        for c in range(nA):
            for k in range(m):
                if real[c, k] and not pi[c, k] > 0.0:
                    return ck.NONPOSITIVE, pi, 0.0, 0.0, 0.0, steps
        n, info, r1, r2 = _budget_system(R, real, kap, pi, B, ws, idx, grad, M, rhs)
        N = n + 2
        Ms = M[:N, :N].copy()
        sol = rhs[:N].copy()
        if not ck._lu_solve(Ms, sol, N):
            return ck.SINGULAR, pi, 0.0, 0.0, 0.0, steps
        lam1, lam2 = sol[n, 0], sol[n + 1, 0]
        dec, stat = 0.0, 0.0
        for i in range(n):
            t = 0.0
            for j in range(n):
                t += M[i, j] * sol[j, 0]
            dec += sol[i, 0] * t
            c, k = idx[i, 0], idx[i, 1]
            stat = max(stat, abs(grad[c, k] + lam1 + lam2 * kap[c, k]))
            d[c, k] = math.sqrt(pi[c, k]) * sol[i, 0]
        feas = max(abs(r1), abs(r2) / B) <= 1e-14  # B > 0: the split runs only when the budget binds
        if not math.isfinite(dec):
            return ck.NONFINITE, pi, 0.0, 0.0, 0.0, steps
        if (feas and dec <= ck.CONVERGED and stat <= ck.RESID) or it == maxit:
            return ck.OK, pi, lam2, -lam1, info, steps
        ratio = math.inf
        for i in range(n):
            c, k = idx[i, 0], idx[i, 1]
            if d[c, k] < 0.0:
                ratio = min(ratio, pi[c, k] / -d[c, k])
        alpha = min(1.0, 0.995 * ratio)
        if feas and dec > 1e-10:
            while alpha > 1e-12:
                for c in range(nA):
                    for k in range(m):
                        trial[c, k] = pi[c, k] + alpha * d[c, k]
                if _info_sum(R, trial, ws) <= info - 1e-4 * alpha * dec + 1e-15 * (abs(info) + 1):
                    break
                alpha *= 0.5
        for c in range(nA):
            for k in range(m):
                pi[c, k] = pi[c, k] + alpha * d[c, k] if real[c, k] else 0.0
        steps += 1
    return ck.NONFINITE, pi, 0.0, 0.0, 0.0, steps  # not reached: the loop returns at it == maxit


@_jit
def pair_loop(R, real, kap, sig, dsig, s0, lo, hi, t, maxit):
    """Newton on h(t) = F_a(t) - F_b(t) (dh/dt = K_a - K_b) inside (lo, hi), each F by :func:`newton_batch`.

    The crossing search of :func:`mi_lib._blind_coset_driver._pair` on the two
    cosets of the batch (laws updated in place). Returns (status, t, F_a,
    F_b, K_a, K_b, steps); status 3 when 60 iterations do not settle.
    """
    steps = 0
    F0, F1, K0, K1 = 0.0, 0.0, 0.0, 0.0
    for _ in range(60):
        st, f, _info, stp = ck.newton_batch(R, real, kap, sig, dsig, s0, t, maxit)
        if st != ck.OK:
            return st, t, F0, F1, K0, K1, steps
        steps += stp
        F0, F1, K0, K1 = f[0], f[1], 0.0, 0.0
        for k in range(sig.shape[1]):
            K0 += sig[0, k] * kap[0, k]
            K1 += sig[1, k] * kap[1, k]
        h, dh = F0 - F1, K0 - K1
        if abs(h) <= 4e-16 * (1.0 + abs(F0)) or dh == 0.0:
            return ck.OK, t, F0, F1, K0, K1, steps
        # the first coset of the pair is the better one below the crossing: h < 0 there, h > 0 above
        if h > 0:
            hi = min(hi, t)
        else:
            lo = max(lo, t)
        u = t - h / dh
        if not (lo < u < hi):
            u = 0.5 * (lo + hi) if math.isfinite(hi) else max(2.0 * t, lo + 1.0)
        if u == t:
            return ck.OK, t, F0, F1, K0, K1, steps
        t = u
    return ck.NONFINITE, t, F0, F1, K0, K1, steps


@_jit
def pair_full(R, real, kap, sigma, dsig, s0, pair, lo, hi, t, maxit):
    """:func:`pair_loop` on the cosets ``pair`` of the full batch (gathered, and written back on success)."""
    m = sigma.shape[1]
    rl, kp = np.empty((2, m), np.bool_), np.empty((2, m))
    sg, ds, ss = np.empty((2, m)), np.empty((2, m)), np.empty(2)
    _gather(real, pair, rl)
    _gather(kap, pair, kp)
    _gather(sigma, pair, sg)
    _gather(dsig, pair, ds)
    ss[0], ss[1] = s0[pair[0]], s0[pair[1]]
    out = pair_loop(R, rl, kp, sg, ds, ss, lo, hi, t, maxit)
    if out[0] == ck.OK:
        for i in range(2):
            c = pair[i]
            s0[c] = ss[i]
            for k in range(m):
                sigma[c, k], dsig[c, k] = sg[i, k], ds[i, k]
    return out


@_jit
def _gather(src, rows, dst):
    for i in range(rows.size):
        for k in range(src.shape[1]):
            dst[i, k] = src[rows[i], k]


@_jit
def screen_loop(R, real, kap, sig, dsig, t, thr, margin, maxsteps, fconv):
    """The screening loop of :func:`certify` from the laws ``sig`` (updated in place).

    Each pass takes the live cosets in turn: the one-step bound L_c(t) at the
    current law, from the outputs and gradient the Newton step then reuses;
    a coset whose bound is not below the threshold of the previous pass is
    dropped, the others get a Newton step (a converged coset keeps its law
    and offers its value and bound). After the pass the threshold drops to
    the smallest converged value. Returns (status, Lmin, best, K_best, cut,
    steps): ``best`` the index of the coset with the smallest converged
    value below thr - margin (else -1); status 3 when a coset is still live
    after ``maxsteps`` passes. ``fconv[c]`` receives the value F_c(t) of
    every coset that converged (left as it was for the others).
    """
    C, m = sig.shape
    ws = ck._workspace(R, m)
    V, q, lV, lq, grad = ws[0], ws[1], ws[2], ws[3], ws[4]
    bws = ck._bound_workspace(R, m)
    new, mix = np.empty(m), np.empty(m)
    Lmin, best, Kbest, fbest, cut = math.inf, -1, math.nan, thr - margin, thr
    live, nl = np.arange(C), C
    steps = 0
    for _ in range(maxsteps):
        nrest, kbest, fmin, stepped = 0, -1, math.inf, False
        for i in range(nl):
            c = live[i]
            if act.mixed(real[c], sig[c], mix):  # zero masses (active set): the bound at a full-support law
                ck._outputs1(R, mix, V, q, lV, lq)
                ck._gradient1(R, lV, lq, real[c], grad)
                Lc = ck._bound1(R, real[c], kap[c], mix, t, V, q, lV, lq, grad, bws)
                if not Lc < cut:
                    continue
                info = ck._outputs1(R, sig[c], V, q, lV, lq)
                ck._gradient1(R, lV, lq, real[c], grad)
            else:
                info = ck._outputs1(R, sig[c], V, q, lV, lq)
                ck._gradient1(R, lV, lq, real[c], grad)
                Lc = ck._bound1(R, real[c], kap[c], sig[c], t, V, q, lV, lq, grad, bws)
                if not Lc < cut:
                    continue
            for k in range(m):
                if real[c, k] and not sig[c, k] >= 0.0:
                    return ck.NONPOSITIVE, Lmin, best, Kbest, cut, steps
            st, f, _info, conv = ck._step_tail(R, real[c], kap[c], sig[c], t, ws, new, dsig[c], info)
            if st != ck.OK:
                return st, Lmin, best, Kbest, cut, steps
            stepped = True
            if conv:
                Lmin = min(Lmin, Lc)
                if kbest < 0 or f < fmin:
                    kbest, fmin = c, f
                fconv[c] = f
            else:
                for k in range(m):
                    sig[c, k] = new[k]
                live[nrest] = c
                nrest += 1
        if not stepped:
            return ck.OK, Lmin, best, Kbest, cut, steps
        steps += 1
        if kbest >= 0:
            if fmin < fbest:
                best, fbest = kbest, fmin
                Kbest = 0.0
                for k in range(m):
                    Kbest += sig[kbest, k] * kap[kbest, k]
            cut = min(cut, fmin)
        nl = nrest
    # still live at the start of pass maxsteps + 1 (even if the last pass emptied the set, as before)
    return ck.NONFINITE, Lmin, best, Kbest, cut, steps


@_jit
def _moments(ls, kr, tau, w):
    """Mean and variance of kappa under sigma exp(-tau kappa), normalised (the tilted law into w)."""
    n = ls.size
    amax = -math.inf
    for i in range(n):
        w[i] = ls[i] - tau * kr[i]
        amax = max(amax, w[i])
    tot = 0.0
    for i in range(n):
        w[i] = math.exp(w[i] - amax)
        tot += w[i]
    mean = 0.0
    for i in range(n):
        w[i] /= tot
        mean += w[i] * kr[i]
    var = 0.0
    for i in range(n):
        var += w[i] * (kr[i] - mean) ** 2
    return mean, var


@_jit
def tilt(ls, kr, B):
    """The tilt of :func:`mi_lib._blind_coset_budget._tilt` on the real points (log masses ``ls``, costs ``kr``)."""
    w = np.empty(ls.size)
    lo, hi = -1.0, 1.0
    while _moments(ls, kr, lo, w)[0] < B:
        lo *= 2.0
    while _moments(ls, kr, hi, w)[0] > B:
        hi *= 2.0
    tau = 0.0 if lo < 0.0 < hi else 0.5 * (lo + hi)
    for _ in range(200):
        mean, var = _moments(ls, kr, tau, w)
        if mean == B:
            break
        if mean > B:
            lo = tau
        else:
            hi = tau
        if hi - lo <= 1e-15 * max(1.0, abs(tau)):
            break
        step = tau + (mean - B) / var if var > 0.0 else math.nan
        tau = step if lo < step < hi else 0.5 * (lo + hi)
    _moments(ls, kr, tau, w)
    return w


@_jit
def _interp(x, xp, fp):
    """np.interp(x, xp, fp) for a scalar x and increasing xp (constant beyond the ends)."""
    n = xp.size
    if x <= xp[0]:
        return fp[0]
    if x >= xp[n - 1]:
        return fp[n - 1]
    lo, hi = 0, n - 1  # xp[lo] < x < xp[hi] or x == xp[lo]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if xp[mid] <= x:
            lo = mid
        else:
            hi = mid
    if x == xp[lo]:
        return fp[lo]
    return (fp[hi] - fp[lo]) / (xp[hi] - xp[lo]) * (x - xp[lo]) + fp[lo]


@_jit
def _start(R, idx, real, kap, sig, t, ref_idx, ref_lsig):
    """Replace each law by the interpolated active law exp(interp(log ref)) where that has a smaller value at t."""
    C, m = sig.shape
    if ref_idx.size == 0:
        return
    alt = np.empty((C, m))
    for c in range(C):
        tot = 0.0
        for k in range(m):
            v = math.exp(_interp(float(idx[c, k]), ref_idx, ref_lsig)) if real[c, k] else 0.0
            alt[c, k] = v
            tot += v
        for k in range(m):
            alt[c, k] = alt[c, k] / tot
    ws = ck._workspace(R, m)
    for c in range(C):
        fs = ck._value(R, sig[c], kap[c], t, ws[0], ws[1], ws[2], ws[3])
        fa = ck._value(R, alt[c], kap[c], t, ws[0], ws[1], ws[2], ws[3])
        if fa < fs:
            for k in range(m):
                sig[c, k] = alt[c, k]


@_jit
def screen(R, idx, real, kap, sigma, dsig, s0, others, t, thr, margin, ref_idx, ref_lsig, maxsteps, fconv):
    """The screening of the cosets ``others`` of the full batch at slope t (see :func:`screen_loop`).

    Starts from the prediction of each coset's stored law, or the active law
    (grid indices ``ref_idx``, log masses ``ref_lsig``; empty for none) where
    that is better; on success writes the laws, d sigma / d s and t back
    into ``sigma``, ``dsig``, ``s0``. Returns (status, Lmin, best, K_best,
    cut, steps) with ``best`` an index into the full batch or -1.
    """
    n, m = others.size, sigma.shape[1]
    ix, rl, kp = np.empty((n, m), np.int64), np.empty((n, m), np.bool_), np.empty((n, m))
    sg, ds, ss = np.empty((n, m)), np.empty((n, m)), np.empty(n)
    _gather(idx, others, ix)
    _gather(real, others, rl)
    _gather(kap, others, kp)
    _gather(sigma, others, sg)
    _gather(dsig, others, ds)
    moved = False
    for i in range(n):
        ss[i] = s0[others[i]]
        moved = moved or ss[i] != t
    sig = ck.predict_batch(rl, sg, ds, ss, t) if moved else sg
    if ref_lsig.size >= START_MIN:  # an active law on fewer points has no shape to interpolate
        _start(R, ix, rl, kp, sig, t, ref_idx, ref_lsig)
    fc = np.full(n, math.nan)
    st, Lmin, best, Kbest, cut, steps = screen_loop(R, rl, kp, sig, ds, t, thr, margin, maxsteps, fc)
    for i in range(n):
        fconv[others[i]] = fc[i]
    if st == ck.OK:
        for i in range(n):
            c = others[i]
            s0[c] = t
            for k in range(m):
                sigma[c, k], dsig[c, k] = sig[i, k], ds[i, k]
        best = others[best] if best >= 0 else -1
    return st, Lmin, best, Kbest, cut, steps


@_jit
def certify(R, idx, real, kap, sigma, dsig, s0, mir, A, pi, w, jref, ref_lsig, t, thr, margin, maxsteps, fconv):
    """Store the active laws and screen the other cosets (:func:`mi_lib._blind_coset_driver._certify`).

    Writes the active laws pi_c / w_c (d sigma / d s = 0, slope t) into the
    full batch, takes their one-step bounds, and screens (:func:`screen`) the
    cosets c <= mir[c] not in ``A`` against ``thr``, starting where better
    from the law of the active coset ``A[jref]`` (log masses ``ref_lsig`` on
    its real points). Returns (status, L_active, L_screen, best, K_best,
    steps): L_screen = min(smallest converged bound, final threshold), inf
    when nothing is screened.
    """
    nA, m = pi.shape
    ra, ka, sa = np.empty((nA, m), np.bool_), np.empty((nA, m)), np.empty((nA, m))
    for j in range(nA):
        c = A[j]
        s0[c] = t
        for k in range(m):
            sigma[c, k] = pi[j, k] / w[j]
            dsig[c, k] = 0.0
            ra[j, k], ka[j, k], sa[j, k] = real[c, k], kap[c, k], sigma[c, k]
    La = ck.bound_batch(R, ra, ka, sa, t)
    Lact = La[0]
    for j in range(1, nA):
        Lact = min(Lact, La[j])
    C = sigma.shape[0]
    others = np.empty(C, np.int64)
    n = 0
    for c in range(C):
        active = False
        for j in range(nA):
            active = active or A[j] == c
        if c <= mir[c] and not active:
            others[n] = c
            n += 1
    for c in range(fconv.size):
        fconv[c] = math.nan
    for j in range(nA):
        fconv[A[j]] = thr  # the active cosets' common value
    if n == 0:
        return ck.OK, Lact, math.inf, -1, math.nan, 0
    ref_idx = np.empty(ref_lsig.size)
    i = 0
    for k in range(m):
        if real[A[jref], k]:
            ref_idx[i] = float(idx[A[jref], k])
            i += 1
    st, Lmin, best, Kbest, cut, steps = screen(R, idx, real, kap, sigma, dsig, s0, others[:n], t, thr, margin, ref_idx,
                                               ref_lsig, maxsteps, fconv)
    return st, Lact, min(Lmin, cut), best, Kbest, steps


@_jit
def _model_grid(F, K, Kp, s, lo, hi, B, arg):
    """Best modelled coset at each of ``arg.size`` interior grid points of [lo, hi] (into ``arg``); the argmax of the dual."""
    nt = arg.size
    jbest, gbest = -1, -math.inf
    for j in range(nt):
        t = lo + (hi - lo) * (j + 1) / (nt + 1)
        d = t - s
        mn, cm = math.inf, -1
        for c in range(F.size):
            if F[c] == F[c]:
                v = F[c] + K[c] * d + 0.5 * Kp[c] * d * d
                if v < mn:
                    mn, cm = v, c
        arg[j] = cm
        if cm >= 0 and mn - t * B > gbest:
            jbest, gbest = j, mn - t * B
    return jbest


@_jit
def _next_other(arg, j, step, a):
    """The first entry of ``arg`` from j + step on (in direction ``step``) that differs from a, or -1."""
    j += step
    while 0 <= j < arg.size:
        if arg[j] != a:
            return arg[j]
        j += step
    return -1


@_jit
def model_pair(sigma, dsig, kap, F, s, lo, hi, B, nt):
    """The next pair of cosets for :func:`mi_lib._blind_coset_driver.search` (costlier first), or (-1, -1).

    Cosets with F[c] finite are modelled by F_c + K_c d + K'_c d^2 / 2,
    d = t - s; the model dual min_c model_c(t) - tB is maximised over ``nt``
    interior points of the grid on [lo, hi], then again on ``nt`` points
    between the neighbours of the best one; its best coset there is paired
    with the next different best coset on the side of the model optimum.
    """
    C, m = sigma.shape
    K, Kp = np.empty(C), np.empty(C)
    for c in range(C):
        a, b = 0.0, 0.0
        for k in range(m):
            a += sigma[c, k] * kap[c, k]
            b += dsig[c, k] * kap[c, k]
        K[c], Kp[c] = a, b
    arg, argf = np.empty(nt, np.int64), np.empty(nt, np.int64)
    jc = _model_grid(F, K, Kp, s, lo, hi, B, arg)
    if jc < 0:
        return -1, -1
    flo, fhi = lo + (hi - lo) * jc / (nt + 1), lo + (hi - lo) * (jc + 2) / (nt + 1)
    jf = _model_grid(F, K, Kp, s, flo, fhi, B, argf)
    a = argf[jf]
    d = flo + (fhi - flo) * (jf + 1) / (nt + 1) - s
    step = 1 if K[a] + Kp[a] * d > B else -1
    b = _next_other(argf, jf, step, a)
    if b < 0:
        b = _next_other(arg, jc, step, a)
    if b < 0:
        return -1, -1
    if K[a] + Kp[a] * d > K[b] + Kp[b] * d:
        return a, b
    return b, a
