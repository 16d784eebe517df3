r"""Information measures: exact values from pmfs, covariances and channels.

Everything here is a deterministic function of a distribution (no samples;
for those see :mod:`mi_lib.estimators`). Values are in nats unless ``base`` is
given, in which case they are divided by :math:`\log(\mathrm{base})`.

The Gaussian closed forms and the discrete input in Gaussian noise live in
:mod:`mi_lib.gaussian_measures` and are re-exported here.

Zero probabilities follow the conventions :math:`0 \log 0 = 0` and
:math:`0 \log(0/q) = 0`; they are evaluated with :func:`scipy.special.entr` and
:func:`scipy.special.rel_entr`, so point masses give exact answers and no
warnings.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from scipy.special import entr, rel_entr

from . import _validation as v
from .gaussian_measures import (  # noqa: F401  (re-exported: the public home of these names)
    WaterFilling,
    discrete_gaussian_mi,
    gaussian_mi,
    gaussian_rate_distortion,
    reverse_water_filling,
)

__all__ = [
    "WaterFilling",
    "binary_entropy",
    "binary_entropy_inverse",
    "discrete_gaussian_mi",
    "entropy",
    "fano_error_bound",
    "gaussian_mi",
    "gaussian_rate_distortion",
    "kl_divergence",
    "mutual_information",
    "reverse_water_filling",
]


# ---------------------------------------------------------------------------
# Discrete measures
# ---------------------------------------------------------------------------


def entropy(p: np.ndarray | Sequence[float], base: float | None = None) -> float:
    r"""Shannon entropy of a pmf.

    .. math:: H(p) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0.

    Parameters
    ----------
    p : array_like
        Probabilities of any shape (a joint pmf is flattened). Entries must be
        non-negative, finite, and sum to 1 within 1e-9.
    base : float, optional
        Logarithm base of the result; ``None`` (default) gives nats.

    Returns
    -------
    float
        The entropy, ``>= 0``; exactly 0 for a point mass.

    Raises
    ------
    ValueError
        If ``p`` is not a pmf or ``base`` is invalid.

    Examples
    --------
    >>> round(entropy([0.5, 0.5], base=2), 12)
    1.0
    """
    arr = v.pmf(p, "p")
    return float(entr(arr).sum()) / v.log_base(base)


def mutual_information(p_joint: np.ndarray | Sequence[Sequence[float]], base: float | None = None) -> float:
    r"""Mutual information of the two variables of a 2-D joint pmf.

    .. math::
        I(U; Y) = \sum_{u, y} p(u, y) \log \frac{p(u, y)}{p(u)\, p(y)}
                = D\bigl(p_{UY} \,\|\, p_U \otimes p_Y\bigr).

    Computed as a relative entropy, term by term in the log domain (not as a
    difference of entropies, and never forming the product p(u) p(y), which can
    underflow), so it is free of cancellation and of underflow.

    Parameters
    ----------
    p_joint : array_like, shape (|U|, |Y|)
        Joint pmf; rows index U, columns index Y.
    base : float, optional
        Logarithm base of the result; ``None`` (default) gives nats.

    Returns
    -------
    float
        ``I(U; Y) >= 0``.

    Raises
    ------
    ValueError
        If ``p_joint`` is not a 2-D pmf or ``base`` is invalid.

    Examples
    --------
    A binary symmetric channel with crossover 0.1 and uniform input carries
    ``1 - h(0.1)`` bits:

    >>> round(mutual_information([[0.45, 0.05], [0.05, 0.45]], base=2), 6)
    0.531004
    """
    p = v.pmf(p_joint, "p_joint", ndim=2)
    pu = np.broadcast_to(p.sum(axis=1, keepdims=True), p.shape)
    py = np.broadcast_to(p.sum(axis=0, keepdims=True), p.shape)
    # log domain: p(u) p(y) may underflow even where p(u, y) > 0
    nz = p > 0
    mi = float(np.sum(p[nz] * (np.log(p[nz]) - np.log(pu[nz]) - np.log(py[nz]))))
    return max(mi, 0.0) / v.log_base(base)


def kl_divergence(
    p: np.ndarray | Sequence[float], q: np.ndarray | Sequence[float], base: float | None = None
) -> float:
    r"""Kullback–Leibler divergence between two pmfs on the same alphabet.

    .. math:: D(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i},

    with :math:`0 \log(0/q) = 0` and :math:`p \log(p/0) = +\infty` for
    :math:`p > 0`.

    Parameters
    ----------
    p, q : array_like
        Pmfs of the same shape.
    base : float, optional
        Logarithm base of the result; ``None`` (default) gives nats.

    Returns
    -------
    float
        ``D(p || q) >= 0``, ``inf`` when p charges a point that q does not.

    Raises
    ------
    ValueError
        If either argument is not a pmf, or their shapes differ.
    """
    pa = v.pmf(p, "p")
    qa = v.pmf(q, "q")
    if pa.shape != qa.shape:
        raise ValueError(f"p and q must have the same shape; got {pa.shape} and {qa.shape}")
    d = float(rel_entr(pa, qa).sum())
    return max(d, 0.0) / v.log_base(base)


def _h_nats(p: np.ndarray) -> np.ndarray:
    r"""Binary entropy in nats, accurate to a few ulps for every p in [0, 1].

    With :math:`q = \min(p, 1 - p)` (exact in floating point),
    :math:`h = -q\log q - (1 - q)\,\mathrm{log1p}(-q)`. The second term is
    about :math:`q` and is lost by ``entr(1 - q)`` once :math:`1 - q` rounds to
    1 (q below 1e-16), which would be a relative error of
    :math:`1/(1 + \log(1/q))`, 0.14 % at q = 1e-300.
    """
    q = np.where(p <= 0.5, p, 1.0 - p)
    return entr(q) - (1.0 - q) * np.log1p(-q)


def binary_entropy(p: float | np.ndarray, base: float | None = None) -> float | np.ndarray:
    r"""Binary entropy function :math:`h(p) = -p \log p - (1-p) \log(1-p)`.

    Parameters
    ----------
    p : float or array_like
        Probabilities in [0, 1].
    base : float, optional
        Logarithm base of the result; ``None`` (default) gives nats.

    Returns
    -------
    float or ndarray
        ``h(p)``, with ``h(0) = h(1) = 0``; a float for scalar input.

    Notes
    -----
    Evaluated as :math:`-q\log q - (1-q)\,\mathrm{log1p}(-q)` with
    :math:`q = \min(p, 1-p)`, which keeps full relative accuracy for
    :math:`q` down to the smallest subnormal (:math:`h(q) \approx q(1 + \log(1/q))`).
    """
    arr = v.finite_array(p, "p")
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError("p must lie in [0, 1]")
    out = _h_nats(arr) / v.log_base(base)
    return float(out) if out.ndim == 0 else out


def _bit_bisect(f, target: np.ndarray, top: np.ndarray) -> np.ndarray:
    """Solve ``f(p) = target`` for ``p`` in ``[0, top]``, ``f`` increasing, to the last ulp.

    Bisection on the bit patterns of non-negative doubles (their int64 views
    are ordered like the values), so every float in the interval is
    reachable and 63 halvings resolve any root to one ulp, with *relative*
    accuracy at every magnitude, subnormals included. Requires
    ``f(0) <= target < f(top)``; of the two neighbouring floats the one whose
    value is closer to ``target`` is returned.
    """
    lo = np.zeros(target.shape, dtype=np.int64)
    hi = np.asarray(top, dtype=np.float64).view(np.int64).copy()
    for _ in range(64):
        if not np.any(hi - lo > 1):
            break
        mid = lo + (hi - lo) // 2
        below = f(mid.view(np.float64)) <= target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    p_lo, p_hi = lo.view(np.float64), hi.view(np.float64)
    closer_hi = np.abs(f(p_hi) - target) < np.abs(f(p_lo) - target)
    return np.where(closer_hi, p_hi, p_lo)


def binary_entropy_inverse(h: float | np.ndarray, base: float | None = None) -> float | np.ndarray:
    r"""Inverse of the binary entropy on :math:`[0, 1/2]`.

    Returns the unique :math:`p \in [0, 1/2]` with :math:`h(p) = h`.

    Parameters
    ----------
    h : float or array_like
        Entropy values in :math:`[0, \log 2]` (in units of ``base``).
    base : float, optional
        Units of ``h``; ``None`` (default) means nats.

    Returns
    -------
    float or ndarray
        ``p`` in [0, 1/2]; a float for scalar input.

    Notes
    -----
    Bisection on the bit patterns of the doubles in :math:`[0, 1/2]` (at most
    63 halvings), with :math:`h` evaluated to a few ulps as in
    :func:`binary_entropy`. The result is correct to a few ulps *relative*
    at every magnitude: for small :math:`p`,
    :math:`h(p) \approx p(1 + \log(1/p))` and
    :math:`\frac{d\log p}{d\log h} \approx 1`, so the problem is well
    conditioned down to :math:`h` near the smallest subnormal. Near
    :math:`p = 1/2`, :math:`h(1/2 - t) = \log 2 - 2t^2 + \dots`, and
    :math:`h = \log 2` gives exactly 1/2.
    """
    hn = v.finite_array(h, "h") * v.log_base(base)
    if np.any((hn < -1e-12) | (hn > np.log(2.0) + 1e-12)):
        raise ValueError("h must lie in [0, log 2] (in the units given by base)")
    hn = np.clip(hn, 0.0, np.log(2.0))
    inner = (hn > 0.0) & (hn < np.log(2.0))
    out = np.where(hn >= np.log(2.0), 0.5, 0.0)
    if np.any(inner):
        out[inner] = _bit_bisect(_h_nats, hn[inner], np.full(int(inner.sum()), 0.5))
    return float(out) if out.ndim == 0 else out


def fano_error_bound(
    mi: float | np.ndarray,
    n_classes: int = 2,
    h_u: float | None = None,
    base: float | None = None,
) -> float | np.ndarray:
    r"""Smallest error probability that Fano's inequality allows.

    For any estimator :math:`\hat U(Y)` of a label with ``n_classes`` = M
    values, Fano's inequality reads

    .. math:: H(U \mid Y) \le h(P_e) + P_e \log(M - 1),

    and :math:`H(U \mid Y) = H(U) - I(U; Y)`. The right-hand side increases
    on :math:`[0, (M-1)/M]`, so the bound is the :math:`P_e` in that interval
    where it equals :math:`\max(H(U) - I, 0)`. No classifier, however it is
    designed, can do better than this when it sees Y.

    Parameters
    ----------
    mi : float or array_like
        Mutual information ``I(U; Y)`` (in units of ``base``), non-negative.
    n_classes : int, default 2
        Number of label values M >= 2 (any Python or numpy integer).
    h_u : float, optional
        Entropy of the label (units of ``base``); default ``log M``, a
        uniform label.
    base : float, optional
        Units of ``mi`` and ``h_u``; ``None`` (default) means nats.

    Returns
    -------
    float or ndarray
        The Fano lower bound on the error probability.

    Notes
    -----
    Solved by bisection on the bit patterns of the doubles in
    :math:`[0, (M-1)/M]` with :math:`h` evaluated as in
    :func:`binary_entropy`, so small bounds (e.g. 1e-200 when
    :math:`H(U) - I` is about 1e-197) come with full relative accuracy.
    """
    m = v.integer(n_classes, "n_classes", minimum=2)
    scale = v.log_base(base)
    i_n = v.finite_array(mi, "mi") * scale
    if np.any(i_n < 0):
        raise ValueError("mi must be non-negative")
    hu = np.log(m) if h_u is None else v.nonnegative(h_u, "h_u") * scale
    if hu > np.log(m) + 1e-12:
        raise ValueError(f"h_u cannot exceed log(n_classes) = {np.log(m):.6g} nats")
    target = np.maximum(hu - i_n, 0.0)
    log_m1 = np.log(m - 1.0)
    top = (m - 1) / m

    def f(p: np.ndarray) -> np.ndarray:
        return _h_nats(p) + p * log_m1

    out = np.where(target >= np.log(m), top, 0.0)  # flat maximum: set exactly
    inner = (target > 0.0) & (target < np.log(m))
    if np.any(inner):
        out[inner] = _bit_bisect(f, target[inner], np.full(int(inner.sum()), top))
    return float(out) if out.ndim == 0 else out
