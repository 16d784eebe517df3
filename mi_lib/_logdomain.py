"""Log-domain arithmetic shared by the finite-alphabet solvers (private module).

Masses of discretised continuous laws span hundreds of orders of magnitude,
so the solvers keep logarithms: ``log(0) = -inf`` without a warning, and
log-sum-exp that returns ``-inf`` for an all ``-inf`` slice. Design notes:
``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import math

import numpy as np

_FLOOR = -1.0e6  # log-mass floor relative to the largest entry (exp underflows to 0 well before)


def _log(x: np.ndarray | float) -> np.ndarray:
    """Natural log with log(0) = -inf and no warning."""
    with np.errstate(divide="ignore"):
        return np.log(x)


def _lse(a: np.ndarray, axis: int | None = None) -> np.ndarray:
    """log(sum(exp(a))) along ``axis``; -inf for all -inf input, no warning."""
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    if axis is None:
        return out.reshape(())
    return np.squeeze(out, axis=axis)


def _mi_joint(p_uy: np.ndarray) -> float:
    """I(U;Y) of a non-negative 2-D array summing to ~1 (rows U), in nats."""
    pu = p_uy.sum(axis=1, keepdims=True)
    py = p_uy.sum(axis=0, keepdims=True)
    uu, yy = np.nonzero(p_uy > 0)
    pj = p_uy[uu, yy]
    mi = float(np.sum(pj * (np.log(pj) - np.log(pu[uu, 0]) - np.log(py[0, yy]))))
    return max(mi, 0.0)


def _lse_ax(a: np.ndarray, axis: int) -> np.ndarray:
    """Log-sum-exp of a 2-D array along ``axis`` (fast path of :func:`_lse` when no slice is all -inf)."""
    m = a.max(axis=axis, keepdims=True)
    if np.isfinite(m).all():
        return (np.log(np.exp(a - m).sum(axis=axis, keepdims=True)) + m).squeeze(axis)
    return _lse(a, axis=axis)


def _lse_1(a: np.ndarray) -> float:
    """Log-sum-exp of a 1-D array, as a float (-inf for an empty or all -inf array)."""
    if a.size == 0:
        return -math.inf
    m = float(a.max())
    if not math.isfinite(m):
        return m
    return float(np.log(np.exp(a - m).sum())) + m
