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
(:mod:`mi_lib._blind_coset_driver`, one compiled call) until none beats the
active value.
Bound: :math:`I^*(B) \ge \min_c L_c(s) - sB` with :math:`L_c` the one-step
blind certificate on each coset. A coset optimum on a face of its simplex is
handled by the active set of the per-coset Newton step
(:mod:`mi_lib._blind_coset_active`). Returns ``None`` (the caller then uses
another method) when an active coset's mass reaches zero in the budget
solve, a system is singular or the active set does not settle. Derivation: ``notes/discrete_solvers.md``, "The coset
split of the blind problem".
"""

from __future__ import annotations

import numpy as np

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


def _active_set(rows: _Rows, full: _Batch, B: float, tol: float, F0: np.ndarray, K0: np.ndarray, c0: int):
    """The budgeted optimum: ``(A, pi, lower bound, s, steps)`` or None (see :func:`coset_blind_solve`).

    The search starts from the feasible coset best at slope 0 (least F0, then
    least K0) and runs in one compiled call
    (:func:`mi_lib._blind_coset_driver.search`).
    """
    from ._blind_coset_driver import search  # numba: loaded on first use only

    reps = _reps(full)
    feasible = reps[full.kmin[reps] < B]
    if feasible.size == 0:
        return None
    first = int(feasible[np.lexsort((K0[feasible], F0[feasible]))[0]])
    mir = full.mir if full.mir is not None else np.arange(full.idx.shape[0])  # c <= mir[c]: screened
    st, A, pi, lb, s, steps = search(rows.k, full.idx, full.real, full.kappa, full.sigma, full.dsig, full.s,
                                     np.asarray(mir, dtype=np.int64), float(full.mdelta), first, int(c0), float(B),
                                     float(tol))
    if st != 0:
        return None
    return A, pi, lb, s, int(steps)


def coset_blind_solve(model, B: float, tol: float, budget: bool):
    """Blind problem by the coset split; returns ``(pi, lower_bound, slope, steps)`` or None.

    ``model`` is the lattice layout of :mod:`mi_lib._blind_lattice` (sorted grid,
    costs ``kappa``, letters at offsets ``roff`` with masses ``rp`` in groups
    ``rg``); ``budget=False`` solves the problem without budget (slope 0). The
    law ``pi`` meets the budget and the bound is certified; the caller
    recomputes the information of ``pi`` and checks the gap. ``None`` when the
    split does not apply or does not settle.

    Steps (``notes/discrete_solvers.md``): the slope-0 problem, one solve per coset length;
    then (:mod:`mi_lib._blind_coset_driver`) an active set of one or two cosets
    solved with the budget as an equality, which also gives the multiplier s;
    screening of all other cosets at s; a coset that beats the active value
    enters (alone if it can meet the budget, else mixed with the pair that the
    local models of the converged cosets point to), and the loop repeats until
    no coset does. The certificate is min_c L_c(s) - sB.
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
