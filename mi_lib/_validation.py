"""Input checks shared by the public functions (private module).

Every check raises ``ValueError`` with a message that names the argument and
says what is wrong with it, so that a caller never meets a NaN, a silent
broadcast or a numpy warning instead of an error.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

PMF_ATOL = 1e-9
"""Tolerance on ``|sum(p) - 1|`` for an argument to count as a pmf."""


def finite_array(x: Any, name: str, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``x`` as a float array, rejecting NaN, inf and wrong dimensions."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric; got {type(x).__name__}") from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must be {want}-dimensional; got shape {arr.shape}")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def pmf(p: Any, name: str = "p", *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``p`` as a float array after checking that it is a pmf.

    A pmf is non-empty, finite, has no negative entry, and sums to 1 within
    ``PMF_ATOL``. The array is returned unnormalised (the caller's numbers are
    used as given).
    """
    arr = finite_array(p, name, ndim=ndim)
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if np.any(arr < 0):
        raise ValueError(f"{name} has a negative entry (min {arr.min():.3g})")
    total = float(arr.sum())
    if abs(total - 1.0) > PMF_ATOL:
        raise ValueError(f"{name} must sum to 1 within {PMF_ATOL:g}; it sums to {total:.12g}")
    return arr


def nonnegative(x: Any, name: str) -> float:
    """Return ``x`` as a float after checking that it is finite and >= 0."""
    try:
        val = float(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a real number; got {x!r}") from exc
    if not math.isfinite(val):
        raise ValueError(f"{name} must be finite; got {val}")
    if val < 0:
        raise ValueError(f"{name} must be non-negative; got {val:.6g}")
    return val


def positive(x: Any, name: str) -> float:
    """Return ``x`` as a float after checking that it is finite and > 0."""
    val = nonnegative(x, name)
    if val == 0:
        raise ValueError(f"{name} must be positive; got 0")
    return val


def log_base(base: float | None) -> float:
    """Return ``log(base)``, the divisor that converts nats to ``base`` units.

    ``None`` means nats (divisor 1). The base must be finite, positive and
    different from 1.
    """
    if base is None:
        return 1.0
    b = positive(base, "base")
    if b == 1.0:
        raise ValueError("base must differ from 1")
    return math.log(b)


def rng_from(rng: Any) -> np.random.Generator:
    """Turn ``rng`` (None, an int seed or a Generator) into a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    raise ValueError(
        f"rng must be None, an int seed, a SeedSequence or a numpy Generator; got {type(rng).__name__}"
    )
