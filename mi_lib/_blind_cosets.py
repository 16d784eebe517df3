r"""Blind attacker on fine grids: the problem splits over the cosets of the signal lattice.

Private helper of :func:`mi_lib.discrete.blind_attack`. When every letter
offset is a multiple of :math:`g > 1` grid steps, the coset of :math:`E`
modulo :math:`g` is a function of :math:`Y` and independent of :math:`U`, so
:math:`I(U;Y) = \sum_c w_c I_c(\sigma_c)` and the dual function is
:math:`d(s) = \min_c F_c(s) - sB` with :math:`F_c(s) = \min_{\sigma_c}
I_c + s\,\mathbb{E}\kappa`. Algorithm (:func:`coset_blind_solve`): slope 0
by one batched Newton solve per coset length
(:mod:`mi_lib._blind_coset_core`); then one or two active cosets solved with
the budget as an equality, the others screened at the resulting slope
(:mod:`mi_lib._blind_coset_budget`) until none beats the active value.
Bound: :math:`I^*(B) \ge \min_c L_c(s) - sB` with :math:`L_c` the one-step
blind certificate on each coset. A coset optimum on a face of its simplex is
handled by the active set of the per-coset Newton step
(:mod:`mi_lib._blind_coset_active`). Returns ``None`` (the caller then uses
another method) when an active coset's mass reaches zero in the budget
solve, a system is singular or the active set does not settle. Derivation: ``notes/discrete_solvers.md``, "The coset
split of the blind problem".
"""

from __future__ import annotations

import math

import numpy as np

from ._blind_coset_budget import _budget_newton, _certify, _pair_solve, _tilt
from ._blind_coset_core import _Batch, _Rows, _structure


def _slope_zero(rows: _Rows, full: _Batch):
    """Every coset at slope 0: ``(F0, K0, L0, steps)`` or None.

    Cosets of equal length are the same problem at slope 0 (the costs do not
    enter): one representative per length is solved, its law copied, and one
    checking step on it confirms convergence; d sigma / d s for every coset
    from the same factorisation (:func:`~mi_lib._blind_coset_zero.zero_slope`).
    """
    from ._blind_coset_zero import zero_slope  # numba: loaded on first use only

    st, F0, L0, steps = zero_slope(rows.k, full.real, full.kappa, full.sigma, full.dsig, 80)
    if st != 0:
        return None
    full.s[:] = 0.0
    K0 = np.sum(full.sigma * full.kappa, axis=1)
    return F0, K0, L0, int(steps)


def _reps(full: _Batch) -> np.ndarray:
    """The cosets that are solved: all, or with the mirror symmetry the first of each mirror pair.

    The other coset c' of a pair has F_c'(s) >= F_c(s) - |s| delta
    (:func:`~mi_lib._blind_coset_core._mirror`): the certificate takes
    |s| delta off the bound and the active set never contains it.
    """
    if full.reps is not None:  # laid out by _structure
        return full.reps
    c = np.arange(full.idx.shape[0])
    return c if full.mir is None else c[c <= full.mir]


def _embed(model, full: _Batch, A, pi: np.ndarray) -> np.ndarray:
    """The law on the model grid with masses ``pi[j]`` on the real points of coset ``A[j]``."""
    out = np.zeros(model.ne)
    for j, c in enumerate(A):
        real = full.real[c]
        out[full.idx[c][real]] += pi[j][real]
    return out


def _alone(full: _Batch, c: int, B: float):
    """Coset ``c`` alone, tilted to cost B: ``(A, pi)`` or None when it cannot meet B exactly."""
    t = _tilt(full.sigma[c], full.kappa[c], full.real[c], B)
    return None if t is None else (np.array([c]), t[None, :])


def _solve_active(rows: _Rows, full: _Batch, A: np.ndarray, pi: np.ndarray, bracket, B: float, c0: int, seen: set):
    """Solve the active set ``A`` with the budget as an equality.

    Returns ``("done", pi, s, lam, steps)``; ``("next", A, pi, bracket)`` when
    the active set must change first (a single coset whose multiplier is
    negative pairs with the free optimum ``c0``; a pair whose costs at the
    crossing do not straddle B leaves one coset alone); None on failure.
    """
    if A.size == 1:
        out = _budget_newton(rows, full, A, pi, B)
        if out is None:
            return None
        pi, s, lam, _info, stp = out
        if s >= 0.0:
            return "done", pi, s, lam, stp
        if int(A[0]) == c0:
            return None
        full.sigma[A] = pi
        return "next", np.array([c0, int(A[0])]), pi, (0.0, math.inf)
    out = _pair_solve(rows, full, A, bracket[0], bracket[1], B, full.s[A].max())
    if out is None:
        return None
    if isinstance(out, int):
        c = int(A[out])
        nxt = _alone(full, c, B)
        if nxt is None or c in seen:
            return None
        seen.add(c)
        return "next", nxt[0], nxt[1], bracket
    return ("done",) + out


def _model_pair(full: _Batch, F: np.ndarray, s: float, bracket, B: float):
    """The pair of cosets that the local models of the converged cosets put at the optimum, or None.

    Each coset c with F_c(s) known (``F`` finite) is modelled by
    F_c(t) ~ F_c + K_c (t - s) + K'_c (t - s)^2 / 2 (K = sigma . kappa,
    K' = kappa . d sigma / d s); the model dual min_c F_c(t) - tB is maximised
    on a grid of the bracket, and the best coset there is paired with the
    next different best coset on the side where the model optimum lies. The
    pair (the costlier first) is only the next candidate: a wrong guess costs a round.
    """
    from . import _blind_coset_budget_kernels as bk  # numba: loaded on first use only

    lo, hi = bracket
    if not math.isfinite(hi):
        hi = 2.0 * s if s > lo else 2.0 * s + 1.0
    a, b = bk.model_pair(full.sigma, full.dsig, full.kappa, F, float(s), float(lo), float(hi), float(B), 64)
    return None if a < 0 else (int(a), int(b))


def _active_set(rows: _Rows, full: _Batch, B: float, tol: float, F0: np.ndarray, K0: np.ndarray, c0: int):
    """The budgeted optimum: ``(A, pi, lower bound, s, steps)`` or None (see :func:`coset_blind_solve`)."""
    reps = _reps(full)
    feasible = reps[full.kmin[reps] < B]
    if feasible.size == 0:
        return None
    order = np.lexsort((K0[feasible], F0[feasible]))
    cur = _alone(full, int(feasible[order[0]]), B)
    if cur is None:
        return None
    A, pi = cur
    # bracket on the slope: at s_lo the best coset costs more than B, at s_hi less
    bracket, c_lo, c_hi = (0.0, math.inf), c0, -1
    margin = max(1e-13, 1e-3 * tol)
    seen: set = set()
    steps = 0
    for _round in range(40):
        out = _solve_active(rows, full, A, pi, bracket, B, c0, seen)
        if out is None:
            return None
        if out[0] == "next":
            _, A, pi, bracket = out
            continue
        _, pi, s, lam, stp = out
        cert = _certify(rows, full, A, pi, s, lam, margin)
        if cert is None:
            return None
        Lmin, best, Kb, stp2, F = cert
        steps += stp + stp2
        if best < 0:
            return A, pi, Lmin - s * B, s, steps
        # the best coset at s tells on which side of s the optimal slope lies (d is concave with
        # supergradient K_best - B); the next candidate is that coset alone, or the crossing of the
        # best cosets at the two ends of the bracket
        if Kb > B:
            bracket, c_lo = (s, bracket[1]), best
            if c_hi < 0 and A.size == 1 and int(A[0]) != best:
                # the single active coset meets B at s and is cheaper above s: it stands in for the best
                # coset above the optimal slope until one is seen (a mixture of it and c_lo lies above s)
                c_hi = int(A[0])
        else:
            bracket, c_hi = (bracket[0], s), best
        guess = _model_pair(full, F, s, bracket, B)
        if guess is not None:
            c_lo, c_hi = guess
        if c_hi < 0 or c_lo == c_hi:
            cur = _alone(full, c_lo, B)
            if cur is None:
                return None
            A, pi = cur
        else:
            A = np.array([c_lo, c_hi])
    return None


def coset_blind_solve(model, B: float, tol: float, budget: bool):
    """Blind problem by the coset split; returns ``(pi, lower_bound, slope, steps)`` or None.

    ``model`` is the lattice layout of :mod:`mi_lib._blind_lattice` (sorted grid,
    costs ``kappa``, letters at offsets ``roff`` with masses ``rp`` in groups
    ``rg``); ``budget=False`` solves the problem without budget (slope 0). The
    law ``pi`` meets the budget and the bound is certified; the caller
    recomputes the information of ``pi`` and checks the gap. ``None`` when the
    split does not apply or does not settle.

    Steps (``notes/discrete_solvers.md``): the slope-0 problem, one solve per coset length;
    an active set of one or two cosets solved with the budget as an equality
    by :func:`_budget_newton`, which also returns the multiplier s; screening
    of all other cosets at s by :func:`_certify`; a coset that beats the active
    value enters (alone if it can meet the budget, else mixed with the pair that
    the local models of the converged cosets point to, :func:`_model_pair`), and
    the loop repeats until no coset does. The certificate is min_c L_c(s) - sB.
    """
    st = _structure(model)
    if st is None:
        return None
    rows, full = st
    free = _slope_zero(rows, full)
    if free is None:
        return None
    F0, K0, L0, steps = free
    reps = _reps(full)
    fmin = F0.min()
    best0 = reps[F0[reps] <= fmin + 1e-15 * (1.0 + abs(fmin))]
    c0 = int(best0[np.argmin(K0[best0])])
    if not budget or K0[c0] <= B:
        return _embed(model, full, [c0], full.sigma[[c0]]), float(L0.min()), 0.0, steps
    out = _active_set(rows, full, B, tol, F0, K0, c0)
    if out is None:
        return None
    A, pi, lb, s, stp = out
    return _embed(model, full, A, pi), lb, s, steps + stp
