r"""Coset split of the blind problem: the exponential tilt that meets a mean cost (private module).

:func:`_tilt` gives the feasible start of a coset taken alone with the budget
(and of the barrier path on the whole grid). The search itself, in which the
optimum mixes at most two cosets (two linear constraints on the coset
weights), runs compiled in :mod:`mi_lib._blind_coset_driver`: one coset with
the budget as an equality, the slope where two cosets' values cross, and the
screening of every other coset at that slope (``_SCREEN_STEPS`` Newton steps
at most per coset). Bound: :math:`\min_c L_c(s) - sB`.
"""

from __future__ import annotations

import numpy as np

_SCREEN_STEPS = 25  # Newton converges in a few steps from the prediction; a screening with a coset still
# moving after this many passes fails, and the interior-point method takes over


def _tilt(sig: np.ndarray, kap: np.ndarray, real: np.ndarray, B: float) -> np.ndarray | None:
    """sigma exp(-tau kappa), normalised, with mean cost B (tau of either sign); None if B is out of range.

    Arrays are one coset (or the whole grid): ``sig`` positive where ``real``
    (a law with a zero mass there is replaced by the uniform law).
    The mean cost m(tau) decreases with derivative -Var(kappa), so Newton's
    method in tau, kept inside a bracket [lo, hi] with m(lo) >= B >= m(hi)
    (a bisection when a step leaves it), finds tau to rounding in a few steps
    (the compiled :func:`mi_lib._blind_coset_driver._alone`, which the search
    uses for a coset taken alone).
    """
    from ._blind_coset_driver import _alone  # numba: loaded on first use only

    out = np.empty((1, sig.size))
    row = (np.ascontiguousarray(real, dtype=np.bool_)[None, :], np.ascontiguousarray(kap, dtype=float)[None, :],
           np.ascontiguousarray(sig, dtype=float)[None, :])
    return out[0] if _alone(*row, 0, float(B), out) else None
