r"""Second routes to Theorem 3.2 and the data of the paper's second experiment.

The lectures on linear projections (notebooks 03 and 04) check every solver of
:mod:`mi_lib.projection` against a route that shares no code with it. Those
routes live here, together with the loaders of the data they are run on:

* :func:`water_level_bisection`: the reverse water-filling level by bisection on
  :math:`g(\tau) = \sum_j \min(\tau, \sigma_j^2)`, nothing but its definition, and
  :func:`falling_bar_candidates`, the steps of Algorithm 1 written out;
* :func:`attack_matrices`, :func:`linear_attack_mi`, :func:`logdet_attack_mi`:
  the optimal attack of Theorem 3.2 built as matrices, :math:`E = AU + BZ`, and the
  mutual information of the Gaussian channel it creates (from the joint covariance,
  or by log-determinants with numpy alone);
* :func:`mp_edges`, :func:`mp_integral_above`, :func:`mp_limit_quad`,
  :func:`mp_kolmogorov_distance`: the Marchenko–Pastur limit by direct quadrature in
  :math:`x` (``scipy.integrate.quad`` with an algebraic weight) instead of the
  angle substitution of :func:`mi_lib.mp_limit_mi_per_m`;
* :func:`load_spectra`, :func:`projection_matrix`, :func:`regenerate_spectrum`: the
  cached random-matrix spectra of ``tools/make_spectra.py`` and the recipe that
  regenerates any one of them;
* :func:`paper_projection_figure`, :func:`paper_budget_grid`: the points of the
  paper's Figures 4 and 5 extracted from its PDF, and the budget grid they use.

Nothing here imports :mod:`mi_lib.projection`. Nothing prints.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
from scipy import integrate
from scipy.optimize import brentq

from ._validation import finite_array, integer, nonnegative, positive, real_scalar
from .measures import gaussian_mi
from .paths import data_dir

__all__ = [
    "attack_matrices",
    "falling_bar_candidates",
    "linear_attack_mi",
    "load_spectra",
    "logdet_attack_mi",
    "mp_edges",
    "mp_integral_above",
    "mp_kolmogorov_distance",
    "mp_limit_quad",
    "paper_budget_grid",
    "paper_projection_figure",
    "projection_matrix",
    "regenerate_spectrum",
    "water_level_bisection",
]


def _spectrum(sigma_sq) -> np.ndarray:
    s = finite_array(sigma_sq, "sigma_sq", ndim=1)
    if s.size == 0 or np.any(s < 0):
        raise ValueError("sigma_sq must be a non-empty list of non-negative numbers")
    return s


def _matrix(H) -> np.ndarray:
    H = finite_array(H, "H", ndim=2)
    if H.size == 0:
        raise ValueError("H must not be empty")
    return H


def water_level_bisection(sigma_sq, D: float) -> float:
    r"""The level :math:`\tau` with :math:`\sum_j \min(\tau, \sigma_j^2) = D`, by bisection.

    Only the definition of :math:`g(\tau) = \sum_j \min(\tau, \sigma_j^2)` is used:
    the interval :math:`[0, \max_j \sigma_j^2]` is halved until its midpoint is no
    longer strictly inside it (machine precision).

    Parameters
    ----------
    sigma_sq : array_like, shape (k,)
        Non-negative variances (squared singular values), not all zero.
    D : float
        Budget, :math:`D \ge 0`.

    Returns
    -------
    float
        The level; :math:`\max_j \sigma_j^2` when :math:`D \ge \sum_j \sigma_j^2`
        (every direction erased).
    """
    s = _spectrum(sigma_sq)
    D = nonnegative(D, "D")
    if s.max() == 0:
        raise ValueError("sigma_sq must have a positive entry")
    if D >= s.sum():
        return float(s.max())
    lo, hi = 0.0, float(s.max())
    while True:
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            return mid
        if np.minimum(mid, s).sum() < D:
            lo = mid
        else:
            hi = mid


def _attack_parts(H: np.ndarray, D: float):
    Q, sv, Vt = np.linalg.svd(H, full_matrices=False)
    keep = sv > 1e-12 * sv[0] if sv[0] > 0 else np.zeros(sv.size, dtype=bool)
    if not keep.any():
        raise ValueError("H must not be zero")
    Q, sv, V = Q[:, keep], sv[keep], Vt[keep].T
    Di = np.minimum(water_level_bisection(sv**2, D), sv**2)
    return Q, sv, V, Di


def attack_matrices(H, D: float, sign: float = -1.0) -> tuple[np.ndarray, np.ndarray]:
    r"""The attack :math:`E = AU + BZ` of Theorem 3.2 (Step 5 of notebook 03) as matrices.

    With the thin SVD :math:`H = QCV^\top` (positive singular values only) and the
    water-filling allocation :math:`D_i = \min(\tau, \sigma_i^2)`,

    .. math::

        A = \text{sign}\cdot Q\,\mathrm{diag}(D_i/\sigma_i)\,V^\top, \qquad
        B = Q\,\mathrm{diag}\bigl(\sqrt{D_i(1 - D_i/\sigma_i^2)}\bigr),

    so that :math:`\Lambda_i = Q_i^\top E = \text{sign}\cdot (D_i/\sigma_i^2)\,U''_i + \dots`.
    ``sign = -1`` is the optimal attack; ``sign = +1`` is the paper's wording read
    literally with :math:`Y = HU + E`.

    Parameters
    ----------
    H : array_like, shape (n, m)
        The linear map, not zero.
    D : float
        Budget, :math:`D \ge 0`.
    sign : {-1.0, +1.0}, default -1.0
        Sign of the signal-dependent part.

    Returns
    -------
    A : numpy.ndarray, shape (n, m)
    B : numpy.ndarray, shape (n, k)
        ``k`` is the rank of ``H``; :math:`Z \sim N(0, I_k)` is independent of ``U``.
    """
    H = _matrix(H)
    D = nonnegative(D, "D")
    sign = real_scalar(sign, "sign")
    if sign not in (-1.0, 1.0):
        raise ValueError(f"sign must be -1 or +1; got {sign!r}")
    Q, sv, V, Di = _attack_parts(H, D)
    A = sign * (Q * (Di / sv)) @ V.T
    B = Q * np.sqrt(np.maximum(Di * (1 - Di / sv**2), 0.0))
    return A, B


def linear_attack_mi(H, A, B) -> tuple[float, float]:
    r""":math:`I(U; HU + AU + BZ)` for :math:`U \sim N(0, I_m)`, :math:`Z \sim N(0, I)`, and the energy.

    :math:`(U, Y)` is jointly Gaussian with :math:`\mathrm{Cov}(Y, U) = H + A` and
    :math:`\mathrm{Cov}(Y) = (H + A)(H + A)^\top + BB^\top`; the MI is evaluated from
    that covariance by :func:`mi_lib.gaussian_mi`, which knows nothing about water-filling.

    Parameters
    ----------
    H, A : array_like, shape (n, m)
    B : array_like, shape (n, r)

    Returns
    -------
    mi : float
        In nats (``inf`` when part of the signal reaches ``Y`` without noise).
    energy : float
        :math:`\mathbb E\lVert E\rVert^2 = \mathrm{tr}(AA^\top + BB^\top)`.
    """
    H, A, B = _matrix(H), _matrix(A), _matrix(B)
    if A.shape != H.shape or B.shape[0] != H.shape[0]:
        raise ValueError(f"shapes do not fit: H {H.shape}, A {A.shape}, B {B.shape}")
    G = H + A
    m = H.shape[1]
    cov = np.block([[np.eye(m), G.T], [G, G @ G.T + B @ B.T]])
    return gaussian_mi(cov, list(range(m))), float(np.trace(A @ A.T + B @ B.T))


def logdet_attack_mi(H, budgets) -> np.ndarray:
    r"""Minimum :math:`I(U;Y)` by log-determinants of the optimal attack's channel (numpy only).

    Builds :math:`A, B` as in :func:`attack_matrices` and evaluates, with
    :math:`P` the columns of :math:`Q` whose direction is not erased,

    .. math::

        I(U;Y) = \tfrac12\log\det\bigl(P^\top\mathrm{Cov}(Y)P\bigr)
               - \tfrac12\log\det\bigl(P^\top BB^\top P\bigr)

    with ``numpy.linalg.slogdet`` (``Y`` lies in the span of ``P``).

    Parameters
    ----------
    H : array_like, shape (n, m)
        The linear map, not zero.
    budgets : array_like, shape (b,)
        Budgets below :math:`\lVert H\rVert_F^2` (at least one direction survives).

    Returns
    -------
    numpy.ndarray, shape (b, 2)
        Rows (MI in nats, energy :math:`\mathrm{tr}(AA^\top + BB^\top)`).
    """
    H = _matrix(H)
    budgets = finite_array(budgets, "budgets", ndim=1)
    out = []
    for D in budgets:
        if not 0 < D < np.sum(H**2):
            raise ValueError(f"every budget must lie in (0, ||H||_F^2); got {D!r}")
        Q, sv, V, Di = _attack_parts(H, float(D))
        A = -(Q * (Di / sv)) @ V.T
        B = Q * np.sqrt(Di * (1 - Di / sv**2))
        cov_y = (H + A) @ (H + A).T + B @ B.T
        P = Q[:, Di < sv**2]
        mi = 0.5 * (np.linalg.slogdet(P.T @ cov_y @ P)[1] - np.linalg.slogdet(P.T @ B @ B.T @ P)[1])
        out.append((mi, float(np.sum(A**2) + np.sum(B**2))))
    return np.array(out)


def _alpha(alpha) -> float:
    alpha = positive(alpha, "alpha")
    if alpha == 1.0:
        raise ValueError("alpha = 1 (hard edge at 0) is not supported by the direct quadrature")
    return alpha


def mp_edges(alpha: float) -> tuple[float, float]:
    r"""Edges :math:`a, b = (1 \mp \sqrt\alpha)^2` of the Marchenko–Pastur support.

    Parameters
    ----------
    alpha : float
        Aspect ratio :math:`n/m > 0`.

    Returns
    -------
    (float, float)
    """
    alpha = positive(alpha, "alpha")
    return (1 - math.sqrt(alpha)) ** 2, (1 + math.sqrt(alpha)) ** 2


def mp_integral_above(alpha: float, tau: float, f) -> float:
    r""":math:`\int_{x > \tau} f(x)\,\mu_\alpha(dx)` over the continuous part of the Marchenko–Pastur law.

    Integrates in :math:`x` with ``scipy.integrate.quad``'s algebraic weight, which
    absorbs the square-root edges exactly.

    Parameters
    ----------
    alpha : float
        Aspect ratio :math:`n/m > 0`, not 1.
    tau : float
        Lower limit (any real; below the support the whole density part counts).
    f : callable
        Scalar function of :math:`x`.

    Returns
    -------
    float
    """
    alpha = _alpha(alpha)
    tau = real_scalar(tau, "tau")
    if math.isnan(tau):
        raise ValueError("tau must not be NaN")
    if not callable(f):
        raise TypeError("f must be callable")
    a, b = mp_edges(alpha)
    if tau >= b:
        return 0.0
    if tau <= a:
        val, _ = integrate.quad(lambda x: f(x) / (2 * np.pi * alpha * x), a, b, weight="alg", wvar=(0.5, 0.5),
                                epsabs=1e-13)
    else:
        val, _ = integrate.quad(lambda x: f(x) * np.sqrt(x - a) / (2 * np.pi * alpha * x), tau, b,
                                weight="alg", wvar=(0.0, 0.5), epsabs=1e-13)
    return float(val)


def mp_limit_quad(alpha: float, d: float) -> float:
    r"""Large-m limit :math:`\ell(\alpha, d)` of :math:`I^*/m` by direct quadrature (second route).

    Solves :math:`\int_{x>\tau}(x - \tau)\,\mu_\alpha(dx) = 1 - d` for :math:`\tau`
    with Brent's method and returns
    :math:`\tfrac\alpha2\int_{x>\tau}\log(x/\tau)\,\mu_\alpha(dx)`.

    Parameters
    ----------
    alpha : float
        Aspect ratio :math:`n/m > 0`, not 1.
    d : float
        Budget fraction :math:`D/\lVert H\rVert_F^2`, :math:`0 < d < 1`.

    Returns
    -------
    float
        Nats per input coordinate.
    """
    alpha = _alpha(alpha)
    d = positive(d, "d")
    if d >= 1:
        raise ValueError(f"d must lie in (0, 1); got {d!r}")
    _, b = mp_edges(alpha)
    tau = brentq(lambda t: mp_integral_above(alpha, t, lambda x: x - t) - (1 - d), 1e-12, b, xtol=1e-14)
    return 0.5 * alpha * mp_integral_above(alpha, tau, lambda x: np.log(x / tau))


def mp_kolmogorov_distance(eigenvalues, alpha: float, points: int = 50) -> float:
    r"""Largest gap between the empirical CDF of positive eigenvalues and the Marchenko–Pastur CDF.

    The continuous part of :math:`\mu_\alpha` is normalised to a probability law
    (divided by its mass :math:`\min(1, 1/\alpha)`) and compared with the empirical
    CDF of ``eigenvalues`` at about ``points`` of them, equally spaced in rank.

    Parameters
    ----------
    eigenvalues : array_like, shape (k,)
        The positive eigenvalues of :math:`HH^\top` (any order).
    alpha : float
        Aspect ratio :math:`n/m > 0`, not 1.
    points : int, default 50
        Number of comparison points (at least 1).

    Returns
    -------
    float
    """
    ev = np.sort(finite_array(eigenvalues, "eigenvalues", ndim=1))
    if ev.size == 0:
        raise ValueError("eigenvalues must not be empty")
    alpha = _alpha(alpha)
    points = integer(points, "points", minimum=1)
    mass = min(1.0, 1.0 / alpha)
    qs = ev[:: max(1, ev.size // points)]
    cdf = np.array([1.0 - mp_integral_above(alpha, q, lambda x: 1.0) / mass for q in qs])
    ecdf = np.searchsorted(ev, qs, side="right") / ev.size
    return float(np.max(np.abs(ecdf - cdf)))


def load_spectra(path: str | Path | None = None) -> tuple[dict, dict]:
    """The cached spectra of ``tools/make_spectra.py``.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``notebooks/data/spectra.npz``.

    Returns
    -------
    spectra : dict
        ``{(m, tenths): eigenvalues}``, the squared singular values of
        :math:`H \\in \\mathbb R^{n\\times m}`, ``n = tenths * m // 10``, in descending order.
    info : dict
        ``seed`` (int), ``numpy_version`` (str), ``m_values`` and ``tenths`` (lists of int).
    """
    cache = np.load(data_dir() / "spectra.npz" if path is None else Path(path))
    info = {"seed": int(cache["seed"]), "numpy_version": str(cache["numpy_version"]),
            "m_values": [int(m) for m in cache["m_values"]], "tenths": [int(t) for t in cache["alpha_tenths"]]}
    spectra = {(m, t): np.array(cache[f"m{m}_a{t:02d}"]) for m in info["m_values"] for t in info["tenths"]}
    return spectra, info


def projection_matrix(m: int, tenths: int, seed: int) -> np.ndarray:
    r""":math:`H \in \mathbb R^{n\times m}`, ``n = tenths * m // 10``, i.i.d. :math:`N(0, 1/m)` (paper §5).

    The recipe of ``tools/make_spectra.py``, written out again: one random stream
    per matrix, ``default_rng(SeedSequence(seed, spawn_key=(m, tenths)))``.

    Parameters
    ----------
    m, tenths : int
        Input dimension (at least 1) and aspect ratio in tenths (``n`` at least 1).
    seed : int
        Non-negative seed.

    Returns
    -------
    numpy.ndarray, shape (n, m)
    """
    m = integer(m, "m", minimum=1)
    tenths = integer(tenths, "tenths", minimum=1)
    seed = integer(seed, "seed", minimum=0)
    if tenths * m // 10 < 1:
        raise ValueError(f"n = tenths * m // 10 must be at least 1; got m = {m}, tenths = {tenths}")
    g = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(m, tenths)))
    return g.standard_normal((tenths * m // 10, m)) / np.sqrt(m)


def regenerate_spectrum(m: int, tenths: int, seed: int) -> np.ndarray:
    """The squared singular values of :func:`projection_matrix` in descending order, clipped at 0.

    Parameters
    ----------
    m, tenths, seed : int
        As in :func:`projection_matrix`.

    Returns
    -------
    numpy.ndarray, shape (min(n, m),)
    """
    H = projection_matrix(m, tenths, seed)
    gram = H @ H.T if H.shape[0] <= m else H.T @ H
    return np.maximum(np.linalg.eigvalsh(gram)[::-1], 0.0)


def paper_projection_figure(number: int) -> dict:
    """The plotted points of the paper's Figure 4 or 5 (extracted from its PDF).

    Reads ``notebooks/data/paper_figures/figure{number}.csv`` (written by
    ``tools/extract_paper_figures.py``).

    Parameters
    ----------
    number : {4, 5}

    Returns
    -------
    dict
        ``{(m, tenths): (x, y)}``: budgets as plotted and plotted values (bits), in
        the order of the points.
    """
    number = integer(number, "number")
    if number not in (4, 5):
        raise ValueError(f"number must be 4 or 5; got {number}")
    rows: dict = {}
    with open(data_dir() / "paper_figures" / f"figure{number}.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            key = (int(r["panel_value"]), round(10 * float(r["curve_value"])))
            rows.setdefault(key, []).append((int(r["point"]), float(r["x"]), float(r["y"])))
    return {key: tuple(np.array(col) for col in list(zip(*sorted(pts)))[1:]) for key, pts in rows.items()}


def paper_budget_grid(sigma_sq) -> np.ndarray:
    r"""The paper's budget grid :math:`D_j = 0.1 + j\lVert H\rVert_F^2/10`, :math:`j = 0, \dots, 9`.

    Parameters
    ----------
    sigma_sq : array_like, shape (k,)
        Squared singular values (their sum is :math:`\lVert H\rVert_F^2`).

    Returns
    -------
    numpy.ndarray, shape (10,)
    """
    F = float(_spectrum(sigma_sq).sum())
    return 0.1 + np.arange(10) * F / 10


def falling_bar_candidates(sigma_sq, D: float) -> tuple[np.ndarray, np.ndarray]:
    r"""The candidate levels of Algorithm 1 and which of them lands in its own interval.

    For the variances sorted in descending order, step :math:`i = 1, \dots, k` proposes
    :math:`\tau_i = (D - \sum_{j>i}\sigma_j^2)/i` and accepts it when
    :math:`\tau_i \in R_i = [\sigma_{i+1}^2, \sigma_i^2)` (:math:`R_k = (-\infty, \sigma_k^2)`).

    Parameters
    ----------
    sigma_sq : array_like, shape (k,)
        Non-negative variances (any order; sorted here).
    D : float
        Budget, :math:`0 < D < \sum_j \sigma_j^2`.

    Returns
    -------
    candidates : numpy.ndarray, shape (k,)
    accepted : numpy.ndarray of bool, shape (k,)
        Exactly one ``True`` for a budget in range.
    """
    s = np.sort(_spectrum(sigma_sq))[::-1]
    D = positive(D, "D")
    if D >= s.sum():
        raise ValueError(f"D must be below sum(sigma_sq) = {s.sum():.6g}; got {D!r}")
    k = s.size
    tails = np.array([s[i:].sum() for i in range(1, k + 1)])  # sum_{j > i} sigma_j^2, i = 1..k
    candidates = (D - tails) / np.arange(1, k + 1)
    lower = np.append(s[1:], -np.inf)
    return candidates, (lower <= candidates) & (candidates < s)
