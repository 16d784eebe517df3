"""One-line checks for notebooks: assert, then report a verdict that is portable.

A difference between two routes, a residual or the spread of an optimiser is
rounding-level noise whose digits (and sign) change with the CPU, the BLAS
kernel and the thread count. A notebook therefore never prints it. It asserts
it against a tolerance and prints the verdict, which is the same on every
machine::

    >>> from mi_lib.checks import agree
    >>> print(agree("closed form vs solver", 0.1 + 0.2, 0.3, atol=1e-12))
    closed form vs solver: agree to < 1e-12

A failed check raises ``AssertionError`` with the offending numbers, so the
notebook (and strict nbval) stops there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Verdict", "agree", "format_tol", "holds", "within"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of a passed check, rendered as one portable line.

    Attributes
    ----------
    label : str
        What was checked.
    text : str
        The verdict, e.g. ``"agree to < 1e-12"``.
    """

    label: str
    text: str

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"

    def __repr__(self) -> str:
        return str(self)


def format_tol(tol: float) -> str:
    """Format a tolerance compactly and identically everywhere (``1e-12``, ``0.005``).

    Parameters
    ----------
    tol : float
        A positive finite tolerance.

    Returns
    -------
    str
        ``format(tol, "g")`` with exponent zero-padding removed.
    """
    tol = _tolerance(tol, "tol")
    return format(tol, "g").replace("e-0", "e-").replace("e+0", "e+")


def _tolerance(tol: Any, name: str) -> float:
    if isinstance(tol, (bool, complex, np.complexfloating)):
        raise TypeError(f"{name} must be a real number; got {tol!r}")
    value = float(tol)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and non-negative; got {tol!r}")
    return value


def _real(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; got a complex array")
    return arr.astype(float)


def agree(label: str, a: Any, b: Any, *, atol: float = 0.0, rtol: float = 0.0) -> Verdict:
    r"""Assert that two routes give the same numbers and return the verdict.

    The check is elementwise :math:`|a - b| < \mathrm{atol} + \mathrm{rtol}\,|b|`
    (strict, as the verdict says; exact equality always agrees)
    after broadcasting; NaN never agrees. Positions where both are the same
    infinity agree; a finite value never agrees with an infinite one.

    Parameters
    ----------
    label : str
        What is compared, e.g. ``"closed form vs solver"``.
    a, b : array_like
        The two results (real).
    atol, rtol : float, default 0
        Absolute and relative tolerance; at least one must be positive.

    Returns
    -------
    Verdict
        ``"<label>: agree to < <atol>"``, ``"... < <rtol> relative"`` or
        ``"... < <atol> + <rtol> relative"``.

    Raises
    ------
    AssertionError
        If any element differs by more than the tolerance.
    """
    atol, rtol = _tolerance(atol, "atol"), _tolerance(rtol, "rtol")
    if atol == 0 and rtol == 0:
        raise ValueError("give a positive atol or rtol")
    x, y = np.broadcast_arrays(_real(a, "a"), _real(b, "b"))
    same_inf = np.isinf(x) & (x == y)
    # a finite value never agrees with an infinite one, nor +inf with -inf
    one_inf = (np.isinf(x) != np.isinf(y)) | (np.isinf(x) & np.isinf(y) & (x != y))
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(same_inf, 0.0, np.abs(x - y))
        ok = same_inf | (~one_inf & ((diff == 0) | (diff < atol + rtol * np.abs(y))))
    if not np.all(ok):
        worst = int(np.argmax(np.where(ok, -np.inf, np.nan_to_num(diff, nan=np.inf))))
        raise AssertionError(
            f"{label}: differ by {float(diff.flat[worst])!r} at flat index {worst} "
            f"({float(x.flat[worst])!r} vs {float(y.flat[worst])!r}); atol={atol!r}, rtol={rtol!r}"
        )
    if atol > 0 and rtol > 0:
        text = f"agree to < {format_tol(atol)} + {format_tol(rtol)} relative"
    elif atol > 0:
        text = f"agree to < {format_tol(atol)}"
    else:
        text = f"agree to < {format_tol(rtol)} relative"
    return Verdict(label, text)


def within(label: str, value: Any, tol: float) -> Verdict:
    """Assert ``|value| < tol`` elementwise (a residual, a gap, a spread) and return the verdict.

    Parameters
    ----------
    label : str
        What is bounded, e.g. ``"certified gap"``.
    value : array_like
        Real numbers to bound.
    tol : float
        The bound, positive; the check is strict, as the verdict ``< tol`` says.

    Returns
    -------
    Verdict
        ``"<label>: < <tol>"``.

    Raises
    ------
    AssertionError
        If some ``|value|`` reaches ``tol`` or is NaN.
    """
    tol = _tolerance(tol, "tol")
    if tol == 0:
        raise ValueError("tol must be positive: the verdict reads '< tol'")
    arr = np.abs(_real(value, "value"))
    if arr.size and not np.all(arr < tol):
        raise AssertionError(f"{label}: {float(np.max(np.where(np.isnan(arr), np.inf, arr)))!r} is not below {tol!r}")
    return Verdict(label, f"< {format_tol(tol)}")


def holds(label: str, condition: Any) -> Verdict:
    """Assert a boolean condition (all elements true) and return the verdict ``"<label>: holds"``.

    Raises
    ------
    AssertionError
        If the condition is false anywhere.
    """
    arr = np.asarray(condition)
    if arr.dtype != bool:
        raise TypeError(f"{label}: the condition must be boolean; got dtype {arr.dtype}")
    if not np.all(arr):
        raise AssertionError(f"{label}: fails at {int(arr.size - arr.sum())} of {arr.size} positions")
    return Verdict(label, "holds")
