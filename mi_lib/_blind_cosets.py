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

from ._blind_coset_core import _Batch, _structure


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


def coset_blind_solve(model, B: float, tol: float, budget: bool):
    """Blind problem by the coset split; returns ``(pi, lower_bound, slope, steps)`` or None.

    ``model`` is the lattice layout of :mod:`mi_lib._blind_lattice` (sorted grid,
    costs ``kappa``, letters at offsets ``roff`` with masses ``rp`` in groups
    ``rg``); ``budget=False`` solves the problem without budget (slope 0). The
    law ``pi`` meets the budget and the bound is certified; the caller
    recomputes the information of ``pi`` and checks the gap. ``None`` when the
    split does not apply or does not settle.

    Steps (``notes/discrete_solvers.md``; after the layout, :func:`~mi_lib._blind_coset_core._structure`,
    all in one compiled call, :func:`mi_lib._blind_coset_driver.solve`): the
    slope-0 problem, one solve per coset length; then an active set of one or
    two cosets solved with the budget as an equality, which also gives the multiplier s;
    screening of all other cosets at s; a coset that beats the active value
    enters (alone if it can meet the budget, else mixed with the pair that the
    local models of the converged cosets point to), and the loop repeats until
    no coset does. The certificate is min_c L_c(s) - sB.
    """
    from ._blind_coset_driver import FAIL, embed, solve  # numba: loaded on first use only

    st = _structure(model)
    if st is None:
        return None
    rows, full = st
    mir = full.mir if full.mir is not None else np.arange(full.idx.shape[0])  # c <= mir[c]: solved
    code, A, pi, lb, s, steps = solve(rows.k, full.idx, full.real, full.kappa, full.sigma, full.dsig, full.s,
                                      np.asarray(mir, dtype=np.int64), _reps(full), full.kmin, float(full.mdelta),
                                      bool(budget), float(B), float(tol))
    if code == FAIL:
        return None
    return embed(full.idx, full.real, A, pi, model.ne), float(lb), float(s), int(steps)
