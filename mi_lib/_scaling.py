r"""Scale handling shared by the finite-alphabet solvers (private module).

The solvers' problems are invariant under a change of unit of the cost
(informed: :math:`c \to \gamma c`, :math:`B \to \gamma B`; blind:
:math:`x, e \to \gamma x, \gamma e`, :math:`B \to \gamma^2 B`). Every
threshold inside the solvers is therefore applied to a problem brought to
unit scale first, by a power of two (an exact operation on doubles, barring
overflow and underflow), and every certificate is computed there.

A constant offset of the cost is removed exactly: the reduced budget
:math:`B - \sum_{u,x} p(u,x) \min_y c(x, y)` is computed in exact rational
arithmetic and rounded once (:func:`reduced_budget`), so that a budget a few
ulps above the cheapest cost is not confused with it, however large the
offset.
"""

from __future__ import annotations

import functools
import math
import warnings
from fractions import Fraction

import numpy as np

from ._warnings import ConvergenceWarning

EPS = float(np.finfo(float).eps)
"""Machine epsilon of a double (2^-52, twice the unit roundoff)."""


def pow2_exponent(x: float) -> int:
    """The integer k with 2^k <= x < 2^(k+1), for a finite x > 0."""
    return math.frexp(x)[1] - 1


def unit_exponent(values: np.ndarray) -> int:
    """Exponent k of the power of two used as the unit of ``values`` (positive finite entries).

    The largest positive finite entry is brought into [1, 2), unless the
    smallest one would then underflow below 2^-1000, in which case the unit
    is lowered (as far as the range allows) to keep it representable. 0 when
    there is no positive finite entry.
    """
    v = values[np.isfinite(values) & (values > 0)]
    if v.size == 0:
        return 0
    return unit_exponent_of(float(v.max()), float(v.min()))


def unit_exponent_of(vmax: float, vmin: float) -> int:
    """:func:`unit_exponent` of values whose largest and smallest positive finite entries are given."""
    k = kmax = pow2_exponent(vmax)
    kmin = pow2_exponent(vmin)
    if kmin - k < -1000:  # keep the smallest above 2^-1000 while the largest stays below 2^1020
        k = max(kmin + 1000, kmax - 1020)
    return int(k)


def scaled(x, k: int):
    """x * 2^-k (exact unless it under- or overflows), silently."""
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(x, -k)


def unscaled(x: float, k: int) -> float:
    """float(x * 2^k) with overflow to +-inf and no warning or exception.

    ``math.ldexp`` is the C ``ldexp`` that ``np.ldexp`` calls (the same
    double, subnormals included) without numpy's scalar overhead and error
    state; it raises on overflow, where the result is the signed infinity.
    """
    x = float(x)
    if not math.isfinite(x) or x == 0.0:
        return x
    try:
        return math.ldexp(x, k)
    except OverflowError:
        return math.copysign(math.inf, x)


OFFSET_SHIFT = 2148
"""Every product of two doubles is an integer multiple of 2^-2148 (each is n / 2^m with m <= 1074)."""


def exact_offset_int(p: np.ndarray, cmin: np.ndarray) -> int:
    """sum_{u,x} p(u, x) cmin(x) * 2^OFFSET_SHIFT, an exact integer (p (|U|, |X|), cmin (|X|,) finite, >= 0)."""
    if not cmin.any():  # every cheapest cost is 0 (cmin >= 0): no product to sum
        return 0
    uu, xx = np.nonzero((p > 0) & (cmin[None, :] > 0))
    total = 0
    for a, b in zip(p[uu, xx].tolist(), cmin[xx].tolist()):
        na, da = a.as_integer_ratio()
        nb, db = b.as_integer_ratio()
        total += (na * nb) << (OFFSET_SHIFT - (da * db).bit_length() + 1)
    return total


def exact_offset(p: np.ndarray, cmin: np.ndarray) -> Fraction:
    """sum_{u,x} p(u, x) cmin(x), exactly (p of shape (|U|, |X|), cmin of shape (|X|,) finite, >= 0)."""
    return Fraction(exact_offset_int(p, cmin), 1 << OFFSET_SHIFT)


def reduced_budget(budget: float, offset: Fraction) -> float:
    """budget - offset, correctly rounded (offset exact)."""
    return float(Fraction(budget) - offset)


def offset_and_budget(budget: float, total: int) -> tuple[float, float]:
    """(offset, budget - offset), each correctly rounded, for the exact offset ``total`` / 2^OFFSET_SHIFT.

    The same doubles as ``float(exact_offset(...))`` and :func:`reduced_budget`
    without Fractions: the budget is an integer over 2^OFFSET_SHIFT too, and
    Python's true division of integers is correctly rounded.
    """
    if total == 0:
        return 0.0, float(budget)
    nb, db = float(budget).as_integer_ratio()
    den = 1 << OFFSET_SHIFT
    return total / den, ((nb << (OFFSET_SHIFT - db.bit_length() + 1)) - total) / den


def quiet_range(func):
    """Run ``func`` with numpy's overflow and underflow reports off.

    The solvers work in the log domain: an ``exp`` that underflows to 0 or a
    ratio that overflows to inf (a step-length ratio, a weight far off the
    support) is an intended, handled value, not an error, and must not reach
    a caller running with ``warnings.simplefilter("error")``. Invalid
    operations and divisions by zero are still reported where they are not
    handled explicitly.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with np.errstate(over="ignore", under="ignore"):
            return func(*args, **kwargs)

    return wrapper


def report(gap: float, tol: float, what: str, *, stacklevel: int) -> tuple[bool, str]:
    """``(converged, message)`` for a certified gap; issues a ConvergenceWarning when it exceeds tol.

    ``stacklevel`` counts the frames from this function to the caller of the public solver
    (including the :func:`quiet_range` wrapper), so that the warning points at the user's line.
    """
    if gap <= tol:
        return True, f"certified gap {gap:.3g} <= tol {tol:.3g}"
    msg = (f"{what}: the certified gap {gap:.3g} nats is above tol = {tol:.3g}; the value is an upper "
           "bound attained by the returned attack and lower_bound is certified, but they were not brought "
           "closer")
    warnings.warn(msg, ConvergenceWarning, stacklevel=stacklevel)
    return False, msg
