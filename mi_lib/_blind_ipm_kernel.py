r"""Compiled kernels of the blind interior-point method (private module; imports numba).

Imported only by :func:`mi_lib._blind_ipm._blind_ipm`, on its first call, so
that ``import mi_lib`` does not load numba. Every function is
``numba.njit(cache=True)``: the first call in a fresh environment compiles
(a few seconds), later processes load the machine code from numba's cache
(``__pycache__`` next to this file, or ``NUMBA_CACHE_DIR``).

The iteration is that of :mod:`mi_lib._blind_ipm` (the mathematics is stated
there and in :mod:`mi_lib._blind_ipm_ops`); here each step is a loop over
the index arrays of :class:`mi_lib._blind_ipm_ops._Ops` instead of a numpy
call, because at n <= 120 the calls, not the arithmetic, were the cost:

* outputs :math:`V_u = \sum_x p(x|u)\,\pi(\cdot - x)` in the linear domain
  (pads V = 1 where no mass can arrive), :math:`q = \sum_u p(u) V_u`,
  :math:`L = \log V - \log q`, :math:`I = \sum p(u) V L` (:func:`_outputs`);
* the gradient :math:`g_e = \sum_{u,x} p(u,x) L_u(x + e)` (:func:`_gradient`);
* the diagonals of :math:`\Pi H \Pi` (:func:`_k_diagonals`), the dense
  :math:`K + \pi\pi^\top` with :math:`K = \Pi H \Pi + \operatorname{diag}(\pi z)`
  factorised by LAPACK ``dpotrf`` (SciPy's Cython LAPACK, declared to numba as an
  external symbol, without ``np.linalg.cholesky``'s copy and exception), and the bordered
  solve by the Schur complement with one step of iterative refinement on the
  whole system (:func:`_bordered_solve`); when the Hessian's graph splits into
  components of at most 40 points (S2: 2-3), :math:`K` itself block by block
  (:mod:`mi_lib._blind_ipm_blocks`) with refinement until the residual stalls,
  and the dense factor from the first solve whose residual stays above
  ``st[RES]`` (:func:`_newton`);
* the direction, the fraction to the boundary, backtracking on the barrier
  merit (its accepted point's outputs are reused by the next iteration), the
  dual clipping and the :math:`\mu` update (:func:`_run`).

Near the end (best gap within ``(tol, 100 tol]``) the one-step blind
certificate is evaluated in the loop too (:func:`_one_step_value`, the value
of :func:`mi_lib._certificates._blind_step` from the linear-domain outputs;
the Python function costs about 0.1 ms a call, more than ten iterations at
n = 21).
"""

from __future__ import annotations

import math

import llvmlite.binding as llvm
import numba
import numpy as np
from numba import types
from numba.extending import get_cython_function_address

from ._blind_coset_kernels import shifted_max
from ._blind_ipm_blocks import _block_factor, _block_solve
from ._logdomain import _FLOOR as FLOOR

# LAPACK dpotrf(uplo, n, a, lda, info) of SciPy's Cython LAPACK, every argument by pointer, declared to
# numba as an external symbol (documented APIs of llvmlite, numba and SciPy; unlike a ctypes pointer, an
# external symbol lets numba cache the compiled code)
llvm.add_symbol("mi_lib_dpotrf", get_cython_function_address("scipy.linalg.cython_lapack", "dpotrf"))
_DPOTRF = types.ExternalFunction("mi_lib_dpotrf", types.void(*(5 * (types.voidptr,))))
_UPLO = ord("U")  # upper in Fortran order = lower triangle of the C-ordered array

FRAC = 0.995  # fraction of the step to the boundary
KEPS = 10.0  # the subproblem counts as solved when its error is below this many mu
KMU = 0.05  # a fixed factor: a superlinear cut (mu^1.5) lands far off the path, which costs more steps
RND = 1e-13  # predicted merit decrease below this (relative) is rounding

# scalar state vector of _run (float64 entries)
W, LAM, NU, MU, BMI, BLB, BS, IT, BUDGET, BVAL, TOL, MAXIT, DENSE, RES = range(14)
NSTATE = 14
# block solves (the residual relative to its terms, entrywise): at most NREF refinement steps, stopped at
# RES_ROUND or when a step no longer halves it; accepted up to st[RES] (set by the caller, 1e-6). After its
# one refinement step the dense factor ends at 1e-16 ... 4e-10 on S2 iterates (the measure is noisy at
# 1e-13 ... 1e-10: the products in K u cancel), 4e-7 on a law decaying to 1e-30 (tests/test_blind_ipm.py),
# with the same direction as the block solve to 1e-13; st[RES] only catches a Schur complement gone wrong
# (its error ~ eps / mu, contracted by each refinement step)
NREF = 4
RES_ROUND = 1e-12

_jit = numba.njit(cache=True, nogil=True)


@_jit
def _fill(a, v):
    """a[...] = v for a C-contiguous array (a loop: numba's slice assignment costs seconds of compilation)."""
    f = a.reshape(-1)
    for i in range(f.size):
        f[i] = v


@_jit
def _copy(src, dst):
    for i in range(src.size):
        dst[i] = src[i]


@_jit
def _outputs(pi, ops, V, q, L):
    """I at the full-support law ``pi``; fills V (padded), q and L = log V - log q."""
    rg, ro, rc, pad, gp, gpw, qpad = ops[0], ops[1], ops[2], ops[4], ops[5], ops[6], ops[7]
    n = pi.size
    G, ny = V.shape
    _fill(V, 0.0)
    for r in range(rg.size):
        g, o, c = rg[r], ro[r], rc[r]
        for e in range(n):
            V[g, o + e] += c * pi[e]
    for y in range(ny):
        s = qpad[y]  # before the pads: no cancellation (qpad is 0 wherever some V_g can be > 0)
        for g in range(G):
            s += gp[g] * V[g, y]
        q[y] = s
    mi = 0.0
    for y in range(ny):
        lq = math.log(q[y])
        for g in range(G):
            v = V[g, y] + pad[g, y]  # exact: V = 0 exactly where pad = 1
            V[g, y] = v
            lv = math.log(v) - lq
            L[g, y] = lv
            mi += gpw[g, y] * v * lv
    return max(mi, 0.0)


@_jit
def _gradient(L, ops, g):
    """g_e = dI / dpi(e) = sum_{u,x} p(u, x) L_u(x + e)."""
    rg, ro, rp = ops[0], ops[1], ops[3]
    _fill(g, 0.0)
    for r in range(rg.size):
        row, o, c = rg[r], ro[r], rp[r]
        for e in range(g.size):
            g[e] += c * L[row, o + e]


@_jit
def _k_diagonals(V, q, pi, ops, R, Kd):
    """Kd[t, r] = (Pi H Pi)(r, r + offs[t]) for r in the diagonal's range (H from 1/V and 1/q)."""
    Wt, hbase, offs = ops[8], ops[9], ops[10]
    G, ny = V.shape
    n = pi.size
    for g in range(G):
        for y in range(ny):
            R[g * ny + y] = 1.0 / V[g, y]
    for y in range(ny):
        R[G * ny + y] = 1.0 / q[y]
    _fill(Kd, 0.0)
    for t in range(offs.size):
        k = offs[t]
        lo, hi = max(0, -k), min(n, n - k)
        for j in range(hbase.size):
            w, b = Wt[t, j], hbase[j]
            if w != 0.0:
                for r in range(lo, hi):
                    Kd[t, r] += w * R[b + r]
        for r in range(lo, hi):
            Kd[t, r] *= pi[r] * pi[r + k]


@_jit
def _k_times(Kd, offs, pz, u, out):
    """out = K u with K = Pi H Pi (diagonals Kd) + diag(pz)."""
    n = u.size
    for r in range(n):
        out[r] = pz[r] * u[r]
    for t in range(offs.size):
        k = offs[t]
        for r in range(max(0, -k), min(n, n - k)):
            out[r] += Kd[t, r] * u[r + k]


@_jit
def _factor(Kd, offs, pz, pi, F):
    """Cholesky factor (lower triangle of F) of K + pi pi'; False if not positive definite.

    + pi pi': K alone is nearly singular along 1 (Pi H Pi 1 = Pi H pi = 0, I
    being 1-homogeneous), which the Schur complement of the sum row would turn
    into a loss of accuracy of order eps / mu.
    """
    n = pi.size
    for i in range(n):
        for j in range(i + 1):
            F[i, j] = pi[i] * pi[j]
        F[i, i] += pz[i]
    for t in range(offs.size):
        k = offs[t]
        if k <= 0:  # entry (r, r + k) with r >= r + k: the lower triangle
            for r in range(-k, n):
                F[r, r + k] += Kd[t, r]
    args = np.empty(3, np.int32)  # n, lda, info
    args[0] = n
    args[1] = F.shape[1]
    args[2] = -1
    uplo = np.empty(1, np.uint8)
    uplo[0] = _UPLO
    _DPOTRF(uplo.ctypes, args[0:1].ctypes, F.ctypes, args[1:2].ctypes, args[2:3].ctypes)
    return args[2] == 0


@_jit
def _chol_solve(F, b):
    """Solve (F F') x = b in place (F lower triangular)."""
    n = b.size
    for i in range(n):
        s = b[i]
        for j in range(i):
            s -= F[i, j] * b[j]
        b[i] = s / F[i, i]
    for i in range(n - 1, -1, -1):
        b[i] /= F[i, i]
        xi = b[i]
        for j in range(i):
            b[j] -= F[i, j] * xi


@_jit
def _ksolve(fac, x, tmp):
    """Solve in place with the dense factor of K + pi pi' (``fac[3]`` true) or the block factors of K."""
    F, Fb, blk, dense = fac
    if dense:
        _chol_solve(F, x)
    else:
        _block_solve(Fb, blk, x, tmp)


@_jit
def _schur_solve(fac, C, KC, S, r1, r2, u, y, tmp):
    """One solve of the bordered system through the factor (of K + pi pi', or of K) and the Schur complement S."""
    nc, n = C.shape
    for e in range(n):
        u[e] = r1[e]
    _ksolve(fac, u, tmp)
    b0 = -r2[0]
    for e in range(n):
        b0 += C[0, e] * u[e]
    if nc == 1:
        y[0] = b0 / S[0, 0]
    else:
        b1 = -r2[1]
        for e in range(n):
            b1 += C[1, e] * u[e]
        a, c, d = S[0, 0], S[0, 1], S[1, 1]
        det = a * d - c * S[1, 0]
        y[0] = (d * b0 - c * b1) / det
        y[1] = (a * b1 - S[1, 0] * b0) / det
    for i in range(nc):
        for e in range(n):
            u[e] -= KC[i, e] * y[i]
    if fac[3]:  # the shift of the sum row's multiplier that + pi pi' introduces
        y[0] += r2[0]


@_jit
def _residual(Kd, offs, pz, C, wdiag, r1, r2, u, y, e1, e2):
    """e = r - M (u, y) for the bordered matrix M; returns its largest entry relative to its terms."""
    nc, n = C.shape
    _k_times(Kd, offs, pz, u, e1)
    rel = 0.0
    for e in range(n):
        scale = max(abs(r1[e]), abs(e1[e]))
        v = r1[e] - e1[e]
        for i in range(nc):
            t = C[i, e] * y[i]
            v -= t
            scale = max(scale, abs(t))
        e1[e] = v
        if v != 0.0:
            rel = max(rel, abs(v) / scale)
    for i in range(nc):
        s, scale = r2[i] + wdiag[i] * y[i], max(abs(r2[i]), abs(wdiag[i] * y[i]))
        for e in range(n):
            t = C[i, e] * u[e]
            s -= t
            scale = max(scale, abs(t))
        e2[i] = s
        if s != 0.0:
            rel = max(rel, abs(s) / scale)
    return rel


@_jit
def _correct(fac, C, KC, S, e1, e2, u, y, tmp):
    """One step of iterative refinement: (u, y) += the solution for the residual (e1, e2)."""
    nc, n = C.shape
    du, dy = np.empty(n), np.empty(nc)
    _schur_solve(fac, C, KC, S, e1, e2, du, dy, tmp)
    for e in range(n):
        u[e] += du[e]
    for i in range(nc):
        y[i] += dy[i]


@_jit
def _bordered_solve(Kd, offs, pz, fac, C, wdiag, r1, r2, res):
    """(u, y, ok) with K u + C' y = r1, C u - diag(wdiag) y = r2.

    Dense factor of K' = K + pi pi': the same u solves K' u + C' y' = r1,
    C u - W y = r2 with y' = y - r2[0] e_0, because C[0] = pi, pi' u = r2[0]
    and W_00 = 0; one step of iterative refinement. Block factors of K: up to
    ``NREF`` refinement steps, while they contract the residual and it is
    above rounding; ``ok`` is false when it ends above ``res`` of its terms
    (the caller then goes dense).
    """
    nc, n = C.shape
    tmp = np.empty(n)
    KC = np.empty((nc, n))
    S = np.zeros((nc, nc))
    for i in range(nc):
        for e in range(n):
            KC[i, e] = C[i, e]
        _ksolve(fac, KC[i], tmp)
    for i in range(nc):
        for j in range(nc):
            s = 0.0
            for e in range(n):
                s += C[i, e] * KC[j, e]
            S[i, j] = s
        S[i, i] += wdiag[i]
    u, y = np.empty(n), np.empty(nc)
    _schur_solve(fac, C, KC, S, r1, r2, u, y, tmp)
    e1, e2 = np.empty(n), np.empty(nc)
    if fac[3]:
        _residual(Kd, offs, pz, C, wdiag, r1, r2, u, y, e1, e2)
        _correct(fac, C, KC, S, e1, e2, u, y, tmp)
        return u, y, True
    rel = _residual(Kd, offs, pz, C, wdiag, r1, r2, u, y, e1, e2)
    for _ in range(NREF):
        _correct(fac, C, KC, S, e1, e2, u, y, tmp)
        prev, rel = rel, _residual(Kd, offs, pz, C, wdiag, r1, r2, u, y, e1, e2)
        if rel <= RES_ROUND or rel > 0.5 * prev:  # at rounding level, or no longer contracting
            break
    ok = rel <= res
    return u, y, ok


@_jit
def _linear_bound(g, kappa, lam, B):
    """min_e (g_e + lam kappa_e) - lam B: a lower bound on I*(B) for lam >= 0 (``g`` at a full-support law)."""
    lo = math.inf
    for e in range(g.size):
        v = g[e] + lam * kappa[e]
        if v != v:  # a NaN gradient gives no bound (min would skip it)
            return -math.inf
        if v < lo:
            lo = v
    return lo - lam * B


@_jit
def _max_step(x, dx):
    """Largest alpha in (0, 1] with x + alpha dx >= 0 (x > 0)."""
    lo = math.inf
    for e in range(x.size):
        lo = min(lo, dx[e] / x[e])
    return 1.0 if lo >= -1.0 else -1.0 / lo


@_jit
def _max_step1(x, dx):
    return 1.0 if dx >= -x else -x / dx


@_jit
def _log_barrier(pi, w, budget):
    s = 0.0
    for e in range(pi.size):
        s += math.log(pi[e])
    return s + (math.log(w) if budget else 0.0)


@_jit
def _record(pi, g, mi, kappa, st, bpi, lbpi):
    """Record the iterate: best value (normalised law within budget), best bound; returns its own bound."""
    budget, B, lam = st[BUDGET] != 0.0, st[BVAL], st[LAM]
    tot, cost = 0.0, 0.0
    for e in range(pi.size):
        tot += pi[e]
        cost += pi[e] * kappa[e]
    # the value is that of the normalised law (I is 1-homogeneous; tot is 1 to rounding)
    if mi / tot < st[BMI] and (not budget or cost <= tot * B * (1.0 + 1e-13)):
        st[BMI] = mi / tot
        for e in range(pi.size):
            bpi[e] = pi[e] / tot
    lb = _linear_bound(g, kappa, lam if budget else 0.0, B)
    if lb > st[BLB]:
        st[BLB], st[BS] = lb, lam
        _copy(pi, lbpi)
    return lb


@_jit
def _direction(Kd, offs, fac, pi, z, g, kappa, st):
    """Newton direction ``(dpi, dz, dw, dlam, dnu)`` for the complementarity targets pi z = w lam = mu.

    ``fac``: the factor(s) of :func:`_ksolve`; the last entry of the result is
    false when the block solve did not reach rounding level (see
    :func:`_bordered_solve`).
    """
    budget = st[BUDGET] != 0.0
    lam, w, nu, mu, B = st[LAM], st[W], st[NU], st[MU], st[BVAL]
    n = pi.size
    nc = 2 if budget else 1
    C, r1, pz = np.empty((nc, n)), np.empty(n), np.empty(n)
    r2, wdiag = np.zeros(nc), np.zeros(nc)
    r2[0] = 1.0
    for e in range(n):
        C[0, e] = pi[e]
        r1[e] = mu - pi[e] * (g[e] - nu)
        pz[e] = pi[e] * z[e]
        r2[0] -= pi[e]
    if budget:
        r2[1] = B - mu / lam
        for e in range(n):
            C[1, e] = kappa[e] * pi[e]
            r1[e] -= lam * C[1, e]
            r2[1] -= C[1, e]
        wdiag[1] = w / lam
    u, y, ok = _bordered_solve(Kd, offs, pz, fac, C, wdiag, r1, r2, st[RES])
    dlam = y[1] if budget else 0.0
    dw = (mu - w * lam - w * dlam) / lam if budget else 0.0
    dpi, dz = np.empty(n), np.empty(n)
    for e in range(n):
        dpi[e] = pi[e] * u[e]
        dz[e] = mu / pi[e] - z[e] - z[e] * u[e]
    return dpi, dz, dw, dlam, -y[0], ok


@_jit
def _step(ops, ws, pi, z, g, mi, dpi, dz, dw, dlam, dnu, st):
    """Fraction to the boundary, backtracking on the primal barrier merit, then the dual step and clipping.

    Below the rounding of the merit the Armijo test is noise and the
    (quadratically convergent) step is taken whole. Returns I at the new
    ``pi`` when the accepted trial point left its outputs in V, q, L (the
    same sums as at the top of the next iteration, bit for bit), else NaN.
    """
    V, q, L = ws[0], ws[1], ws[2]
    mi_new = math.nan
    budget = st[BUDGET] != 0.0
    mu, w, lam = st[MU], st[W], st[LAM]
    ap, ad = _max_step(pi, dpi), _max_step(z, dz)
    if budget:
        ap, ad = min(ap, _max_step1(w, dw)), min(ad, _max_step1(lam, dlam))
    a, ad = min(1.0, FRAC * ap), min(1.0, FRAC * ad)
    f0 = mi - mu * _log_barrier(pi, w, budget)
    slope = 0.0
    for e in range(pi.size):
        slope += (g[e] - mu / pi[e]) * dpi[e]
    if budget:
        slope -= mu / w * dw
    if slope < -RND * max(1.0, abs(f0)):
        p1 = np.empty(pi.size)
        while a > 1e-12:
            for e in range(pi.size):
                p1[e] = pi[e] + a * dpi[e]
            mi1 = _outputs(p1, ops, V, q, L)
            if mi1 - mu * _log_barrier(p1, w + a * dw, budget) <= f0 + 1e-4 * a * slope:
                mi_new = mi1
                break
            a *= 0.5
    for e in range(pi.size):
        pi[e] += a * dpi[e]
        z[e] = min(max(z[e] + ad * dz[e], 0.1 * mu / pi[e]), 10.0 * mu / pi[e])
    st[NU] += ad * dnu
    if budget:
        w += a * dw
        st[W] = w
        st[LAM] = min(max(lam + ad * dlam, 0.1 * mu / w), 10.0 * mu / w)
    return mi_new


@_jit
def _one_step_value(pi, L, g, ops, kappa, s):
    """The one-step blind certificate at ``pi`` with slope ``s``: min_pi I(pi) + s E kappa >= -log Z - log R.

    The value of :func:`mi_lib._certificates._blind_step` (derivation there),
    here from the linear-domain ratios L = log(V/q) and their gradient g, which
    must be those of ``pi`` (the bound holds whenever g is the p(u, x)-weighted
    sum of the same L that enters R).
    """
    rg, ro, gp, gpw, qpad = ops[0], ops[1], ops[5], ops[6], ops[7]
    n = pi.size
    G, ny = L.shape
    tot = 0.0
    for e in range(n):
        tot += pi[e]
    ltot = math.log(tot)
    ell, base = np.empty(n), np.empty(n)
    bmax = -math.inf
    for e in range(n):
        ell[e] = math.log(pi[e]) - ltot
        base[e] = ell[e] - g[e] - s * kappa[e]
        bmax = max(bmax, base[e])
    zs = 0.0
    for e in range(n):
        zs += math.exp(base[e] - bmax)
    lZ = bmax + math.log(zs)
    floor = bmax - lZ + FLOOR  # the largest entry of new is bmax - lZ
    lrho = np.empty(n)
    for e in range(n):
        lrho[e] = max(base[e] - lZ, floor) - ell[e]
    acc = np.empty((G, ny))
    shifted_max(acc, rg, ro, lrho)
    logR = -math.inf
    for y in range(ny):
        if qpad[y] != 0.0:  # no output reaches y
            continue
        tmax = -math.inf
        for row in range(G):
            if gpw[row, y] > 0.0:
                tmax = max(tmax, math.log(gp[row]) + L[row, y] + acc[row, y])
        tsum = 0.0
        for row in range(G):
            if gpw[row, y] > 0.0:
                tsum += math.exp(math.log(gp[row]) + L[row, y] + acc[row, y] - tmax)
        logR = max(logR, tmax + math.log(tsum))
    return -lZ - logR


@_jit
def _newton(Kd, offs, pz, pi, z, g, kappa, st, F, Fb, blk):
    """The direction by the block factors of K while they solve to rounding level, else by the dense factor.

    Returns ``(dpi, dz, dw, dlam, dnu, ok)``; ``ok`` false only if K + pi pi' is
    not numerically positive definite. Once the blocks fail, ``st[DENSE]`` is
    set and the rest of the solve goes dense.
    """
    if st[DENSE] == 0.0:
        dense = False
        if _block_factor(Kd, offs, pz, blk, Fb):
            d = _direction(Kd, offs, (F, Fb, blk, dense), pi, z, g, kappa, st)
            if d[5]:
                return d
        st[DENSE] = 1.0
    dense = True
    ok = _factor(Kd, offs, pz, pi, F)
    d = _direction(Kd, offs, (F, Fb, blk, dense), pi, z, g, kappa, st)
    return d[0], d[1], d[2], d[3], d[4], ok


@_jit
def _run(ops, kappa, pi, z, bpi, lbpi, st, ws, blk, Fb):
    """Iterate until the best gap is within tol or ``st[MAXIT]`` iterations (counted in ``st[IT]``).

    ``blk``, ``Fb``: the components of :func:`mi_lib._blind_ipm_blocks._blocks` and their factor
    storage (used unless ``st[DENSE]`` is set).
    """
    V, q, L, g, R, Kd, F = ws
    offs = ops[10]
    n = pi.size
    tol, B = st[TOL], st[BVAL]
    pz = np.empty(n)
    mi = math.nan
    while st[IT] < st[MAXIT]:
        st[IT] += 1.0
        if math.isnan(mi):  # else the line search left the outputs of this pi in V, q, L
            mi = _outputs(pi, ops, V, q, L)
        _gradient(L, ops, g)
        lb = _record(pi, g, mi, kappa, st, bpi, lbpi)
        if tol < st[BMI] - st[BLB] <= 100.0 * tol:  # near the end: the one-step certificate too
            lam = st[LAM]
            lb1 = _one_step_value(pi, L, g, ops, kappa, lam) - lam * B
            if lb1 > st[BLB]:
                st[BLB], st[BS] = lb1, lam
                _copy(pi, lbpi)
        if st[BMI] - st[BLB] <= tol:
            return
        _k_diagonals(V, q, pi, ops, R, Kd)
        for e in range(n):
            pz[e] = pi[e] * z[e]
        if mi - lb <= KEPS * (n + 1) * st[MU]:  # the linearisation gap: about (n + 1) mu at a centred point
            st[MU] = max(KMU * st[MU], 0.01 * tol / (n + 1))
        dpi, dz, dw, dlam, dnu, ok = _newton(Kd, offs, pz, pi, z, g, kappa, st, F, Fb, blk)
        if not ok:  # pragma: no cover - positive definite while pi, z > 0
            return
        mi = _step(ops, ws, pi, z, g, mi, dpi, dz, dw, dlam, dnu, st)
