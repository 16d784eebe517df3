r"""Small computations on discrete signals in additive perturbations (notebook 09).

The solvers of :mod:`mi_lib.discrete` return optimal channels and noise laws on
lattices; the lecture on discrete signals reads them with the helpers here:

* :func:`mirror_average` averages an optimal channel of the :math:`\pm 1`
  problem with its mirror image :math:`W(-y \mid -x)` (an optimum again, by
  convexity, and the same whichever optimum a solver returns when it is unique
  among symmetric ones);
* :func:`bayes_error` is the error of the best classifier that sees :math:`Y`,
  from the joint pmf of :math:`(U, Y)`;
* :func:`lattice_noise_mi` writes out :math:`I(X; X + E)` on an integer lattice,
  independently of the blind solver (used to check the coset split
  :math:`I = \sum_c w_c I_c`);
* :func:`sample_joint` draws :math:`(U, Y)` pairs from a joint pmf, for Monte
  Carlo confirmation with the estimators.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _validation as v
from .measures import mutual_information

__all__ = ["bayes_error", "lattice_noise_mi", "mirror_average", "sample_joint"]

_SUM_ATOL = 1e-6


def _joint(joint: Any, name: str = "joint") -> np.ndarray:
    p = v.finite_array(joint, name, ndim=2)
    if p.shape[0] < 1 or p.shape[1] < 1:
        raise ValueError(f"{name} must be non-empty; got shape {p.shape}")
    if np.any(p < 0):
        raise ValueError(f"{name} must be non-negative")
    if abs(p.sum() - 1.0) > _SUM_ATOL:
        raise ValueError(f"{name} must sum to 1; got {p.sum()!r}")
    return p


def mirror_average(channel: Any) -> np.ndarray:
    r"""Average a channel of the :math:`\pm 1` problem with its mirror image.

    Parameters
    ----------
    channel : array_like, shape (2, n)
        :math:`W(y \mid x)` for :math:`x = -1, +1` (rows) on an output grid that is
        symmetric about 0 (column j is the output :math:`-y_{n-1-j}`).

    Returns
    -------
    ndarray, shape (2, n)
        :math:`\tfrac12\big(W(y \mid x) + W(-y \mid -x)\big)`.
    """
    W = v.finite_array(channel, "channel", ndim=2)
    if W.shape[0] != 2 or W.shape[1] < 1:
        raise ValueError(f"channel must have shape (2, n); got {W.shape}")
    if np.any(W < 0):
        raise ValueError("channel must be non-negative")
    return 0.5 * (W + W[::-1, ::-1])


def bayes_error(joint: Any) -> float:
    r"""Error of the best (MAP) classifier of U from Y: :math:`1 - \sum_y \max_u p(u, y)`.

    Parameters
    ----------
    joint : array_like, shape (k, n)
        Joint pmf of (U, Y), rows indexed by the label; non-negative, summing to 1.

    Returns
    -------
    float
        For two labels, :math:`\sum_y \min(p(0, y), p(1, y))`.
    """
    p = _joint(joint)
    return float(max(p.sum() - p.max(axis=0).sum(), 0.0))


def lattice_noise_mi(x_steps: Any, e_steps: Any, pmf: Any, p_x: Any = None) -> float:
    r"""Mutual information :math:`I(X; X + E)` for a signal and noise on one integer lattice.

    Parameters
    ----------
    x_steps : array_like of int, shape (k,)
        Distinct signal points in lattice units.
    e_steps : array_like of int, shape (n,)
        Noise points in lattice units.
    pmf : array_like, shape (n,)
        Noise law (non-negative, summing to 1), independent of X.
    p_x : array_like, shape (k,), optional
        Signal law; uniform by default.

    Returns
    -------
    float
        In nats, computed from the joint pmf of (X, Y) written out on the output lattice.
    """
    xs = np.asarray(x_steps)
    es = np.asarray(e_steps)
    for arr, name in ((xs, "x_steps"), (es, "e_steps")):
        if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
            raise v.ArgumentTypeError(f"{name} must be a non-empty 1-D integer array; got {arr!r}")
    if np.unique(xs).size != xs.size:
        raise ValueError("x_steps must be distinct")
    pi = v.pmf(pmf, "pmf", ndim=1)
    if pi.size != es.size:
        raise ValueError(f"pmf has {pi.size} entries for {es.size} noise points")
    px = np.full(xs.size, 1.0 / xs.size) if p_x is None else v.pmf(p_x, "p_x", ndim=1)
    if px.size != xs.size:
        raise ValueError(f"p_x has {px.size} entries for {xs.size} signal points")
    lo = int(xs.min() + es.min())
    joint = np.zeros((xs.size, int(xs.max() + es.max()) - lo + 1))
    for i, (x, p) in enumerate(zip(xs, px)):
        np.add.at(joint[i], es + int(x) - lo, p * pi)
    return float(mutual_information(joint))


def sample_joint(joint: Any, y_values: Any, n: int, rng: Any) -> tuple[np.ndarray, np.ndarray]:
    """Draw n pairs (U, Y) from a joint pmf.

    Parameters
    ----------
    joint : array_like, shape (k, m)
        Joint pmf of (U, Y), rows indexed by the label.
    y_values : array_like, shape (m,)
        The output value of each column.
    n : int
        Number of samples, positive.
    rng : numpy.random.Generator or int
        Random source.

    Returns
    -------
    (ndarray of int, ndarray of float)
        Label indices (row numbers) and outputs.
    """
    p = _joint(joint)
    y = v.finite_array(y_values, "y_values", ndim=1)
    if y.size != p.shape[1]:
        raise ValueError(f"y_values has {y.size} entries for {p.shape[1]} columns")
    n = v.integer(n, "n", minimum=1)
    gen = v.rng_from(rng)
    flat = p.ravel() / p.sum()
    idx = gen.choice(flat.size, size=n, p=flat)
    return idx // p.shape[1], y[idx % p.shape[1]]
