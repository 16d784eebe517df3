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

def coset_blind_solve(model, B: float, tol: float, budget: bool):
    """Blind problem by the coset split; returns ``(pi, mi, lower_bound, slope, steps)`` or None.

    ``model`` is the lattice layout of :mod:`mi_lib._blind_lattice` (sorted grid,
    costs ``kappa``, letters at offsets ``roff`` with masses ``rp`` in groups
    ``rg``); ``budget=False`` solves the problem without budget (slope 0). The
    law ``pi`` meets the budget and the bound is certified; ``mi`` is the
    information of ``pi`` recomputed on the whole grid, from which the caller
    checks the gap. ``None`` when the split does not apply or does not settle.

    Steps (``notes/discrete_solvers.md``; all in one compiled call,
    :func:`mi_lib._blind_coset_driver.split`): the layout of the cosets, the
    slope-0 problem, one solve per coset length; then an active set of one or
    two cosets solved with the budget as an equality, which also gives the multiplier s;
    screening of all other cosets at s; a coset that beats the active value
    enters (alone if it can meet the budget, else mixed with the pair that the
    local models of the converged cosets point to), and the loop repeats until
    no coset does. The certificate is min_c L_c(s) - sB.
    """
    from ._blind_coset_driver import FAIL, split  # numba: loaded on first use only

    st, pi, mi, lb, s, steps = split(np.asarray(model.roff, dtype=np.int64), np.asarray(model.rg, dtype=np.int64),
                                     np.asarray(model.rp, dtype=float), np.asarray(model.gp, dtype=float),
                                     np.ascontiguousarray(model.kappa, dtype=float), int(model.ny), bool(budget),
                                     float(B), float(tol))
    if st == FAIL:
        return None
    return pi, max(float(mi), 0.0), float(lb), float(s), int(steps)
