r"""Feature compression on n redundant copies: trained linear classifiers under exact attacks (extension B6).

Model: a label :math:`U \in \{-1, +1\}` (equiprobable) and n features
:math:`X_i = U + W_i`, :math:`W_i \sim N(0, \sigma^2)` i.i.d. A linear classifier
:math:`\operatorname{sign}(w\cdot x + b)` is broken by the exact attacks of
notebook 08 (Feature compression):

* per sample, :math:`\lVert E\rVert_2 \le \varepsilon`: a correctly classified point
  survives iff its margin :math:`u(w\cdot x + b)/\lVert w\rVert` exceeds
  :math:`\varepsilon` (:func:`mi_lib.classifier_attacks.accuracy_under_radius`);
  under :math:`\lVert E\rVert_\infty \le \varepsilon` the margin is
  :math:`u(w\cdot x + b)/\lVert w\rVert_1`;
* on average, :math:`\mathbb E\lVert E\rVert^2 \le D`: flip the cheapest points first
  (:func:`mi_lib.classifier_attacks.accuracy_under_budget`, :func:`budget_to_break`).

For the population, the :math:`\ell_2` margin of a point with label u is
:math:`N((S + ub)/\lVert w\rVert, \sigma^2)`, :math:`S = \sum_i w_i`
(:func:`population_radius_accuracy`, :func:`population_budget_accuracy`). Any
classifier on k features is bounded through Fano's inequality by the
information left by the transplanted noiseless attack (:func:`transplanted_mi`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _validation as v

__all__ = [
    "CompressionRun",
    "breaking_radii",
    "budget_to_break",
    "compression_experiment",
    "copies_data",
    "linear_margins",
    "noiseless_pm1_attack",
    "population_budget_accuracy",
    "population_radius_accuracy",
    "sample_transplanted",
    "transplanted_mi",
    "truncated_second_moment",
]

DEFAULT_C_GRID = np.geomspace(1e-3, 1e-1, 41)


def copies_data(size: int, n: int, sigma: float, rng: Any = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Draw ``size`` labels :math:`U = \pm1` and their n noisy copies :math:`X_i = U + \sigma Z_i`.

    Parameters
    ----------
    size, n : int
        Number of points and of features (>= 1).
    sigma : float
        Noise standard deviation per feature (> 0).
    rng : None, int, SeedSequence or Generator
        The labels are drawn first, then the noise.

    Returns
    -------
    (ndarray, ndarray)
        ``X`` of shape (size, n) and ``u`` of shape (size,).
    """
    size, n = v.integer(size, "size", minimum=1), v.integer(n, "n", minimum=1)
    sigma, gen = v.positive(sigma, "sigma"), v.rng_from(rng)
    u = gen.choice(np.array([-1, 1]), size=size)
    return u[:, None] + sigma * gen.standard_normal((size, n)), u


def _wb(w: Any, b: Any) -> tuple[np.ndarray, float]:
    return v.nonzero_vector(w, "w"), v.finite_scalar(b, "b")


def linear_margins(w: Any, b: float, X: Any, u: Any, *, norm: str = "l2") -> np.ndarray:
    r"""Signed margins :math:`u\,(w\cdot x + b)/\lVert w\rVert_*` of a linear classifier.

    A point is classified correctly iff its margin is positive, and the
    smallest perturbation that flips it has norm equal to the margin: dual norm
    :math:`\lVert w\rVert_2` for an :math:`\ell_2` budget, :math:`\lVert w\rVert_1` for an
    :math:`\ell_\infty` budget (Hölder, equality for :math:`E \propto -u\,\mathrm{sign}(w)`).

    Parameters
    ----------
    w : array_like, shape (d,)
        Non-zero weights.
    b : float
        Intercept.
    X : array_like, shape (N, d)
        Points.
    u : array_like, shape (N,)
        Labels in {-1, +1}.
    norm : {"l2", "linf"}, default "l2"
        The attacker's norm.

    Returns
    -------
    ndarray, shape (N,)
    """
    w, b = _wb(w, b)
    X = v.finite_array(X, "X", ndim=2)
    u = v.finite_array(u, "u", ndim=1)
    if X.shape[1] != w.size or u.size != X.shape[0]:
        raise ValueError(f"need X of shape (N, {w.size}) and u of shape (N,); got {X.shape} and {u.shape}")
    if not np.all(np.abs(u) == 1):
        raise ValueError("labels must be -1 or +1")
    if norm not in ("l2", "linf"):
        raise ValueError(f"norm must be 'l2' or 'linf'; got {norm!r}")
    scale = np.linalg.norm(w) if norm == "l2" else np.abs(w).sum()
    return u * (X @ w + b) / scale


def budget_to_break(margins: Any) -> float:
    r"""The smallest average budget :math:`\mathbb E\lVert E\rVert^2` that leaves fewer than half the points correct.

    The attacker flips the correctly classified points with the smallest squared
    margins first; the budget is the mean cost of flipping the j cheapest, j the
    fewest that leave fewer than half of all points correct.

    Parameters
    ----------
    margins : array_like, shape (N,)
        Signed :math:`\ell_2` margins (positive = correct); more than half positive.

    Returns
    -------
    float
    """
    m = v.finite_array(margins, "margins", ndim=1)
    if m.size == 0:
        raise ValueError("margins must not be empty")
    costs = np.sort(m[m > 0] ** 2)
    j = math.floor(costs.size - m.size / 2) + 1
    if j < 1:
        return 0.0
    return float((np.cumsum(costs) / m.size)[j - 1])


def truncated_second_moment(mu: float, tau: Any, sigma: float = 1.0) -> np.ndarray:
    r""":math:`\mathbb E[M^2\,\mathbf 1\{0 < M \le \tau\}]` for :math:`M \sim N(\mu, \sigma^2)`, in closed form.

    Parameters
    ----------
    mu : float
        Mean.
    tau : float or array_like
        Upper limits (>= 0).
    sigma : float, default 1
        Standard deviation (> 0).

    Returns
    -------
    ndarray
        Same shape as ``tau``.
    """
    from scipy.stats import norm

    mu, sigma = v.finite_scalar(mu, "mu"), v.positive(sigma, "sigma")
    tau = v.finite_array(tau, "tau")
    if np.any(tau < 0):
        raise ValueError("tau must be non-negative")
    z0, z1 = (0.0 - mu) / sigma, (tau - mu) / sigma
    mass = norm.cdf(z1) - norm.cdf(z0)
    return (mu**2 * mass + 2 * mu * sigma * (norm.pdf(z0) - norm.pdf(z1))
            + sigma**2 * (mass + z0 * norm.pdf(z0) - z1 * norm.pdf(z1)))


def population_radius_accuracy(eff: float, b: float, eps: Any, sigma: float = 1.0) -> np.ndarray:
    r"""Population accuracy under the per-sample :math:`\ell_2` attack of radius ``eps``.

    :math:`\tfrac12\sum_u \Phi\bigl((\mathrm{eff} + u b - \varepsilon)/\sigma\bigr)` with
    ``eff`` :math:`= S/\lVert w\rVert` and ``b`` the intercept over :math:`\lVert w\rVert`.

    Parameters
    ----------
    eff, b : float
        Normalised weight sum and intercept.
    eps : float or array_like
        Radii.
    sigma : float, default 1
        Noise standard deviation per feature.

    Returns
    -------
    ndarray
    """
    from scipy.stats import norm

    eff, b, sigma = v.finite_scalar(eff, "eff"), v.finite_scalar(b, "b"), v.positive(sigma, "sigma")
    eps = v.finite_array(eps, "eps")
    return 0.5 * (norm.cdf((eff + b - eps) / sigma) + norm.cdf((eff - b - eps) / sigma))


def population_budget_accuracy(eff: float, b: float, budgets: Any, sigma: float = 1.0, *,
                               tau_max: float = 20.0, points: int = 4001) -> tuple[np.ndarray, float]:
    r"""Population accuracy under the flip-cheapest attack with average budget ``budgets``.

    Flipping every correct point with margin up to :math:`\tau` costs
    :math:`\sum_u \tfrac12\,\mathbb E[M_u^2\mathbf 1\{0 < M_u \le \tau\}]` and leaves
    :math:`\sum_u \tfrac12 P(M_u > \tau)` correct, :math:`M_u \sim N(\mathrm{eff} + ub, \sigma^2)`;
    both are tabulated on ``points`` values of :math:`\tau \in [0, \tau_{\max}]` and interpolated.

    Parameters
    ----------
    eff, b, sigma
        As in :func:`population_radius_accuracy`.
    budgets : array_like
        Average budgets D (>= 0).
    tau_max : float, default 20
    points : int, default 4001

    Returns
    -------
    (ndarray, float)
        The accuracy at every budget, and the budget at which it reaches 50 %.
    """
    from scipy.stats import norm

    D = v.finite_array(budgets, "budgets")
    if np.any(D < 0):
        raise ValueError("budgets must be non-negative")
    tau = np.linspace(0.0, v.positive(tau_max, "tau_max"), v.integer(points, "points", minimum=2))
    mus = (eff + b, eff - b)
    cost = sum(0.5 * truncated_second_moment(mu, tau, sigma) for mu in mus)
    acc = sum(0.5 * norm.sf((tau - mu) / sigma) for mu in mus)
    return np.interp(D, cost, acc), float(np.interp(0.5, acc[::-1], cost[::-1]))


def noiseless_pm1_attack(t: float, *, outputs: int = 801):
    r"""The certified informed attack on a noiseless :math:`\pm1` label, outputs on a grid of [-1, 1].

    Parameters
    ----------
    t : float
        Budget :math:`\mathbb E E^2 \le t` (> 0).
    outputs : int, default 801
        Output grid size.

    Returns
    -------
    (ndarray, DiscreteAttack)
        The output grid and :func:`mi_lib.discrete_attack`'s result for
        :math:`p(U = \pm1) = \tfrac12`.
    """
    from .discrete import discrete_attack

    t, outputs = v.positive(t, "t"), v.integer(outputs, "outputs", minimum=2)
    y = np.linspace(-1.0, 1.0, outputs)
    cost = (y[None, :] - np.array([-1.0, 1.0])[:, None]) ** 2
    return y, discrete_attack(np.array([[0.5, 0.0], [0.0, 0.5]]), cost, t)


def transplanted_mi(k: int, D: float, sigma: float = 1.0, *, outputs: int = 801) -> float:
    r""":math:`I(U; Y' + \bar W)` for the noiseless optimum transplanted to k copies.

    :math:`Y'` is the output of the optimal noiseless channel at per-copy budget
    :math:`t = D/k` (:func:`noiseless_pm1_attack`), the perturbation :math:`Y' - U`
    is added to each of the k features, and the statistic is :math:`Y' + \bar W`,
    :math:`\bar W \sim N(0, \sigma^2/k)`. By the Markov chain :math:`U \to Y' \to Y' + \bar W`
    the information is :math:`I(Y'; Y' + \bar W) - I(Y'; Y' + \bar W \mid U)`, exact by
    quadrature. At :math:`D \ge k` the attack :math:`-U\mathbf 1` erases U (0 is returned).

    Parameters
    ----------
    k : int
        Features used (>= 1).
    D : float
        Average total budget (>= 0; 0 gives the clean information).
    sigma : float, default 1
    outputs : int, default 801

    Returns
    -------
    float
        An upper bound on the optimum :math:`I^*_k(D)`, in nats.
    """
    from .measures import discrete_gaussian_mi

    k, D, sigma = v.integer(k, "k", minimum=1), v.nonnegative(D, "D"), v.positive(sigma, "sigma")
    s2 = sigma**2 / k
    if D == 0.0:
        return discrete_gaussian_mi([-1.0, 1.0], None, s2)
    t = D / k
    if t >= 1.0:
        return 0.0
    y, res = noiseless_pm1_attack(t, outputs=outputs)
    if res.gap > 1e-8:
        raise RuntimeError(f"the noiseless solver's certified gap {res.gap:.2g} exceeds 1e-8")
    q = np.array([res.channel[0, 0], res.channel[1, 1]])  # law of Y' given U = -1, +1
    keep = q.max(axis=0) > 1e-14
    atoms, q = y[keep], q[:, keep]
    q = q / q.sum(axis=1, keepdims=True)
    return (discrete_gaussian_mi(atoms, 0.5 * (q[0] + q[1]), s2)
            - 0.5 * (discrete_gaussian_mi(atoms, q[0], s2) + discrete_gaussian_mi(atoms, q[1], s2)))


def sample_transplanted(k: int, D: float, sigma: float, size: int, rng: Any = None):
    r"""Samples of the transplanted attack of :func:`transplanted_mi`.

    Parameters
    ----------
    k, D, sigma
        As in :func:`transplanted_mi` (``0 < D < k``).
    size : int
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Label indices (0 for -1, 1 for +1), :math:`Y'` and the statistic :math:`Y' + \bar W`.
    """
    k, D, sigma = v.integer(k, "k", minimum=1), v.positive(D, "D"), v.positive(sigma, "sigma")
    if D >= k:
        raise ValueError("need D < k (at D >= k the attack is deterministic: -U on every feature)")
    size, gen = v.integer(size, "size", minimum=1), v.rng_from(rng)
    y, res = noiseless_pm1_attack(D / k)
    u_idx = gen.integers(0, 2, size=size)
    cum = np.cumsum(np.array([res.channel[0, 0], res.channel[1, 1]]), axis=1)
    y_prime = y[np.minimum((gen.random(size)[:, None] > cum[u_idx]).sum(axis=1), y.size - 1)]
    return u_idx, y_prime, y_prime + gen.normal(0.0, sigma / math.sqrt(k), size=size)


def breaking_radii(w: Any, b: float, X: Any, u: Any) -> dict:
    r"""What breaks a linear classifier: radii, budget and shape of its weights.

    Parameters
    ----------
    w, b, X, u
        As in :func:`linear_margins`.

    Returns
    -------
    dict
        ``k`` features used (:math:`|w_i| > 10^{-6}`), clean accuracy ``acc``,
        ``margins`` (:math:`\ell_2`), the median :math:`\ell_2` and :math:`\ell_\infty`
        margins ``r2`` and ``rinf`` (the radii at which accuracy drops below 50 %),
        the average budget ``D`` that does so (:func:`budget_to_break`), ``eff``
        :math:`= S/\lVert w\rVert`, ``b`` :math:`= b/\lVert w\rVert`, and ``cos``, the cosine
        between w and the matched filter :math:`\mathbf 1`.
    """
    w, b = _wb(w, b)
    m2 = linear_margins(w, b, X, u)
    minf = linear_margins(w, b, X, u, norm="linf")
    half = m2.size // 2
    norm_w = np.linalg.norm(w)
    return dict(k=int(np.sum(np.abs(w) > 1e-6)), acc=float(np.mean(m2 > 0)), margins=m2,
                r2=float(np.sort(m2)[half]), rinf=float(np.sort(minf)[half]), D=budget_to_break(m2),
                eff=float(w.sum() / norm_w), b=float(b / norm_w), cos=float(w.sum() / (norm_w * math.sqrt(w.size))))


@dataclass(frozen=True)
class CompressionRun:
    """One run of the feature-compression experiment.

    Attributes
    ----------
    sparse, dense : sklearn.linear_model.LogisticRegression
        The l1 model (strongest regularisation on the grid with validation
        accuracy >= the threshold) and the l2 model (C = 1).
    c_index : int
        Index of the sparse model's C on the grid.
    X_test, u_test : ndarray
        The test set.
    radii : dict
        :func:`breaking_radii` of both models on the test set, keys
        ``"l1 (sparse)"`` and ``"l2 (dense)"``.
    """

    sparse: Any
    dense: Any
    c_index: int
    X_test: np.ndarray
    u_test: np.ndarray
    radii: dict


def compression_experiment(rng: Any = None, *, n: int = 50, sigma: float = 1.0, n_train: int = 1000,
                           n_val: int = 5000, n_test: int = 20000, c_grid: Any = None,
                           min_accuracy: float = 0.98) -> CompressionRun:
    r"""Train a sparse (:math:`\ell_1`) and a dense (:math:`\ell_2`) logistic regression on n redundant copies.

    Draws training, validation and test sets with :func:`copies_data` (in that
    order), takes for the sparse model the smallest C of ``c_grid`` (default 41
    values from 1e-3 to 1e-1) whose model uses a feature and reaches
    ``min_accuracy`` on the validation set (the last C if none does), and fits
    the dense model with C = 1.

    Parameters
    ----------
    rng : None, int, SeedSequence or Generator
    n, sigma, n_train, n_val, n_test, c_grid, min_accuracy
        Sizes and the rule for the sparse model.

    Returns
    -------
    CompressionRun
    """
    from sklearn.linear_model import LogisticRegression

    gen = v.rng_from(rng)
    grid = DEFAULT_C_GRID if c_grid is None else v.finite_array(c_grid, "c_grid", ndim=1)
    if grid.size == 0 or np.any(grid <= 0):
        raise ValueError("c_grid must hold positive values")
    min_accuracy = v.finite_scalar(min_accuracy, "min_accuracy")
    X1, u1 = copies_data(n_train, n, sigma, gen)
    X2, u2 = copies_data(n_val, n, sigma, gen)
    X3, u3 = copies_data(n_test, n, sigma, gen)
    for i, C in enumerate(grid):
        sparse = LogisticRegression(l1_ratio=1.0, C=C, solver="liblinear", max_iter=10_000, random_state=0)
        sparse.fit(X1, u1)
        if np.any(sparse.coef_ != 0) and sparse.score(X2, u2) >= min_accuracy:
            break
    dense = LogisticRegression(l1_ratio=0.0, C=1.0, solver="lbfgs", max_iter=10_000).fit(X1, u1)
    radii = {name: breaking_radii(m.coef_.ravel(), m.intercept_[0], X3, u3)
             for name, m in (("l1 (sparse)", sparse), ("l2 (dense)", dense))}
    return CompressionRun(sparse=sparse, dense=dense, c_index=i, X_test=X3, u_test=u3, radii=radii)
