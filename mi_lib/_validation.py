"""Input checks shared by the public functions (private module).

Every check raises an exception whose message names the argument and says
what is wrong with it, so that a caller never meets a NaN, a silent broadcast,
a dropped imaginary part or a numpy warning instead of an error:

* :class:`ArgumentTypeError` (a ``TypeError``) when the *kind* of the
  argument is wrong: complex numbers (real quantities only; numpy would
  otherwise discard the imaginary part), strings, booleans where a number is
  meant, floats where an integer is meant. It also derives from
  ``ValueError``, which these checks raised for every bad argument before, so
  existing ``except ValueError`` handlers keep working;
* ``ValueError`` when the kind is right but the value is not: NaN, inf, a
  wrong shape, a negative variance, a pmf that does not sum to 1, and so on.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any

import numpy as np

PMF_ATOL = 1e-9
"""Tolerance on ``|sum(p) - 1|`` for an argument to count as a pmf."""



class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong kind (complex, bool, string, float for an int, ...)."""


_REAL_KINDS = "iuf"
"""numpy dtype kinds accepted as real numbers (signed, unsigned, floating)."""


def _is_complex_scalar(x: Any) -> bool:
    return isinstance(x, (complex, np.complexfloating))


def real_array(x: Any, name: str) -> np.ndarray:
    """Return ``x`` as a float array after checking that it holds real numbers.

    Complex input raises ``TypeError`` even when every imaginary part is 0:
    the caller has complex data, and dropping its imaginary part silently is
    never right for these real-valued quantities. Strings, booleans, dates and
    non-numeric objects raise ``TypeError`` too; ragged nestings ``ValueError``.
    """
    if isinstance(x, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be real numbers; got a {type(x).__name__}")
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nesting
        raise ValueError(f"{name} must be a (rectangular) array of real numbers") from exc
    kind = raw.dtype.kind
    if kind == "c":
        raise ArgumentTypeError(f"{name} must be real; got complex values (dtype {raw.dtype})")
    if kind == "O":
        for item in raw.reshape(-1).tolist():
            if _is_complex_scalar(item):
                raise ArgumentTypeError(f"{name} must be real; got the complex value {item!r}")
            if isinstance(item, (bool, np.bool_, str, bytes)):
                raise ArgumentTypeError(f"{name} must hold real numbers; got {type(item).__name__}")
    elif kind not in _REAL_KINDS:
        raise ArgumentTypeError(f"{name} must hold real numbers; got dtype {raw.dtype}")
    try:
        return np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as exc:  # objects without a float value
        raise ArgumentTypeError(f"{name} must hold real numbers") from exc


def finite_array(x: Any, name: str, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``x`` as a real float array, rejecting complex, NaN, inf and wrong dimensions."""
    arr = real_array(x, name)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must be {want}-dimensional; got shape {arr.shape}")
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def nonzero_vector(x: Any, name: str) -> np.ndarray:
    """Return ``x`` as a real, finite 1-D float array with at least one non-zero entry (a weight vector)."""
    arr = finite_array(x, name, ndim=1)
    if not np.any(arr != 0):
        raise ValueError(f"{name} must have a non-zero entry")
    return arr


def pmf(p: Any, name: str = "p", *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``p`` as a float array after checking that it is a pmf.

    A pmf is non-empty, real, finite, has no negative entry, and sums to 1
    within ``PMF_ATOL``. The array is returned unnormalised (the caller's
    numbers are used as given).
    """
    if type(p) is np.ndarray and p.dtype == np.float64 and p.size and (ndim is None or p.ndim == ndim):
        # fast path, the same verdict and array when it passes: min >= 0 rules out NaN and -inf (before
        # the sum, which would warn on inf - inf), and a sum within PMF_ATOL of 1 rules out +inf; anything
        # else takes the checks below
        if p.min() >= 0.0 and abs(float(p.sum()) - 1.0) <= PMF_ATOL:
            return p
    arr = finite_array(p, name, ndim=ndim)
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if (arr < 0).any():
        raise ValueError(f"{name} has a negative entry (min {arr.min():.3g})")
    total = float(arr.sum())
    if abs(total - 1.0) > PMF_ATOL:
        raise ValueError(f"{name} must sum to 1 within {PMF_ATOL:g}; it sums to {total:.12g}")
    return arr


def real_scalar(x: Any, name: str) -> float:
    """Return ``x`` as a float after checking that it is one real number.

    Accepts Python and numpy integers and floats (and 0-d arrays of them).
    Complex numbers, booleans, strings and arrays with more than one element
    raise ``TypeError``; the value itself is not checked (NaN passes).
    """
    if _is_complex_scalar(x):
        raise ArgumentTypeError(f"{name} must be a real number; got the complex value {x!r}")
    if isinstance(x, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be a real number, not a bool; got {x!r}")
    if isinstance(x, np.ndarray) and x.ndim == 0:
        if x.dtype.kind not in _REAL_KINDS:
            raise ArgumentTypeError(f"{name} must be a real number; got a 0-d array of dtype {x.dtype}")
        return float(x)
    if isinstance(x, (str, bytes, np.ndarray)) or not (
        isinstance(x, numbers.Real) or hasattr(x, "__float__")
    ):
        raise ArgumentTypeError(f"{name} must be a real number; got {type(x).__name__} {x!r}")
    try:
        return float(x)
    except (TypeError, ValueError) as exc:
        raise ArgumentTypeError(f"{name} must be a real number; got {x!r}") from exc


def finite_scalar(x: Any, name: str) -> float:
    """:func:`real_scalar`, and the value must be finite (NaN and infinities raise ``ValueError``)."""
    value = real_scalar(x, name)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {x!r}")
    return value


def nonnegative(x: Any, name: str) -> float:
    """Return ``x`` as a float after checking that it is real, finite and >= 0."""
    val = real_scalar(x, name)
    if not math.isfinite(val):
        raise ValueError(f"{name} must be finite; got {val}")
    if val < 0:
        raise ValueError(f"{name} must be non-negative; got {val:.6g}")
    return val


def positive(x: Any, name: str) -> float:
    """Return ``x`` as a float after checking that it is real, finite and > 0."""
    val = nonnegative(x, name)
    if val == 0:
        raise ValueError(f"{name} must be positive; got 0")
    return val


def integer(x: Any, name: str, *, minimum: int | None = None) -> int:
    """Return ``x`` as a Python int after checking that it is an integer >= ``minimum``.

    Any integral Python or numpy integer is accepted (``int``, ``np.int64``,
    ``np.uint8``, a 0-d integer array); booleans, floats (even ``2.0``),
    complex numbers and strings raise ``TypeError``, an integer below
    ``minimum`` raises ``ValueError``.
    """
    want = {None: "an integer", 0: "a non-negative integer", 1: "a positive integer"}.get(
        minimum, f"an integer >= {minimum}"
    )
    if isinstance(x, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be {want}, not a bool; got {x!r}")
    if isinstance(x, np.ndarray):
        if x.ndim != 0 or x.dtype.kind not in "iu":
            raise ArgumentTypeError(f"{name} must be {want}; got an array of dtype {x.dtype}, shape {x.shape}")
    elif not isinstance(x, numbers.Integral):
        raise ArgumentTypeError(f"{name} must be {want}; got {type(x).__name__} {x!r}")
    val = operator.index(x)
    if minimum is not None and val < minimum:
        raise ValueError(f"{name} must be {want}; got {val}")
    return int(val)


def log_base(base: float | None) -> float:
    """Return ``log(base)``, the divisor that converts nats to ``base`` units.

    ``None`` means nats (divisor 1). The base must be real, finite, positive
    and different from 1.
    """
    if base is None:
        return 1.0
    b = positive(base, "base")
    if b == 1.0:
        raise ValueError("base must differ from 1")
    return math.log(b)


def rng_from(rng: Any) -> np.random.Generator:
    """Turn ``rng`` (None, an int seed, a SeedSequence or a Generator) into a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)):
        raise ArgumentTypeError(f"rng must be None, an int seed, a SeedSequence or a numpy Generator; got {rng!r}")
    if rng is None or isinstance(rng, (int, np.integer, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    raise ArgumentTypeError(
        f"rng must be None, an int seed, a SeedSequence or a numpy Generator; got {type(rng).__name__}"
    )
