r"""Redundant noisy copies of a Gaussian source: exact attacks (extension B5).

Model: :math:`U \sim N(0, a^2)` and :math:`n` copies :math:`X_i = U + W_i` with
:math:`W_i \sim N(0, \sigma^2)` i.i.d. and independent of U; the system sees
:math:`Y = X + E \in \mathbb R^n`.

Reduction to one copy
---------------------
The mean :math:`\bar X = U + \bar W`, :math:`\bar W \sim N(0, \sigma^2/n)`, is a
sufficient statistic of X for U, and for any perturbation

* :math:`I(U; Y) \ge I(U; \bar Y)` (data processing, :math:`\bar Y` is a
  function of Y), where :math:`\bar Y = \bar X + \bar E`;
* :math:`n \bar E^2 \le \lVert E \rVert^2` and :math:`\bar E^2 \le \max_i E_i^2 \le
  \tfrac1n\sum_i E_i^2` (Cauchy–Schwarz), so a total budget
  :math:`\mathbb E\lVert E\rVert^2 \le D` gives :math:`\mathbb E \bar E^2 \le D/n` and
  a per-copy budget :math:`\mathbb E E_i^2 \le D` gives :math:`\mathbb E \bar E^2 \le D`.

Hence the minimum over n copies is at least the scalar optimum for noise
:math:`\sigma^2/n` and budget :math:`D/n` (total) or :math:`D` (per copy). The
bound is attained by adding the same scalar attack :math:`\bar E` to every
copy: :math:`\bar E` depends on :math:`(U, \bar W)` only, so the components of Y
orthogonal to the all-ones vector are the :math:`W_i - \bar W`, independent of
:math:`(U, \bar Y)`, and :math:`I(U; Y) = I(U; \bar Y)`. The same argument with
the Gaussian worst-noise bound gives the blind attacker
:math:`\tfrac12\log(1 + n a^2/(\sigma^2 + D))` (total budget, noise fully
correlated across copies) and :math:`\tfrac12\log(1 + n a^2/(\sigma^2 + nD))`
(per-copy budget).

Consequences (proved in notebook 07, Redundancy, and checked in the tests): under a total
budget the informed attacker needs :math:`D = n a^2` to erase U and a budget
growing like n to push the MI below any fixed level; under a per-copy budget
:math:`D \ge a^2` erases U for every n, so redundancy protects only up to a
bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from typing import Any

import numpy as np

from mi_lib import _validation as v
from mi_lib._validation import integer, nonnegative, positive
from mi_lib.gaussian import GaussianAttack, _half_log1p_ratio, gaussian_attack, gaussian_attack_budget

__all__ = [
    "CopiesAttack",
    "binary_copies_problem",
    "copies_attack",
    "copies_attack_budget",
    "copies_linear_energies",
    "copies_linear_mi",
    "discrete_level_budget",
    "optimise_copies_linear_attack",
    "random_copies_linear_attacks",
    "sample_discrete_channel",
    "uniform_copies_attack",
]

_BUDGETS = ("total", "per-copy")


@dataclass(frozen=True, slots=True)
class CopiesAttack:
    r"""Optimal attack on n noisy copies of a Gaussian source.

    Attributes
    ----------
    n : int
        Number of copies.
    budget : {"total", "per-copy"}
        Which constraint ``D`` bounds: :math:`\mathbb E\lVert E\rVert^2 \le D` or
        :math:`\mathbb E E_i^2 \le D` for every copy.
    D : float
        The budget.
    informed : bool
        Whether the attacker sees (U, X) (the paper's model) or must add
        noise independent of them (blind).
    mi : float
        Minimum :math:`I(U; Y)` in nats.
    clean_mi : float
        :math:`I(U; X) = \tfrac12\log(1 + n a^2/\sigma^2)` before the attack.
    scalar : GaussianAttack or None
        The equivalent one-copy problem on the sufficient statistic (noise
        :math:`\sigma^2/n`, budget :math:`D/n` or :math:`D`) whose optimal
        perturbation is added to every copy (informed attacker only).
    """

    n: int
    budget: str
    D: float
    informed: bool
    mi: float
    clean_mi: float
    scalar: GaussianAttack | None


def _check(a2, sigma2, n, budget) -> tuple[float, float, int]:
    a2 = positive(a2, "a2")
    sigma2 = nonnegative(sigma2, "sigma2")
    n = integer(n, "n", minimum=1)
    if not isinstance(budget, str) or budget not in _BUDGETS:
        raise ValueError(f"budget must be 'total' or 'per-copy'; got {budget!r}")
    return a2, sigma2, n


def copies_attack(
    a2: float, sigma2: float, n: int, D: float, *, budget: str = "total", informed: bool = True
) -> CopiesAttack:
    r"""Minimum :math:`I(U; X + E)` for n noisy copies :math:`X_i = U + W_i`.

    Parameters
    ----------
    a2 : float
        Signal variance :math:`a^2 > 0`.
    sigma2 : float
        Per-copy noise variance :math:`\sigma^2 \ge 0`.
    n : int
        Number of copies, ``>= 1``.
    D : float
        Budget, ``>= 0``.
    budget : {"total", "per-copy"}, default "total"
        :math:`\mathbb E\lVert E\rVert^2 \le D` or :math:`\mathbb E E_i^2 \le D`.
    informed : bool, default True
        The paper's attacker (sees U and X) or the blind one (E independent
        of U and X).

    Returns
    -------
    CopiesAttack

    Notes
    -----
    Informed: ``gaussian_attack(a2, sigma2 / n, D / n)`` (total) or
    ``gaussian_attack(a2, sigma2 / n, D)`` (per copy), see the module
    docstring for the proof. Blind: :math:`\tfrac12\log(1 + n a^2/(\sigma^2 + D))`
    (total) and :math:`\tfrac12\log(1 + n a^2/(\sigma^2 + nD))` (per copy).

    Examples
    --------
    Under a total budget, erasing U costs :math:`n a^2`:

    >>> copies_attack(1.0, 0.5, 10, 10.0).mi
    0.0
    >>> copies_attack(1.0, 0.5, 10, 9.0).mi > 0
    True
    """
    a2, sigma2, n = _check(a2, sigma2, n, budget)
    D = nonnegative(D, "D")
    noise = sigma2 / n
    # 1/2 log(1 + n a^2 / sigma^2) without forming n a^2 (which can overflow)
    clean = _half_log1p_ratio(a2, sigma2, n)
    scalar_budget = D / n if budget == "total" else D
    if informed:
        scalar = gaussian_attack(a2, noise, scalar_budget)
        mi = scalar.mi
    else:
        scalar = None
        # variance of the noise on the sufficient statistic, times n:
        # sigma^2 + D (total) or sigma^2 + n D (per copy); no division by n that could underflow
        effective_n = sigma2 + (D if budget == "total" else n * D)
        mi = _half_log1p_ratio(a2, effective_n, n)
    return CopiesAttack(n=n, budget=budget, D=D, informed=informed, mi=mi, clean_mi=clean, scalar=scalar)


def copies_attack_budget(
    a2: float, sigma2: float, n: int, mi: float, *, budget: str = "total", informed: bool = True
) -> float:
    r"""Least budget that brings :math:`I(U; Y)` for n copies down to ``mi``.

    Parameters
    ----------
    a2, sigma2, n, budget, informed
        As in :func:`copies_attack`.
    mi : float
        Target mutual information in nats, ``>= 0``.

    Returns
    -------
    float
        The smallest ``D`` with ``copies_attack(a2, sigma2, n, D, ...).mi <= mi``;
        ``inf`` when no budget reaches the target (the blind attacker and
        ``mi == 0``).

    Notes
    -----
    Informed: n (total) or 1 (per copy) times
    ``gaussian_attack_budget(a2, sigma2 / n, mi)``. Blind: solve
    :math:`\tfrac12\log(1 + a^2/v) = I` for the noise variance
    :math:`v = a^2/(e^{2I} - 1)` on the sufficient statistic, then
    :math:`D = n v - \sigma^2` (total) or :math:`D = v - \sigma^2/n` (per copy),
    clipped at 0.
    """
    a2, sigma2, n = _check(a2, sigma2, n, budget)
    target = nonnegative(mi, "mi")
    scale = n if budget == "total" else 1
    if informed:
        return scale * gaussian_attack_budget(a2, sigma2 / n, target)
    if target == 0.0:
        return math.inf
    # v = a^2 / (e^{2I} - 1) = a^2 e^{-2I} / (1 - e^{-2I}): no overflow for large I
    v = a2 * math.exp(-2.0 * target) / -math.expm1(-2.0 * target)
    return max(scale * v - (sigma2 if budget == "total" else sigma2 / n), 0.0)


# --------------------------------------------------------------------------- linear attacks in n dimensions
def _linear(a2, sigma2, A, B) -> tuple[float, float, np.ndarray, np.ndarray]:
    a2, sigma2 = positive(a2, "a2"), nonnegative(sigma2, "sigma2")
    A = v.finite_array(A, "A", ndim=2)
    n = A.shape[0]
    if A.shape != (n, n + 1):
        raise ValueError(f"A must have shape (n, n + 1); got {A.shape}")
    B = v.finite_array(B, "B", ndim=2)
    if B.shape[0] != n:
        raise ValueError(f"B must have n = {n} rows; got {B.shape}")
    return a2, sigma2, A, B


def _linear_cov(a2: float, sigma2: float, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    n = A.shape[0]
    cov_s = np.diag(np.r_[a2, np.full(n, sigma2)])
    M = np.hstack([np.ones((n, 1)), np.eye(n)]) + A
    cov_y = M @ cov_s @ M.T + B @ B.T
    cov_uy = a2 * M[:, 0]
    return np.block([[np.array([[a2]]), cov_uy[None, :]], [cov_uy[:, None], cov_y]])


def _linear_energies(a2: float, sigma2: float, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    cov_s = np.diag(np.r_[a2, np.full(A.shape[0], sigma2)])
    return np.diag(A @ cov_s @ A.T) + np.sum(B**2, axis=1)


def copies_linear_mi(a2: float, sigma2: float, A: Any, B: Any) -> float:
    r"""Exact :math:`I(U; Y)` of the linear attack :math:`E = A S + B Z` on n copies.

    With :math:`S = (U, W_1, \dots, W_n)` and fresh :math:`Z \sim N(0, I)`, the pair
    :math:`(U, Y)`, :math:`Y = U\mathbf 1 + W + E`, is jointly Gaussian and its MI
    follows from the :math:`(n+1)\times(n+1)` covariance with :func:`mi_lib.gaussian_mi`.

    Parameters
    ----------
    a2, sigma2 : float
        Signal variance (> 0) and per-copy noise variance (>= 0).
    A : array_like, shape (n, n + 1)
        Weights of the perturbation on :math:`(U, W_1, \dots, W_n)`.
    B : array_like, shape (n, m)
        Weights on m fresh standard Gaussian noises.

    Returns
    -------
    float
        :math:`I(U; Y)` in nats.
    """
    from mi_lib.measures import gaussian_mi

    a2, sigma2, A, B = _linear(a2, sigma2, A, B)
    return gaussian_mi(_linear_cov(a2, sigma2, A, B), [0])


def copies_linear_energies(a2: float, sigma2: float, A: Any, B: Any) -> np.ndarray:
    r"""The energy :math:`\mathbb E E_i^2` that the linear attack spends on every copy.

    Parameters
    ----------
    a2, sigma2, A, B
        As in :func:`copies_linear_mi`.

    Returns
    -------
    ndarray, shape (n,)
        Their sum is the total budget spent, their maximum the per-copy one.
    """
    a2, sigma2, A, B = _linear(a2, sigma2, A, B)
    return _linear_energies(a2, sigma2, A, B)


def uniform_copies_attack(n: int, scalar: GaussianAttack) -> tuple[np.ndarray, np.ndarray]:
    r"""The theorem's attack as matrices: the same scalar perturbation on every copy.

    Row i of ``A`` is :math:`(\alpha, \beta/n, \dots, \beta/n)` and ``B`` is the column
    :math:`\gamma\mathbf 1`, i.e. :math:`E_i = \alpha U + \beta\bar W + \gamma Z` for
    every i, where :math:`(\alpha, \beta, \gamma)` is the scalar optimum on the
    sufficient statistic (``copies_attack(...).scalar``).

    Parameters
    ----------
    n : int
        Number of copies (>= 1).
    scalar : GaussianAttack
        The one-copy attack to replicate.

    Returns
    -------
    (ndarray, ndarray)
        ``A`` of shape (n, n + 1) and ``B`` of shape (n, 1).
    """
    n = integer(n, "n", minimum=1)
    if not isinstance(scalar, GaussianAttack):
        raise TypeError(f"scalar must be a GaussianAttack; got {type(scalar).__name__}")
    A = np.zeros((n, n + 1))
    A[:, 0], A[:, 1:] = scalar.alpha, scalar.beta / n
    return A, np.full((n, 1), scalar.gamma)


def _budget_kind(budget: str) -> str:
    if not isinstance(budget, str) or budget not in _BUDGETS:
        raise ValueError(f"budget must be 'total' or 'per-copy'; got {budget!r}")
    return budget


def random_copies_linear_attacks(
    a2: float, sigma2: float, n: int, D: float, *, budget: str = "total", count: int = 1000,
    informed: bool = True, rng: Any = None,
) -> float:
    r"""The smallest :math:`I(U; Y)` among random linear attacks within the budget.

    Informed: ``A`` and ``B`` (n x n) with Gaussian entries and random overall
    scales, rescaled to a random fraction (0.2 to 1) of the budget. Blind:
    ``A = 0`` and a Gaussian ``B`` rescaled onto the budget boundary. A check of
    optimality, not an optimiser: random attacks rarely coordinate.

    Parameters
    ----------
    a2, sigma2, n, D, budget, informed
        As in :func:`copies_attack` (``D > 0``).
    count : int, default 1000
        Number of random attacks.
    rng : None, int, SeedSequence or Generator
        Source of randomness.

    Returns
    -------
    float
        The smallest MI found, in nats.
    """
    a2, sigma2, n = _check(a2, sigma2, n, budget)
    D, count, gen = positive(D, "D"), integer(count, "count", minimum=1), v.rng_from(rng)
    zero_a = np.zeros((n, n + 1))
    found = np.inf
    for _ in range(count):
        if informed:
            A = gen.normal(size=(n, n + 1)) * gen.uniform(0.01, 1.0)
            B = gen.normal(size=(n, n)) * gen.uniform(0.0, 0.5)
            e = _linear_energies(a2, sigma2, A, B)
            scale = (D / e.sum() if budget == "total" else D / e.max()) * gen.uniform(0.2, 1.0)
            A, B = A * np.sqrt(scale), B * np.sqrt(scale)
        else:
            A, B = zero_a, gen.normal(size=(n, n))
            e = np.sum(B**2, axis=1)
            B = B * np.sqrt(D / e.sum() if budget == "total" else D / e.max())
        found = min(found, copies_linear_mi(a2, sigma2, A, B))
    return float(found)


def optimise_copies_linear_attack(
    a2: float, sigma2: float, n: int, D: float, *, budget: str = "total", starts: int = 3, rng: Any = None,
) -> tuple[float, np.ndarray]:
    r"""Minimise :math:`I(U; Y)` over noiseless linear attacks :math:`E = A S` with L-BFGS.

    ``A`` (n x (n + 1)) is free and rescaled onto the budget boundary (the whole
    matrix for the total budget, each row for the per-copy budget); the
    optimiser knows nothing about sufficient statistics. Fresh noise is left out:
    it only wastes budget when :math:`D < a^2`.

    Parameters
    ----------
    a2, sigma2, n, D, budget
        As in :func:`copies_attack` (``D > 0``).
    starts : int, default 3
        Random starting points; the best result is returned.
    rng : None, int, SeedSequence or Generator
        Source of the starting points.

    Returns
    -------
    (float, ndarray)
        The smallest MI found (nats) and the rescaled ``A`` that attains it.
    """
    from scipy import optimize

    a2, sigma2, n = _check(a2, sigma2, n, budget)
    D, starts, gen = positive(D, "D"), integer(starts, "starts", minimum=1), v.rng_from(rng)
    no_noise = np.zeros((n, 1))

    def scaled(theta):
        A = theta.reshape(n, n + 1)
        e = _linear_energies(a2, sigma2, A, no_noise)
        return A * np.sqrt(D / e.sum()) if budget == "total" else A * np.sqrt(D / e)[:, None]

    def objective(theta):
        return copies_linear_mi(a2, sigma2, scaled(theta), no_noise)

    best = None
    for _ in range(starts):
        r = optimize.minimize(objective, gen.normal(size=n * (n + 1)), method="L-BFGS-B",
                              options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000})
        if best is None or r.fun < best.fun:
            best = r
    return float(best.fun), scaled(best.x)


# --------------------------------------------------------------------------- a binary label, discretised
def binary_copies_problem(s: float, *, hx: float = 0.25, hy: float = 0.1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The discretised scalar problem of a :math:`\pm1` label seen through n copies.

    The sufficient statistic :math:`\bar X \mid U \sim N(U, s^2)`, :math:`s = \sigma/\sqrt n`,
    is quantised to :math:`x_j = j\,h_x` on :math:`[-L, L]`, :math:`L \ge 1 + 3s` (end
    cells take the tails); outputs lie on :math:`y = j\,h_y` in the same interval.

    Parameters
    ----------
    s : float
        Noise standard deviation of the statistic (> 0).
    hx, hy : float, default 0.25 and 0.1
        Input and output grid spacings.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Input grid ``x``, output grid ``y`` and the joint pmf ``p`` of
        :math:`(U, X_q)`, shape (2, x.size), rows :math:`U = -1, +1`. The cost of
        :func:`mi_lib.discrete_attack` is ``(y[None, :] - x[:, None])**2``.
    """
    from scipy.stats import norm

    s, hx, hy = positive(s, "s"), positive(hx, "hx"), positive(hy, "hy")
    half = math.ceil((1.0 + 3.0 * s) / hx)
    L = half * hx
    x = np.arange(-half, half + 1) * hx
    y = np.arange(-round(L / hy), round(L / hy) + 1) * hy
    edges = np.r_[-np.inf, 0.5 * (x[:-1] + x[1:]), np.inf]
    p = 0.5 * np.array([np.diff(norm.cdf(edges, loc=u, scale=s)) for u in (-1.0, 1.0)])
    return x, y, p / p.sum()


def discrete_level_budget(p: Any, cost: Any, target: float, t0: float, *, tol: float = 1e-6, max_iter: int = 25):
    r"""The budget at which the certified optimum :math:`I^*(t)` of ``discrete_attack`` equals ``target``.

    Newton's method on the convex decreasing :math:`t \mapsto I^*(t)` with the
    solver's multiplier as the slope :math:`-dI^*/dt`, safeguarded against
    overshooting to :math:`t \le 0` (a step never more than halves t).

    Parameters
    ----------
    p, cost
        As in :func:`mi_lib.discrete_attack`.
    target : float
        Target MI in nats (> 0, below the clean MI).
    t0 : float
        Starting budget (> 0).
    tol : float, default 1e-6
        Accepted :math:`|I^* - \text{target}|` in nats.
    max_iter : int, default 25

    Returns
    -------
    (float, DiscreteAttack)
        The budget and the solver's result there.

    Raises
    ------
    RuntimeError
        When Newton does not reach ``tol`` within ``max_iter`` steps.
    """
    from mi_lib.discrete import discrete_attack

    target, t = positive(target, "target"), positive(t0, "t0")
    tol, max_iter = positive(tol, "tol"), integer(max_iter, "max_iter", minimum=1)
    for _ in range(max_iter):
        res = discrete_attack(p, cost, t)
        if abs(res.mi - target) <= tol:
            return t, res
        t = max(t + (res.mi - target) / res.multiplier, 0.5 * t)
    raise RuntimeError("Newton did not converge")


def sample_discrete_channel(p: Any, channel: Any, size: int, rng: Any = None) -> tuple[np.ndarray, ...]:
    r"""Draw :math:`(U, X, Y)` index triples from a joint pmf and an attack channel.

    Parameters
    ----------
    p : array_like, shape (nu, nx)
        Joint pmf of (U, X).
    channel : array_like, shape (nu, nx, ny)
        :math:`p(y \mid u, x)`, e.g. ``discrete_attack(...).channel``.
    size : int
        Number of samples.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Indices ``iu``, ``ix``, ``iy`` of the samples.
    """
    p = v.pmf(p, "p", ndim=2)
    channel = v.finite_array(channel, "channel", ndim=3)
    if channel.shape[:2] != p.shape:
        raise ValueError(f"channel must have shape {p.shape} + (ny,); got {channel.shape}")
    size, gen = integer(size, "size", minimum=1), v.rng_from(rng)
    flat = gen.choice(p.size, size=size, p=p.ravel())
    iu, ix = np.divmod(flat, p.shape[1])
    cum = np.cumsum(channel, axis=2)
    iy = np.minimum((gen.random(size)[:, None] > cum[iu, ix]).sum(axis=1), channel.shape[2] - 1)
    return iu, ix, iy
