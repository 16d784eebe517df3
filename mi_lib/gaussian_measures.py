r"""Gaussian information measures: closed forms from covariances, and a discrete input in Gaussian noise.

The jointly Gaussian mutual information (:func:`gaussian_mi`), the Gaussian
rate-distortion function (:func:`gaussian_rate_distortion`), reverse
water-filling (:func:`reverse_water_filling`) and the mutual information of a
finite input in additive Gaussian noise (:func:`discrete_gaussian_mi`). Values
are in nats unless ``base`` is given. Split from :mod:`mi_lib.measures`, which
re-exports every name, so ``from mi_lib.measures import gaussian_mi`` keeps
working.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.special import entr, logsumexp, roots_hermitenorm

from . import _validation as v

__all__ = [
    "WaterFilling",
    "discrete_gaussian_mi",
    "gaussian_mi",
    "gaussian_rate_distortion",
    "reverse_water_filling",
]


# ---------------------------------------------------------------------------
# Gaussian closed forms
# ---------------------------------------------------------------------------


_SINGULAR_TOL = 1e-14


def _log_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(a / b)`` for positive arrays, from the ratio when it is a normal number.

    The ratio is scale-invariant up to one rounding; ``log(a) - log(b)`` of two
    numbers near 1e300 would carry an absolute error of about 1e-13. The
    difference of logarithms is used only where ``a / b`` overflows or
    underflows, and then it is large and accurate in relative terms.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        r = a / b
    ok = np.isfinite(r) & (r >= np.finfo(float).tiny)
    out = np.empty(np.broadcast(a, b).shape)
    out[ok] = np.log(r[ok])
    bad = ~ok
    out[bad] = np.log(np.broadcast_to(a, out.shape)[bad]) - np.log(np.broadcast_to(b, out.shape)[bad])
    return out


def _logdet_pd(m: np.ndarray) -> float | None:
    """log det of a symmetric matrix, or None if it is singular to working precision.

    The matrix is scaled to unit diagonal first; a squared Cholesky pivot below
    ``_SINGULAR_TOL`` (a conditional variance below 1e-14 of the variance) is
    treated as singular, the same threshold the canonical-correlation route uses.
    """
    d = np.sqrt(np.diag(m))
    if np.any(d <= 0):
        return None
    try:
        c = np.linalg.cholesky(m / np.outer(d, d))
    except np.linalg.LinAlgError:
        return None
    piv = np.diag(c) ** 2
    if np.any(piv < _SINGULAR_TOL):
        return None
    return float(np.log(piv).sum() + 2.0 * np.log(d).sum())


def _whitener(block: np.ndarray, tol: float) -> np.ndarray:
    """Rows spanning the range of a PSD block, scaled to unit variance."""
    w, vecs = np.linalg.eigh(block)
    keep = w > tol
    return (vecs[:, keep] / np.sqrt(w[keep])).T


def gaussian_mi(
    cov: np.ndarray,
    idx_a: Sequence[int],
    idx_b: Sequence[int] | None = None,
    base: float | None = None,
) -> float:
    r"""Mutual information between two blocks of a jointly Gaussian vector.

    For :math:`Z \sim \mathcal N(\mu, \Sigma)` and disjoint index sets A, B,

    .. math::
        I(Z_A; Z_B) = \tfrac12 \log \frac{\det \Sigma_{AA} \det \Sigma_{BB}}
                                         {\det \Sigma_{A \cup B}}
                    = -\tfrac12 \sum_i \log(1 - \rho_i^2),

    where :math:`\rho_i` are the canonical correlations between the blocks.
    The determinant form (Cholesky log-determinants) is used when all three
    blocks are non-singular; otherwise the canonical-correlation form is used
    on the ranges of :math:`\Sigma_{AA}` and :math:`\Sigma_{BB}`, which handles
    degenerate components (a constant carries no information) and returns
    ``inf`` when a non-degenerate direction of one block is a deterministic
    function of the other.

    Parameters
    ----------
    cov : array_like, shape (d, d)
        Symmetric positive semi-definite covariance matrix.
    idx_a : sequence of int
        Indices of the first block.
    idx_b : sequence of int, optional
        Indices of the second block; default all indices not in ``idx_a``.
    base : float, optional
        Logarithm base of the result; ``None`` (default) gives nats.

    Returns
    -------
    float
        ``I(Z_A; Z_B)`` in ``[0, inf]``.

    Raises
    ------
    ValueError
        If ``cov`` is not square, symmetric and PSD (within 1e-10 relative),
        or the index sets are empty, out of range or overlap.

    Examples
    --------
    >>> rho = 0.6
    >>> round(gaussian_mi([[1, rho], [rho, 1]], [0]), 12) == round(-0.5 * np.log(1 - rho**2), 12)
    True
    """
    c = v.finite_array(cov, "cov", ndim=2)
    d = c.shape[0]
    if c.shape != (d, d) or d == 0:
        raise ValueError(f"cov must be a non-empty square matrix; got shape {c.shape}")
    # I(Z_A; Z_B) is invariant under cov -> c cov; dividing by a power of two
    # (exact) brings the largest entry to [1/2, 1), so that neither the
    # eigenvalue check nor the Cholesky factors can overflow or underflow
    peak = float(np.max(np.abs(c))) if c.size else 0.0
    if peak > 0.0:
        c = np.ldexp(c, -math.frexp(peak)[1])
    scale = max(float(np.max(np.abs(c))), 1e-300)
    if not np.allclose(c, c.T, rtol=0.0, atol=1e-10 * scale):
        raise ValueError("cov must be symmetric")
    c = 0.5 * (c + c.T)
    if np.linalg.eigvalsh(c)[0] < -1e-10 * scale:
        raise ValueError("cov must be positive semi-definite")
    a = _index_set(idx_a, d, "idx_a")
    b = [i for i in range(d) if i not in set(a)] if idx_b is None else _index_set(idx_b, d, "idx_b")
    if not b:
        raise ValueError("idx_b is empty (idx_a covers every coordinate)")
    if set(a) & set(b):
        raise ValueError("idx_a and idx_b overlap")
    saa, sbb = c[np.ix_(a, a)], c[np.ix_(b, b)]
    ab = a + b
    la, lb, lab = _logdet_pd(saa), _logdet_pd(sbb), _logdet_pd(c[np.ix_(ab, ab)])
    if la is not None and lb is not None and lab is not None:
        return max(0.5 * (la + lb - lab), 0.0) / v.log_base(base)
    tol = 1e-12 * scale
    wa, wb = _whitener(saa, tol), _whitener(sbb, tol)
    if wa.shape[0] == 0 or wb.shape[0] == 0:
        return 0.0
    rho = np.minimum(np.linalg.svd(wa @ c[np.ix_(a, b)] @ wb.T, compute_uv=False), 1.0)
    one_minus = (1.0 - rho) * (1.0 + rho)
    # A singular joint covariance with non-degenerate blocks means a deterministic
    # relation; 1 - rho^2 below 1e-14 (MI above 16 nats in one pair) cannot be told
    # apart from it in double precision, so it is reported as such.
    if np.any(one_minus <= _SINGULAR_TOL):
        return float("inf")
    return (float(-0.5 * np.log(one_minus).sum()) + 0.0) / v.log_base(base)


def _index_set(idx: Sequence[int], d: int, name: str) -> list[int]:
    arr = np.atleast_1d(np.asarray(idx))
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of indices; got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise v.ArgumentTypeError(f"{name} must contain integers; got dtype {arr.dtype}")
    out = [int(i) for i in arr]
    if min(out) < 0 or max(out) >= d:
        raise ValueError(f"{name} has an index outside 0..{d - 1}")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} has repeated indices")
    return out


def gaussian_rate_distortion(
    variance: float | np.ndarray, D: float | np.ndarray, base: float | None = None
) -> float | np.ndarray:
    r"""Rate-distortion function of a Gaussian source under squared error.

    .. math:: R(D) = \max\Bigl(0, \tfrac12 \log \frac{\sigma^2}{D}\Bigr),

    the least :math:`I(X; \hat X)` over channels with
    :math:`E(X - \hat X)^2 \le D` for :math:`X \sim \mathcal N(0, \sigma^2)`
    (Cover and Thomas, Theorem 10.3.2). ``R(0) = inf`` for a non-degenerate
    source and ``R = 0`` once ``D >= variance``. Broadcasts over arrays.

    Parameters
    ----------
    variance : float or array_like
        Source variance(s), ``>= 0``.
    D : float or array_like
        Distortion budget(s), ``>= 0``.
    base : float, optional
        Logarithm base of the result; ``None`` (default) gives nats.

    Returns
    -------
    float or ndarray
        ``R(D)``; a float for scalar input.
    """
    var = v.finite_array(variance, "variance")
    dd = v.finite_array(D, "D")
    if np.any(var < 0):
        raise ValueError("variance must be non-negative")
    if np.any(dd < 0):
        raise ValueError("D must be non-negative")
    var, dd = np.broadcast_arrays(var, dd)
    out = np.zeros(var.shape)
    active = var > dd
    zero_d = active & (dd == 0)
    pos = active & (dd > 0)
    out[zero_d] = np.inf
    out[pos] = 0.5 * _log_ratio(var[pos], dd[pos])
    out = out / v.log_base(base)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True, slots=True)
class WaterFilling:
    """Result of :func:`reverse_water_filling`.

    Attributes
    ----------
    level : float
        The water level :math:`\\theta` with :math:`\\sum_i \\min(\\theta, \\sigma_i^2) = D`
        (``max(variances)`` once the budget covers every component).
    allocation : ndarray
        Per-component distortions :math:`D_i = \\min(\\theta, \\sigma_i^2)`, in the
        caller's order.
    rate : float
        :math:`\\tfrac12 \\sum_i \\log(\\sigma_i^2 / D_i)` over components with
        :math:`\\sigma_i^2 > 0` (in units of ``base``); ``inf`` when D = 0.
    """

    level: float
    allocation: np.ndarray
    rate: float


def reverse_water_filling(
    variances: np.ndarray | Sequence[float], D: float, base: float | None = None
) -> WaterFilling:
    r"""Reverse water-filling for independent Gaussian components.

    The rate-distortion function of :math:`X \sim \mathcal N(0,
    \mathrm{diag}(\sigma_1^2, \ldots, \sigma_k^2))` under total squared error
    :math:`D` is

    .. math::
        R(D) = \sum_i \tfrac12 \log \frac{\sigma_i^2}{D_i}, \qquad
        D_i = \min(\theta, \sigma_i^2), \qquad \sum_i D_i = D

    (Cover and Thomas, Theorem 10.3.3). The level :math:`\theta` is found
    exactly: on the interval between consecutive sorted variances the sum is
    affine in :math:`\theta`, so one pass over the sorted values solves it.

    Parameters
    ----------
    variances : array_like, 1-D
        Component variances :math:`\sigma_i^2 \ge 0`, any order.
    D : float
        Total distortion budget, ``>= 0``.
    base : float, optional
        Logarithm base of ``rate``; ``None`` (default) gives nats.

    Returns
    -------
    WaterFilling
        Level, allocation (caller's order) and rate.
    """
    var = v.finite_array(variances, "variances", ndim=1)
    if var.size == 0:
        raise ValueError("variances is empty")
    if np.any(var < 0):
        raise ValueError("variances must be non-negative")
    budget = v.nonnegative(D, "D")
    total = float(var.sum())
    if budget >= total:
        level = float(var.max())
    elif budget == 0.0:
        level = 0.0
    else:
        s = np.sort(var)
        n = s.size
        below = np.concatenate(([0.0], np.cumsum(s)))  # sum of the j smallest
        # g[j] = sum_i min(s[j], s_i) is non-decreasing in j; the level lies in
        # [s[j-1], s[j]] for the first j with g[j] >= budget, where the sum is
        # below[j] + (n - j) * theta. Clamping absorbs rounding at breakpoints.
        g = below[:-1] + (n - np.arange(n)) * s
        j = min(int(np.searchsorted(g, budget, side="left")), n - 1)
        lower = s[j - 1] if j > 0 else 0.0
        level = float(min(max((budget - below[j]) / (n - j), lower), s[j]))
    alloc = np.minimum(var, level)
    pos = var > 0
    if np.any(pos & (alloc == 0)):
        rate = float("inf")
    else:
        rate = float(0.5 * _log_ratio(var[pos], alloc[pos]).sum()) / v.log_base(base)
    return WaterFilling(level=level, allocation=alloc, rate=max(rate, 0.0))


# ---------------------------------------------------------------------------
# Discrete input, Gaussian noise
# ---------------------------------------------------------------------------

_D_CLIP = 1e150
_TRAP_HALF_WIDTH = 12.0  # standard-normal mass beyond |z| = 12 is below 1e-32
_TRAP_STEP_MAX = 0.1
_TRAP_STEP_SCALE = 0.5


def _normal_nodes(d: np.ndarray, method: str, n_nodes: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for E_Z f(Z), Z ~ N(0, 1), adapted to the offsets d/sigma."""
    if method == "gauss-hermite":
        z, w = roots_hermitenorm(200 if n_nodes is None else int(n_nodes))
        return z, w / np.sqrt(2.0 * np.pi)
    # Trapezoid rule on [-L, L]. The integrand is analytic in a strip of
    # half-width about pi/|d| around the real axis (log-sum-exp of exponentials
    # whose rates differ by d), so the error is about exp(-2 pi^2 / (|d| h)):
    # h = 0.5 / |d| gives exp(-39). Offsets beyond 2L switch on only where the
    # normal weight is below exp(-L^2 / 2), so they do not set the step.
    ad = np.abs(d)
    relevant = ad[(ad > 0) & (ad <= 2 * _TRAP_HALF_WIDTH)]
    dmax = float(relevant.max()) if relevant.size else 1.0
    if n_nodes is None:
        h = min(_TRAP_STEP_MAX, _TRAP_STEP_SCALE / dmax)
        n = int(np.ceil(2 * _TRAP_HALF_WIDTH / h)) + 1
    else:
        n = int(n_nodes)
    z = np.linspace(-_TRAP_HALF_WIDTH, _TRAP_HALF_WIDTH, n)
    w = (z[1] - z[0]) * np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)
    return z, w


def discrete_gaussian_mi(
    x_values: np.ndarray | Sequence[float],
    probs: np.ndarray | Sequence[float] | None,
    noise_var: float,
    base: float | None = None,
    *,
    method: str = "trapezoid",
    n_nodes: int | None = None,
) -> float:
    r"""I(X; X + N) for a discrete X and Gaussian noise N, by quadrature.

    With :math:`X` taking values :math:`x_j` with probabilities :math:`p_j`
    and :math:`N \sim \mathcal N(0, \sigma^2)` independent, write
    :math:`Y = x_i + \sigma Z` given :math:`X = x_i`, :math:`Z \sim \mathcal N(0,1)`,
    and :math:`d_{ij} = (x_i - x_j)/\sigma`. Then

    .. math::
        I(X; Y) = -\sum_i p_i\, \mathbb E_Z \log \sum_j p_j
                  \exp\Bigl(-\tfrac12 d_{ij}^2 - d_{ij} Z\Bigr),

    a one-dimensional expectation over a standard normal. The inner sum is a
    log-sum-exp, so nothing underflows at high SNR (the value tends to
    :math:`H(X)`) and nothing cancels at low SNR.

    The default rule is the trapezoid rule on :math:`[-12, 12]` with a step
    :math:`h = \min(0.1, 0.5/\max|d_{ij}|)` (offsets above 24 are ignored when
    choosing h). The integrand is analytic in a strip of half-width about
    :math:`\pi/|d|`, so the error decays like :math:`e^{-2\pi^2/(|d| h)} \approx e^{-39}`;
    measured against adaptive quadrature the error is below 1e-13 nats from
    -20 dB to 60 dB. Gauss–Hermite (``method="gauss-hermite"``, 200 nodes by
    default) is offered for comparison: its fixed nodes cannot resolve the
    sharp log-sum-exp transition at :math:`z = -d/2` and it errs by up to
    about 1e-9 nats near 10 dB.

    Parameters
    ----------
    x_values : array_like, 1-D
        Support points (any order, any spacing).
    probs : array_like, 1-D, or None
        Their probabilities (a pmf); ``None`` means uniform.
    noise_var : float
        Noise variance :math:`\sigma^2 \ge 0`; at 0 the result is :math:`H(X)`
        with coincident points merged.
    base : float, optional
        Logarithm base of the result; ``None`` (default) gives nats.
    method : {"trapezoid", "gauss-hermite"}, default "trapezoid"
        Quadrature rule for the expectation over Z.
    n_nodes : int, optional
        Override the number of nodes (default: automatic for the trapezoid
        rule, 200 for Gauss–Hermite).

    Returns
    -------
    float
        ``I(X; X + N)`` in ``[0, H(X)]``.

    Raises
    ------
    ValueError
        On non-finite or empty ``x_values``, a ``probs`` that is not a pmf or
        of another length, a negative ``noise_var``, or an unknown method.
    """
    x = v.finite_array(x_values, "x_values", ndim=1)
    if x.size == 0:
        raise ValueError("x_values is empty")
    p = np.full(x.size, 1.0 / x.size) if probs is None else v.pmf(probs, "probs", ndim=1)
    if p.shape != x.shape:
        raise ValueError(f"x_values and probs differ in length: {x.size} and {p.size}")
    s2 = v.nonnegative(noise_var, "noise_var")
    if method not in ("trapezoid", "gauss-hermite"):
        raise ValueError(f"method must be 'trapezoid' or 'gauss-hermite'; got {method!r}")
    if n_nodes is not None:
        n_nodes = v.integer(n_nodes, "n_nodes", minimum=2)
    keep = p > 0
    x, p = x[keep], p[keep]
    if s2 == 0.0:
        vals, inv = np.unique(x, return_inverse=True)
        merged = np.bincount(inv, weights=p, minlength=vals.size)
        return float(entr(merged).sum()) / v.log_base(base)
    # offsets in noise standard deviations; beyond 1e150 (or overflowing) they are
    # clipped: exp(-d^2/2) is then 0 next to the j = i term whatever the masses
    with np.errstate(over="ignore"):
        d = np.clip((x[:, None] - x[None, :]) / np.sqrt(s2), -_D_CLIP, _D_CLIP)
    z, w = _normal_nodes(d, method, n_nodes)
    logp = np.log(p)
    inner = np.empty((x.size, z.size))
    rows = max(1, 2_000_000 // (z.size * x.size))  # bound the temporary to ~16 MB
    for start in range(0, x.size, rows):
        blk = d[start : start + rows, None, :]
        # exponent[i, q, j] = log p_j - d_ij^2 / 2 - d_ij z_q
        expo = logp[None, None, :] - 0.5 * blk**2 - blk * z[None, :, None]
        inner[start : start + rows] = logsumexp(expo, axis=2)
    mi = -float(p @ (inner @ w))
    hx = float(entr(p).sum())
    return min(max(mi, 0.0), hx) / v.log_base(base)
