r"""Second, independent routes for the subset attack of notebook 06 (§4 of the paper, corrected).

This module shares no code with :mod:`mi_lib.subset`, on purpose: it is the
brute force against which the library's solver is checked. It writes the
scalar optimum of program (4) in closed form (:func:`scalar_optimum_mi`, the
:math:`g_i(t)` of the notebook), its derivative, a direct numerical solution
of program (4) by multistart L-BFGS-B, and an exhaustive search over every
subset with the budget split by multistart SLSQP. Only numpy and scipy are used.

All quantities are in nats. ``s`` is a signal variance :math:`s_i > 0`,
``n`` a noise variance :math:`n_i > 0`, ``t`` or ``D`` an energy budget.
"""

from __future__ import annotations

import itertools

import numpy as np

from ._validation import finite_array, integer, nonnegative, positive, rng_from

__all__ = [
    "brute_force_subset",
    "clean_mi",
    "program4_numeric",
    "removable_mi",
    "scalar_optimum_mi",
    "scalar_optimum_slope",
]


def _variances(s, n):
    s_arr, n_arr = finite_array(s, "s"), finite_array(n, "n")
    if np.any(s_arr <= 0) or np.any(n_arr <= 0):
        raise ValueError("the variances s and n must be positive")
    return s_arr, n_arr


def scalar_optimum_mi(s, n, t):
    r"""Closed form of the least :math:`I(U_i; Y_i)` with budget :math:`t` (notebook 02), vectorised.

    .. math::
        g(t) = \log \frac{s + n}{\sqrt{n (s + n - t)} + \sqrt{s t}} \quad (0 \le t < s),
        \qquad g(t) = 0 \quad (t \ge s).

    Parameters
    ----------
    s, n : float or array_like
        Signal and noise variance, positive.
    t : float or array_like
        Budgets, non-negative (broadcast against ``s`` and ``n``).

    Returns
    -------
    numpy.ndarray
        :math:`g(t)` [nats], of the broadcast shape.

    Raises
    ------
    ValueError
        For NaN, inf, non-positive variances or a negative budget.
    """
    s, n = _variances(s, n)
    t = finite_array(t, "t")
    if np.any(t < 0):
        raise ValueError("budgets t must be non-negative")
    R2 = s + n
    tt = np.minimum(t, s)
    value = np.log(R2 / (np.sqrt(n * (R2 - tt)) + np.sqrt(s * tt)))
    return np.where(t >= s, 0.0, value)


def scalar_optimum_slope(s, n, t):
    r"""Derivative :math:`g'(t)` of :func:`scalar_optimum_mi` for :math:`0 < t < s`.

    .. math::
        g'(t) = -\frac{\sqrt{s}/(2\sqrt t) - \sqrt{n}/(2\sqrt{s + n - t})}{\sqrt{n (s + n - t)} + \sqrt{s t}} .

    Parameters
    ----------
    s, n : float or array_like
        Signal and noise variance, positive.
    t : float or array_like
        Budgets in the open interval :math:`(0, s)`.

    Returns
    -------
    numpy.ndarray
        :math:`g'(t)` [nats per unit budget], negative.

    Raises
    ------
    ValueError
        For NaN, inf, non-positive variances or a budget outside :math:`(0, s)`.
    """
    s, n = _variances(s, n)
    t = finite_array(t, "t")
    if np.any(t <= 0) or np.any(t >= s):
        raise ValueError("the slope formula needs 0 < t < s")
    R2 = s + n
    num = np.sqrt(s) / (2 * np.sqrt(t)) - np.sqrt(n) / (2 * np.sqrt(R2 - t))
    return -num / (np.sqrt(n * (R2 - t)) + np.sqrt(s * t))


def clean_mi(s, n):
    r"""Clean information :math:`c = \tfrac12\log(1 + s/n)` of a coordinate [nats].

    Parameters
    ----------
    s, n : float or array_like
        Signal and noise variance, positive.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        For NaN, inf or non-positive variances.
    """
    s, n = _variances(s, n)
    return 0.5 * np.log1p(s / n)


def removable_mi(s, n, t):
    r"""Information the optimal attack with budget :math:`t` removes: :math:`v(t) = c - g(t)` [nats].

    Parameters
    ----------
    s, n, t
        As in :func:`scalar_optimum_mi`.

    Returns
    -------
    numpy.ndarray
    """
    return clean_mi(s, n) - scalar_optimum_mi(s, n, t)


def program4_numeric(a2: float, sigma2: float, D: float, starts: int = 12) -> float:
    r"""Program (4) of the paper solved numerically: the least :math:`I(U;Y)` of a scalar attack.

    Minimises :math:`\rho^2 = (a^2 + x)^2 / (a^2 (a^2 + \sigma^2 + D + 2x + 2y))`
    over the ellipse :math:`x^2/a^2 + y^2/\sigma^2 \le D`, in polar coordinates
    :math:`(r, \theta)`, by L-BFGS-B from ``starts`` equally spaced angles, and
    returns :math:`-\tfrac12\log(1 - \rho^2)`.

    Parameters
    ----------
    a2, sigma2 : float
        Signal and noise variance, positive.
    D : float
        Energy budget, non-negative.
    starts : int, default 12
        Number of starting angles, at least 1.

    Returns
    -------
    float
        The minimum [nats] (local search: accurate to about 1e-11 nats on the
        notebook's random instances, not certified).

    Raises
    ------
    ValueError
        For NaN, inf, non-positive variances, a negative budget or ``starts < 1``.
    """
    from scipy.optimize import minimize

    a2, sigma2 = positive(a2, "a2"), positive(sigma2, "sigma2")
    D = nonnegative(D, "D")
    starts = integer(starts, "starts", minimum=1)

    def rho2(z):
        r, th = z
        x, y = np.sqrt(a2 * D) * r * np.cos(th), np.sqrt(sigma2 * D) * r * np.sin(th)
        return (a2 + x) ** 2 / (a2 * (a2 + sigma2 + D + 2 * x + 2 * y))

    best = np.inf
    for th0 in np.linspace(-np.pi, np.pi, starts, endpoint=False):
        res = minimize(rho2, [0.9, th0], method="L-BFGS-B", bounds=[(0.0, 1.0), (-2 * np.pi, 2 * np.pi)],
                       options=dict(ftol=1e-15, gtol=1e-12))
        best = min(best, res.fun)
    return float(-0.5 * np.log1p(-best))


def _best_split(s, n, D, starts, rng):
    # min over the simplex {d >= 0, sum d <= D} of sum_i g(s_i, n_i, d_i), multistart SLSQP
    from scipy.optimize import minimize

    k = s.size
    objective = lambda d: float(np.sum(scalar_optimum_mi(s, n, np.clip(d, 0.0, None))))  # noqa: E731
    if k == 1:
        return objective(np.array([D])), np.array([D])
    budget = [{"type": "ineq", "fun": lambda d: D - d.sum()}]
    inits = [np.full(k, D / k)] + [D * rng.dirichlet(np.ones(k)) for _ in range(starts - 1)]
    best_val, best_d = np.inf, None
    for x0 in inits:
        res = minimize(objective, x0, method="SLSQP", bounds=[(0.0, D)] * k, constraints=budget,
                       options=dict(ftol=1e-14, maxiter=500))
        d = np.clip(res.x, 0.0, None)
        if d.sum() > D:
            d *= D / d.sum()  # project back onto the budget
        if objective(d) < best_val:
            best_val, best_d = objective(d), d
    return best_val, best_d


def brute_force_subset(s, n, k: int, D: float, *, starts: int, rng):
    r"""Minimum :math:`I(U;Y)` over every attacked set of size :math:`k` by exhaustive search.

    For each :math:`T \subset \{0, \dots, m-1\}` with :math:`|T| = k`, minimises
    :math:`\sum_{i \in T} g_i(D_i)` over the simplex
    :math:`\{D_i \ge 0, \sum D_i \le D\}` with SLSQP (numerical gradients) from an
    equal split and ``starts - 1`` random Dirichlet starts, adds the clean
    information :math:`\sum_{i \notin T} c_i`, and keeps the best set. The
    simplex allows :math:`D_i = 0`, so this searches "at most :math:`k`" coordinates.

    Parameters
    ----------
    s, n : array_like, 1-D
        Signal and noise variances of the :math:`m` coordinates, positive.
    k : int
        Number of attacked coordinates, :math:`1 \le k \le m`.
    D : float
        Total budget, positive.
    starts : int
        Starts per subset, at least 1.
    rng : numpy.random.Generator
        Source of the random starts (drawn in a fixed order, so a seeded
        generator gives reproducible results).

    Returns
    -------
    (float, tuple of int, numpy.ndarray)
        The minimum [nats], the best set (sorted indices) and its budget split.

    Raises
    ------
    ValueError
        For NaN, inf, wrong shapes, non-positive variances or budget, or ``k`` out of range.
    """
    s = finite_array(s, "s", ndim=1)
    n = finite_array(n, "n", ndim=1)
    if s.shape != n.shape or s.size == 0:
        raise ValueError(f"s and n must be non-empty and of one shape; got {s.shape} and {n.shape}")
    _variances(s, n)
    k = integer(k, "k", minimum=1)
    if k > s.size:
        raise ValueError(f"k must be at most m = {s.size}; got {k}")
    D = positive(D, "D")
    starts = integer(starts, "starts", minimum=1)
    rng = rng_from(rng)
    c = clean_mi(s, n)
    best = (np.inf, None, None)
    for T in itertools.combinations(range(s.size), k):
        idx = list(T)
        val, d = _best_split(s[idx], n[idx], D, starts, rng)
        val += c.sum() - c[idx].sum()
        if val < best[0]:
            best = (val, T, d)
    return best
