r"""The coset split's search for the budgeted optimum, compiled (private module; imports numba).

Imported by :func:`mi_lib._blind_cosets.coset_blind_solve` on first use, so
that ``import mi_lib`` does not load numba. The search alternates two stages
(``notes/discrete_solvers.md``, "The coset split of the blind problem" and
round 8):

1. an active set of one or two cosets is solved with the budget as an
   equality: one coset by Newton's method on the bordered system, which also
   gives the multiplier :math:`s` (:func:`_budget1`); two by the slope where
   their values cross, :math:`F_a(s) = F_b(s)`, with weights meeting the budget
   (:func:`_pair`);
2. every other coset is screened at that slope (:func:`_certify`); the
   certificate is :math:`\min_c L_c(s) - sB`, less :math:`|s|\delta` for the
   mirror cosets that are not solved. A coset that beats the active value
   tells on which side of :math:`s` the optimal slope lies; the next active
   set is that coset alone, the pair at the crossing of the best cosets at the
   ends of the bracket, or the pair that the local models of the solved cosets
   point to (:func:`~mi_lib._blind_coset_budget_kernels.model_pair`).

Everything runs in one compiled call (:func:`split`: the layout, then
:func:`solve`: the slope-0 stage and :func:`search`, then the law on the grid
and its value): the rounds used to be a Python loop around seven compiled
calls each, and on small grids the calls' fixed cost (several µs each, more
when another program has just run) was most of the time. Batches and letter rows as in :mod:`mi_lib._blind_coset_kernels`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from . import _blind_coset_active as act
from . import _blind_coset_budget_kernels as bk
from ._blind_coset_budget import _SCREEN_STEPS
from ._blind_coset_core import _MAX_M, _MAX_ROWS, _MIRROR_KAPPA
from ._blind_coset_zero import structure, zero_slope
from ._blind_grid_kernels import law_mi

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")  # x / 0 gives inf or NaN, as in numpy

OK, FAIL, FREE = 0, 1, 2  # status of search / solve: optimum found, failure, the slope-0 optimum


@_jit
def _alone(real, kap, sigma, c, B, pi):
    """Coset ``c`` alone, tilted to mean cost B, into ``pi[0]``: sigma exp(-tau kappa), normalised.

    False when B is not strictly between the coset's smallest and largest
    cost. A stored law with a zero mass (active set) is replaced by the
    uniform law: the budget solve needs every mass positive. tau by
    :func:`~mi_lib._blind_coset_budget_kernels.tilt` (Newton's method kept in a
    bracket); :func:`mi_lib._blind_coset_budget._tilt` calls this on one array.
    """
    m = real.shape[1]
    n, kmin, kmax, smin = 0, math.inf, -math.inf, math.inf
    for k in range(m):
        if real[c, k]:
            n += 1
            kmin, kmax = min(kmin, kap[c, k]), max(kmax, kap[c, k])
            smin = min(smin, sigma[c, k])
    if not (kmin < B < kmax):
        return False
    ls, kr = np.empty(n), np.empty(n)
    i = 0
    for k in range(m):
        if real[c, k]:
            ls[i] = np.log(sigma[c, k]) if smin > 0.0 else np.log(1.0 / n)
            kr[i] = kap[c, k]
            i += 1
    w = bk.tilt(ls, kr, B)
    i = 0
    for k in range(m):
        pi[0, k] = 0.0
        if real[c, k]:
            pi[0, k] = w[i]
            i += 1
    return True


@_jit
def _budget1(R, real, kap, c, pi, B):
    """Newton's method with the budget as an equality on coset ``c`` from ``pi[0]`` (updated).

    Returns (ok, s, lam, steps): the multiplier and the value F_c(s)
    (:func:`~mi_lib._blind_coset_budget_kernels.budget_newton`).
    """
    m = real.shape[1]
    ra, ka, p0 = np.empty((1, m), np.bool_), np.empty((1, m)), np.empty((1, m))
    for k in range(m):
        ra[0, k], ka[0, k], p0[0, k] = real[c, k], kap[c, k], pi[0, k]
    st, out, s, lam, _info, steps = bk.budget_newton(R, ra, ka, p0, B, 80)
    if st != 0:
        return False, 0.0, 0.0, steps
    for k in range(m):
        pi[0, k] = out[0, k]
    return True, s, lam, steps


@_jit
def _pair(R, real, kap, sigma, dsig, s0, A, lo, hi, B, pi):
    """The optimal mixture of the cosets ``A`` (two): the slope where F_a = F_b, and weights meeting B.

    Newton's method on F_a(t) - F_b(t) (:func:`~mi_lib._blind_coset_budget_kernels.pair_full`)
    from the latest slope of the two laws. Returns (code, t, lam, steps):
    code 0 with the weighted laws in ``pi``; 1 or 2 when the costs at the
    crossing do not straddle B, or one of them equals B (the optimum is then
    coset A[0] or A[1] alone); 3 when a solve fails (the search then tries
    A[0], the costlier coset, alone, once, instead of giving up).
    """
    t = max(s0[A[0]], s0[A[1]])
    st, t, F0, F1, K0, K1, steps = bk.pair_full(R, real, kap, sigma, dsig, s0, A, lo, hi, t, 60)
    if st != 0 or K0 == K1:
        return 3, t, 0.0, steps
    if min(K0, K1) > B:  # both too dear at the crossing: the optimum lies above it, where the second is best
        return 2, t, 0.0, steps
    if max(K0, K1) < B:
        return 1, t, 0.0, steps
    wa = (B - K1) / (K0 - K1)
    if not 0.0 < wa < 1.0:  # a cost at the crossing equals B: that coset alone (a zero weight would divide by 0)
        return (2 if wa <= 0.0 else 1), t, 0.0, steps
    for k in range(sigma.shape[1]):
        pi[0, k] = sigma[A[0], k] * wa
        pi[1, k] = sigma[A[1], k] * (1.0 - wa)
    return 0, t, 0.5 * (F0 + F1), steps


@_jit
def _certify(R, idx, real, kap, sigma, dsig, s0, mir, mdelta, A, pi, s, lam, margin, F):
    """Store the active laws at slope s, screen the other cosets (:func:`~mi_lib._blind_coset_budget_kernels.certify`).

    Returns (ok, Lmin, best, K_best, steps): Lmin the certificate's minimum
    less |s| delta for the mirrors, ``best`` the coset that beats ``lam`` (-1
    when none does); ``F[c]`` receives F_c(s) of the cosets that converged
    (NaN for the others).
    """
    na, m = pi.shape
    w = np.empty(na)
    for j in range(na):
        t = 0.0
        for k in range(m):
            t += pi[j, k]
        w[j] = t
    jref = 0
    for j in range(1, na):
        if w[j] > w[jref]:
            jref = j
    c = A[jref]
    law, mix = np.empty(m), np.empty(m)
    nr = 0
    for k in range(m):
        law[k] = pi[jref, k] / w[jref]
        nr += 1 if real[c, k] else 0
    if act.mixed(real[c], law, mix):  # a zero mass (active set): the reference for the screening's starts
        law = mix  # must have finite logarithms (log 0 would make the interpolated starts NaN)
    ref = np.empty(nr)
    i = 0
    for k in range(m):
        if real[c, k]:
            ref[i] = np.log(law[k])
            i += 1
    st, La, Lo, best, Kb, steps = bk.certify(R, idx, real, kap, sigma, dsig, s0, mir, A, pi, w, jref, ref, s, lam,
                                             margin, _SCREEN_STEPS, F)
    if st != 0:
        return False, 0.0, -1, 0.0, steps
    return True, min(La, Lo) - abs(s) * mdelta, best, Kb, steps


@_jit
def search(R, idx, real, kap, sigma, dsig, s0, mir, mdelta, first, c0, B, tol):
    """The budgeted optimum from the coset ``first`` alone (rounds of an active set and a screening).

    ``c0`` is the optimum at slope 0 (too dear for B). Returns (status, A, pi,
    lower bound, s, steps): the active cosets (one or two) and their
    unnormalised laws (rows of ``pi``), the certified bound and the slope;
    status 1 when a stage fails or 40 rounds do not settle (the caller then
    uses the interior-point method). The batch (``sigma``, ``dsig``, ``s0``)
    is updated in place.
    """
    C, m = sigma.shape
    A2, pi2 = np.empty(2, np.int64), np.empty((2, m))
    A1, pi1 = np.empty(1, np.int64), np.empty((1, m))
    F = np.empty(C)
    seen = np.zeros(C, np.bool_)
    na, A1[0] = 1, first
    if not _alone(real, kap, sigma, first, B, pi1):
        return FAIL, A1, pi1, 0.0, 0.0, 0
    lo, hi = 0.0, math.inf  # at lo the best coset costs more than B, at hi less
    c_lo, c_hi = c0, -1
    margin = max(1e-13, 1e-3 * tol)
    steps = 0
    for _round in range(40):
        # 1. the active set with the budget as an equality
        if na == 1:
            ok, s, lam, stp = _budget1(R, real, kap, A1[0], pi1, B)
            if not ok:
                return FAIL, A1, pi1, 0.0, 0.0, steps
            if s < 0.0:  # a negative multiplier: the optimum mixes this coset with the free optimum c0
                if A1[0] == c0:
                    return FAIL, A1, pi1, 0.0, 0.0, steps
                for k in range(m):
                    sigma[A1[0], k] = pi1[0, k]
                A2[0], A2[1], na, lo, hi = c0, A1[0], 2, 0.0, math.inf
                continue
        else:
            code, s, lam, stp = _pair(R, real, kap, sigma, dsig, s0, A2, lo, hi, B, pi2)
            if code != 0:  # that coset of the pair alone, once; the costlier one when the crossing search failed
                c = A2[code - 1] if code < 3 else A2[0]
                if seen[c] or not _alone(real, kap, sigma, c, B, pi1):
                    return FAIL, A2, pi2, 0.0, 0.0, steps
                seen[c] = True
                A1[0], na = c, 1
                continue
        # 2. the screening at s
        if na == 1:
            ok, Lmin, best, Kb, stp2 = _certify(R, idx, real, kap, sigma, dsig, s0, mir, mdelta, A1, pi1, s, lam,
                                                margin, F)
        else:
            ok, Lmin, best, Kb, stp2 = _certify(R, idx, real, kap, sigma, dsig, s0, mir, mdelta, A2, pi2, s, lam,
                                                margin, F)
        if not ok:
            return FAIL, A1, pi1, 0.0, 0.0, steps
        steps += stp + stp2
        if best < 0:
            if na == 1:
                return OK, A1, pi1, Lmin - s * B, s, steps
            return OK, A2, pi2, Lmin - s * B, s, steps
        # the best coset at s tells on which side of s the optimal slope lies (d is concave with
        # supergradient K_best - B); the next candidate is that coset alone, or the crossing of the
        # best cosets at the two ends of the bracket, or the pair the local models point to
        if Kb > B:
            lo, c_lo = s, best
            if c_hi < 0 and na == 1 and A1[0] != best:
                # the single active coset meets B at s and is cheaper above s: it stands in for the best
                # coset above the optimal slope until one is seen (a mixture of it and c_lo lies above s)
                c_hi = A1[0]
        else:
            hi, c_hi = s, best
        top = hi if math.isfinite(hi) else (2.0 * s if s > lo else 2.0 * s + 1.0)
        a, b = bk.model_pair(sigma, dsig, kap, F, s, lo, top, B, 64)
        if a >= 0:
            c_lo, c_hi = a, b
        if c_hi < 0 or c_lo == c_hi:
            if not _alone(real, kap, sigma, c_lo, B, pi1):
                return FAIL, A1, pi1, 0.0, 0.0, steps
            A1[0], na = c_lo, 1
        else:
            A2[0], A2[1], na = c_lo, c_hi, 2
    return FAIL, A1, pi1, 0.0, 0.0, steps


@_jit
def solve(R, idx, real, kap, sigma, dsig, s0, mir, reps, kmin, mdelta, budget, B, tol):
    """The split after its layout: the slope-0 stage, then (if the budget binds) :func:`search`.

    Slope 0 (:func:`~mi_lib._blind_coset_zero.zero_slope`) gives F0, L0 and the
    laws of every coset; c0 is the best of the solved cosets ``reps`` (least
    F0 to within 1e-15 relative, then least cost K0). Without a budget, or
    when c0 meets it, c0 alone is optimal (status ``FREE``, bound min L0,
    slope 0); otherwise the search starts from the coset of ``reps`` that can
    meet B with the least F0, then K0. Returns (status, A, pi, lower bound,
    s, steps), status 1 on failure (see :func:`search`).
    """
    C, m = sigma.shape
    A1, pi1 = np.empty(1, np.int64), np.empty((1, m))
    st, F0, L0, steps = zero_slope(R, real, kap, sigma, dsig, 80)
    if st != 0:
        return FAIL, A1, pi1, 0.0, 0.0, steps
    K0 = np.empty(C)
    fmin = math.inf
    for c in range(C):
        s0[c] = 0.0
        t = 0.0
        for k in range(m):
            t += sigma[c, k] * kap[c, k]
        K0[c] = t
        fmin = min(fmin, F0[c])
    c0 = -1
    for r in reps:
        if F0[r] <= fmin + 1e-15 * (1.0 + abs(fmin)) and (c0 < 0 or K0[r] < K0[c0]):
            c0 = r
    if not budget or K0[c0] <= B:
        A1[0] = c0
        for k in range(m):
            pi1[0, k] = sigma[c0, k]
        return FREE, A1, pi1, L0.min(), 0.0, steps
    first = -1
    for r in reps:
        if kmin[r] < B and (first < 0 or F0[r] < F0[first] or (F0[r] == F0[first] and K0[r] < K0[first])):
            first = r
    if first < 0:
        return FAIL, A1, pi1, 0.0, 0.0, steps
    st, A, pi, lb, s, stp = search(R, idx, real, kap, sigma, dsig, s0, mir, mdelta, first, c0, B, tol)
    return st, A, pi, lb, s, steps + stp


@_jit
def embed(idx, real, A, pi, n):
    """The law on the grid of ``n`` points with masses ``pi[j]`` on the real points of coset ``A[j]``."""
    out = np.zeros(n)
    for j in range(A.size):
        c = A[j]
        for k in range(idx.shape[1]):
            if real[c, k]:
                out[idx[c, k]] += pi[j, k]
    return out


@_jit
def split(roff, rg, rp, gp, kappa, ny, budget, B, tol):
    """The whole coset split of a lattice model in one call: (status, law, I, lower bound, s, steps).

    The layout and mirror symmetry (:func:`~mi_lib._blind_coset_zero.structure`),
    :func:`solve`, the law placed on the grid (:func:`embed`) and its value
    I(U; X + E) recomputed on the whole grid from the letters
    (:func:`~mi_lib._blind_grid_kernels.law_mi`, independent of the coset
    values the search used). Status ``FAIL`` when the split does not apply or
    does not settle.
    """
    ok, R, _dmax, idx, real, kap, sigma, mir, _sym, mdelta, reps, kmin = structure(
        roff, rg, rp, gp, kappa, _MAX_ROWS, _MAX_M, _MIRROR_KAPPA)
    n = kappa.size
    if not ok:
        return FAIL, np.zeros(n), 0.0, 0.0, 0.0, 0
    dsig, s0 = np.zeros_like(sigma), np.zeros(idx.shape[0])
    st, A, pi, lb, s, steps = solve(R, idx, real, kap, sigma, dsig, s0, mir, reps, kmin, mdelta, budget, B, tol)
    if st == FAIL:
        return FAIL, np.zeros(n), 0.0, 0.0, 0.0, steps
    law = embed(idx, real, A, pi, n)
    return OK, law, law_mi(roff, rg, rp, gp, law, ny), lb, s, steps
