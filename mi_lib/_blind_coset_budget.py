r"""Coset split of the blind problem: the budget, the active cosets and the screening (private module).

With the slope-0 optimum too dear, the optimum mixes at most two cosets
(two linear constraints on the coset weights): :func:`_budget_newton` solves
one coset with the budget as an equality (Newton on the bordered system,
which also yields the multiplier :math:`s`), :func:`_pair_solve` finds the
slope where two cosets' values :math:`F_a(s) = F_b(s)` cross (Newton on
:math:`F_a - F_b`, derivative :math:`K_a - K_b`) and the weights meeting the
budget, :func:`_certify` stores the active laws and screens every other
coset at that slope (it stops a coset as soon as its one-step bound exceeds
the active value).
:func:`_tilt` is an exponential tilt meeting a mean cost, the feasible start.
Bound: :math:`\min_c L_c(s) - sB`.
"""

from __future__ import annotations

import math

import numpy as np

from ._blind_coset_core import _Batch, _Rows

_SCREEN_STEPS = 25  # Newton converges in a few steps from the prediction; a coset still moving after
# this many is heading for the boundary of its simplex, where the split does not apply


def _tilt(sig: np.ndarray, kap: np.ndarray, real: np.ndarray, B: float) -> np.ndarray | None:
    """sigma exp(-tau kappa), normalised, with mean cost B (tau of either sign); None if B is out of range.

    Arrays are one coset (or the whole grid): ``sig`` positive where ``real``
    (a law with a zero mass there is replaced by the uniform law).
    The mean cost m(tau) decreases with derivative -Var(kappa), so Newton's
    method in tau, kept inside a bracket [lo, hi] with m(lo) >= B >= m(hi)
    (a bisection when a step leaves it), finds tau to rounding in a few steps.
    """
    kr = kap[real]
    if not (kr.min() < B < kr.max()):
        return None
    from . import _blind_coset_budget_kernels as bk  # numba: loaded on first use only

    sr = sig[real]
    if not sr.min() > 0.0:  # a law with dropped points (active set): tilt the uniform law, the budget solve needs
        sr = np.full(sr.size, 1.0 / sr.size)  # every mass positive
    out = np.zeros_like(sig, dtype=float)
    out[real] = bk.tilt(np.log(sr), np.ascontiguousarray(kr, dtype=float), float(B))
    return out


def _budget_newton(rows: _Rows, full: _Batch, A: np.ndarray, pi: np.ndarray, B: float, maxit: int = 80):
    """Newton's method for min sum_c I_c(pi_c) s.t. sum pi = 1, sum kappa pi = B over the cosets A.

    ``pi`` (|A|, m) holds unnormalised masses (pi_c = w_c sigma_c); I_c is
    1-homogeneous, so its Hessian annihilates pi_c, and the two constraints
    make the bordered system nonsingular when the active cosets' costs
    differ. Infeasible starts are allowed (a full step restores the
    constraints). Returns ``(pi, s, lam, info, steps)`` with s the budget
    multiplier and lam the common value F_c(s) of the active cosets, or None.
    The solver calls it with one coset: with two, a weight may collapse before
    the multipliers settle (an LP-like degeneracy), so mixtures go through
    :func:`_pair_solve` instead.
    """
    from . import _blind_coset_budget_kernels as bk  # numba: loaded on first use only

    st, pi, s, lam, info, steps = bk.budget_newton(rows.k, full.real[A], full.kappa[A],
                                                   np.ascontiguousarray(pi, dtype=float), float(B), int(maxit))
    if st != 0:
        return None
    return pi, s, lam, info, steps


def _pair_solve(rows: _Rows, full: _Batch, pair: np.ndarray, lo: float, hi: float, B: float, t0: float = -1.0):
    """Optimal mixture of two cosets: the slope where F_a(s) = F_b(s), and weights meeting the budget.

    The first coset of ``pair`` is the better one below the crossing, which
    lies in (lo, hi).

    Newton's method on h(s) = F_a(s) - F_b(s), whose derivative is
    K_a(s) - K_b(s) (envelope theorem), each F from a Newton solve of its
    coset. Returns ``(pi, s, lam, steps)`` with ``pi`` the two weighted laws;
    0 or 1 when the costs at the crossing do not straddle B (the optimum is
    then that coset of the pair alone, on the side of the crossing where it is
    the better one); None when a solve fails.
    """
    from . import _blind_coset_budget_kernels as bk  # numba: loaded on first use only

    t = 0.5 * (lo + hi) if math.isfinite(hi) else (lo if lo > 0 else 1.0)
    if math.isfinite(hi) and lo > 0:
        t = math.sqrt(lo * hi)
    if t0 >= 0.0:
        t = t0
    pair = np.asarray(pair, dtype=np.int64)
    st, t, F0, F1, K0, K1, steps = bk.pair_full(rows.k, full.real, full.kappa, full.sigma, full.dsig, full.s, pair,
                                                float(lo), float(hi), float(t), 60)
    if st != 0:
        return None
    F, K = (F0, F1), (K0, K1)
    if K[0] == K[1]:
        return None
    if min(K) > B:  # both too dear at the crossing: the optimum lies above it, where the second is best
        return 1
    if max(K) < B:
        return 0
    wa = float((B - K[1]) / (K[0] - K[1]))
    pi = full.sigma[pair] * np.array([[wa], [1.0 - wa]])
    return pi, t, float(0.5 * (F[0] + F[1])), steps


def _certify(rows: _Rows, full: _Batch, A: np.ndarray, pi: np.ndarray, s: float, lam: float, margin: float):
    """Store the active laws at slope s, screen the other cosets: ``(Lmin, best, K_best, steps, F)`` or None.

    The active laws are ``pi`` normalised; Lmin is the smallest one-step bound
    of the active cosets and of the screening, less |s| delta for the
    mirrors (:func:`~mi_lib._blind_coset_core._mirror`); ``best`` is -1 when
    no coset beats ``lam`` by more than ``margin``. One compiled call
    (:func:`~mi_lib._blind_coset_budget_kernels.certify`).

    Screening: every coset starts from the better of its log-linear
    prediction and the law of the heaviest active coset (interpolated to its
    grid points); while its one-step bound L_c(s) is below the current
    threshold it gets Newton steps, until it converges; the threshold drops
    to any converged value below it. Every coset not solved to convergence
    was dropped with L_c >= the threshold at that time, and the threshold
    only decreases: min(smallest converged bound, final threshold) is below
    every screened coset's bound. ``F[c]`` is F_c(s) for the active cosets
    and those that converged in the screening (their laws are stored in
    ``full``), NaN for the others.
    """
    from . import _blind_coset_budget_kernels as bk  # numba: loaded on first use only

    w = pi.sum(axis=1)
    j = int(w.argmax())
    ref_lsig = np.log(pi[j][full.real[A[j]]] / w[j])
    mir = full.mir if full.mir is not None else np.arange(full.idx.shape[0])  # c <= mir[c]: screened
    st, La, Lo, best, Kb, stp = bk.certify(rows.k, full.idx, full.real, full.kappa, full.sigma, full.dsig, full.s, mir,
                                           np.asarray(A, dtype=np.int64), np.ascontiguousarray(pi, dtype=float), w, j,
                                           ref_lsig, float(s), float(lam), float(margin), _SCREEN_STEPS,
                                           F := np.empty(full.idx.shape[0]))
    if st != 0:
        return None
    return min(La, Lo) - abs(s) * full.mdelta, int(best), Kb, int(stp), F
