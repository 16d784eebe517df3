r"""Scalar Gaussian source with observation noise: Theorem 3.1 in closed form.

Model (paper §3.1): :math:`U \sim N(0, a^2)`, :math:`W \sim N(0, \sigma^2)`
independent, observation :math:`X = U + W`, perturbed observation
:math:`Y = X + E` with the power budget :math:`\mathbb{E}[E^2] \le D`.

Informed attacker (the paper's)
    :math:`E` may depend on :math:`(U, W)`. Theorem 3.1 reduces the problem to
    program (4) over :math:`x = \mathrm{Cov}(U, E)`, :math:`y = \mathrm{Cov}(W, E)`;
    the paper solves (4) on a grid. Here (4) is solved in closed form
    (``notes/derivations_gaussian.md``). Write :math:`R^2 = a^2 + \sigma^2`.
    For :math:`D < a^2`

    .. math::

        I^*(D) = \log\frac{R^2}{\sigma\sqrt{R^2 - D} + a\sqrt{D}},

    and :math:`I^*(D) = 0` for :math:`D \ge a^2`. The optimum uses the whole
    budget when :math:`D < a^2` and is the deterministic linear map

    .. math::

        E^* = -\frac{D}{R^2}\,X + \frac{\sqrt{D(R^2 - D)}}{R^2}\,X_\perp,
        \qquad X_\perp = \frac{a}{\sigma} W - \frac{\sigma}{a} U,

    where :math:`X_\perp` (variance :math:`R^2`) is the part of :math:`(U, W)`
    uncorrelated with :math:`X`: it is the Gaussian rate-distortion backward
    channel for :math:`X`, with the "test noise" taken from the attacker's
    private knowledge of how :math:`X` splits into signal and noise, signed so
    that it points away from :math:`U`.

Blind attacker (extension B2)
    :math:`E` independent of :math:`(U, W)`; the optimum is Gaussian noise of
    variance :math:`D` and :math:`I = \tfrac12\log(1 + a^2/(\sigma^2 + D))`.

All information values are in nats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mi_lib._validation import integer, nonnegative, positive, rng_from

__all__ = [
    "GaussianAttack",
    "BlindGaussianAttack",
    "gaussian_attack",
    "blind_gaussian_attack",
    "sample_gaussian_attack",
    "gaussian_attack_budget",
]


@dataclass(frozen=True, slots=True)
class GaussianAttack:
    r"""Optimal informed attack on :math:`X = U + W` (Theorem 3.1, closed form).

    Attributes
    ----------
    a2, sigma2, D : float
        Signal variance :math:`a^2`, noise variance :math:`\sigma^2`, budget.
    mi : float
        Minimum of :math:`I(U; Y)` in nats (``inf`` when ``sigma2 == D == 0``).
    rho2 : float
        Optimal value of program (4), the squared correlation
        :math:`\rho^2(U, Y)`; ``mi = -log(1 - rho2) / 2``.
    x, y : float
        :math:`\mathrm{Cov}(U, E)` and :math:`\mathrm{Cov}(W, E)` at the optimum.
    covariance : numpy.ndarray
        The 3×3 covariance ``F`` of :math:`(U, W, E)` (read-only), with
        ``F[2, 2] = D``.
    alpha, beta, gamma : float
        The optimal perturbation as :math:`E = \alpha U + \beta W + \gamma Z`
        with :math:`Z \sim N(0, 1)` independent of :math:`(U, W)`. ``gamma`` is
        0 unless ``sigma2 == 0`` (then the rate-distortion test noise must be
        fresh) or ``D > a2`` (then the surplus budget is spent on noise that
        changes nothing).
    zero_mi_budget : float
        The smallest budget at which the minimum MI is 0; it equals ``a2``.
    budget_needed : float
        The least :math:`\mathbb{E}[E^2]` that attains ``mi``:
        ``min(D, a2)``. For ``D < a2`` the optimum uses the full budget.
    """

    a2: float
    sigma2: float
    D: float
    mi: float
    rho2: float
    x: float
    y: float
    covariance: np.ndarray
    alpha: float
    beta: float
    gamma: float
    zero_mi_budget: float
    budget_needed: float


@dataclass(frozen=True, slots=True)
class BlindGaussianAttack:
    r"""Optimal blind attack (perturbation independent of :math:`(U, W)`).

    Attributes
    ----------
    a2, sigma2, D : float
        Signal variance, observation-noise variance, budget.
    mi : float
        :math:`\tfrac12\log(1 + a^2/(\sigma^2 + D))` in nats (``inf`` when
        ``sigma2 + D == 0``).
    noise_var : float
        Variance of the optimal Gaussian perturbation; equals ``D``.
    """

    a2: float
    sigma2: float
    D: float
    mi: float
    noise_var: float


def _informed_mi_array(a2: np.ndarray, sigma2: np.ndarray, D: np.ndarray) -> np.ndarray:
    r"""Closed-form optimum of program (4), elementwise over arrays (validated input).

    :math:`I^* = -\tfrac12\log(1-\rho^2)` with
    :math:`\rho = (a^2 - D)/(a\sqrt{R^2-D} + \sigma\sqrt D)` for :math:`D < a^2`, else 0.
    Each regime uses the accurate form: ``log1p`` for small :math:`\rho`,
    :math:`-\log\sin(\varphi_0 + \psi)` with
    :math:`\sin(\varphi_0+\psi) = (\sigma\sqrt{R^2-D} + a\sqrt D)/R^2` when
    :math:`\rho` is near 1 (``inf`` when :math:`\sigma = D = 0`). This is the one
    implementation of the formula; :mod:`mi_lib.subset` uses it too.
    """
    out = np.zeros(np.shape(a2))
    act = D < a2
    si, ni, ti = a2[act], sigma2[act], D[act]
    R2 = si + ni
    rest = R2 - ti
    rho = (si - ti) / (np.sqrt(si * rest) + np.sqrt(ni * ti))
    sin_ang = (np.sqrt(ni * rest) + np.sqrt(si * ti)) / R2
    small = rho * rho < 0.5
    val = np.empty(si.shape)
    val[small] = -0.5 * np.log1p(-(rho[small] ** 2))
    big = ~small
    pos = sin_ang[big] > 0
    vb = np.full(pos.shape, np.inf)
    vb[pos] = -np.log(sin_ang[big][pos])
    val[big] = vb
    out[act] = val
    return out


def _informed(a2: float, sigma2: float, D: float) -> tuple[float, float, float, float]:
    r"""Closed-form optimum of program (4) on validated input.

    Returns ``(mi, rho2, p, q)`` where the optimal perturbation, written in the
    orthonormal coordinates :math:`e_1 = U/a`, :math:`e_2 = W/\sigma` (or a
    fresh direction when :math:`\sigma = 0`), is :math:`E = p e_1 + q e_2`.
    Only valid for ``D < a2``.
    """
    a = math.sqrt(a2)
    s = math.sqrt(sigma2)
    R2 = a2 + sigma2
    rest = R2 - D  # > sigma2 >= 0 because D < a2
    root_rest = math.sqrt(rest)
    root_D = math.sqrt(D)
    # cosine of the largest angle between Y and U (tangent to the ball)
    denom = a * root_rest + s * root_D  # > 0 since a > 0 and rest > 0
    rho = (a2 - D) / denom  # cancellation-free form of (a*sqrt(rest) - s*sqrt(D)) / R2
    mi = float(_informed_mi_array(np.array([a2]), np.array([sigma2]), np.array([D]))[0])
    cross = math.sqrt(D * rest)
    p = -(a * D + s * cross) / R2
    q = (a * cross - s * D) / R2
    return mi, rho * rho, p, q


def gaussian_attack(a2: float, sigma2: float, D: float) -> GaussianAttack:
    r"""Solve Theorem 3.1 / program (4) exactly.

    Minimise :math:`I(U; U + W + E)` over perturbations with
    :math:`\mathbb{E}[E^2] \le D` that may depend on :math:`(U, W)`, where
    :math:`U \sim N(0, a^2)` and :math:`W \sim N(0, \sigma^2)` are independent.

    Parameters
    ----------
    a2 : float
        Signal variance :math:`a^2 > 0`.
    sigma2 : float
        Observation-noise variance :math:`\sigma^2 \ge 0`.
    D : float
        Budget :math:`D \ge 0` on :math:`\mathbb{E}[E^2]`.

    Returns
    -------
    GaussianAttack
        Optimum, optimal covariances and the optimal linear attack.

    Notes
    -----
    With :math:`R^2 = a^2 + \sigma^2` the minimum is

    .. math::

        I^* = \begin{cases}
          \log\dfrac{R^2}{\sigma\sqrt{R^2-D} + a\sqrt{D}}, & D < a^2,\\[1ex]
          0, & D \ge a^2,
        \end{cases}
        \qquad
        \rho^{*2} = \Bigl(\frac{a^2 - D}{a\sqrt{R^2-D} + \sigma\sqrt{D}}\Bigr)^2,

    attained for :math:`D < a^2` by

    .. math::

        x = -\frac{a^2 D + a\sigma\sqrt{D(R^2-D)}}{R^2}, \qquad
        y = \frac{a\sigma\sqrt{D(R^2-D)} - \sigma^2 D}{R^2},

    which lie on the ellipse :math:`x^2/a^2 + y^2/\sigma^2 = D`.
    Proof idea: in :math:`L^2` the attacker moves :math:`Y` anywhere in the
    ball of radius :math:`\sqrt D` about :math:`X`; :math:`I(U;Y)` is at least
    :math:`-\tfrac12\log(1-\cos^2\angle(U, Y))` (linear-estimation bound, tight
    for Gaussians), and the largest angle from :math:`U` over the ball is
    :math:`\angle(U, X) + \arcsin(\sqrt{D}/R)` (triangle inequality for angles),
    attained at the tangent point. Special cases: ``D = 0`` gives
    :math:`\tfrac12\log(1 + a^2/\sigma^2)`; ``sigma2 = 0`` gives the Gaussian
    rate-distortion function :math:`\tfrac12\log(a^2/D)`.

    For ``D >= a2`` the returned attack is :math:`E = -U + \sqrt{D - a^2}\,Z`
    (the noise term only fills the covariance entry ``F[2, 2] = D``; ``E = -U``
    alone already gives MI 0).

    Examples
    --------
    >>> res = gaussian_attack(1.0, 0.1, 0.1)
    >>> round(res.mi, 6), round(res.rho2, 6)
    (0.553456, 0.669421)
    """
    a2 = positive(a2, "a2")
    sigma2 = nonnegative(sigma2, "sigma2")
    D = nonnegative(D, "D")
    a = math.sqrt(a2)
    s = math.sqrt(sigma2)

    if D >= a2:
        mi, rho2, x, y = 0.0, 0.0, -a2, 0.0
        alpha, beta, gamma = -1.0, 0.0, math.sqrt(D - a2)
    elif sigma2 == 0.0 and D == 0.0:
        mi, rho2, x, y = math.inf, 1.0, 0.0, 0.0
        alpha, beta, gamma = 0.0, 0.0, 0.0
    else:
        mi, rho2, p, q = _informed(a2, sigma2, D)
        x = a * p
        alpha = p / a
        if sigma2 > 0.0:
            y, beta, gamma = s * q, q / s, 0.0
        else:
            # W = 0: the second direction is fresh noise, not W.
            y, beta, gamma = 0.0, 0.0, abs(q)
    F = np.array([[a2, 0.0, x], [0.0, sigma2, y], [x, y, D]])
    F.setflags(write=False)
    return GaussianAttack(
        a2=a2,
        sigma2=sigma2,
        D=D,
        mi=mi,
        rho2=rho2,
        x=x,
        y=y,
        covariance=F,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        zero_mi_budget=a2,
        budget_needed=min(D, a2),
    )


def blind_gaussian_attack(a2: float, sigma2: float, D: float) -> BlindGaussianAttack:
    r"""Optimal perturbation that must be independent of the signal (B2).

    Minimise :math:`I(U; U + W + E)` over laws of :math:`E` independent of
    :math:`(U, W)` with :math:`\mathbb{E}[E^2] \le D`.

    Parameters
    ----------
    a2 : float
        Signal variance :math:`a^2 > 0`.
    sigma2 : float
        Observation-noise variance :math:`\sigma^2 \ge 0`.
    D : float
        Budget :math:`D \ge 0`.

    Returns
    -------
    BlindGaussianAttack
        ``mi`` :math:`= \tfrac12\log(1 + a^2/(\sigma^2 + D))` and ``noise_var = D``.

    Notes
    -----
    Proof sketch. :math:`N = W + E` is independent of :math:`U` with
    :math:`\mathrm{Var}(N) \le \sigma^2 + D`. For any estimator coefficient
    :math:`c`, :math:`h(U \mid Y) \le h(U - cY) \le \tfrac12\log(2\pi e\,
    \mathrm{Var}(U - cY))`; with the best :math:`c` this gives
    :math:`I(U; Y) \ge -\tfrac12\log(1 - \rho^2)`, and
    :math:`\rho^2 = a^2/(a^2 + \mathrm{Var}(N)) \ge a^2/(a^2 + \sigma^2 + D)`.
    Gaussian :math:`E` of variance :math:`D` makes :math:`(U, Y)` jointly
    Gaussian and attains the bound, so Gaussian noise is the worst additive
    noise for a Gaussian input under a power constraint.
    """
    a2 = positive(a2, "a2")
    sigma2 = nonnegative(sigma2, "sigma2")
    D = nonnegative(D, "D")
    total = sigma2 + D
    mi = math.inf if total == 0.0 else 0.5 * math.log1p(a2 / total)
    return BlindGaussianAttack(a2=a2, sigma2=sigma2, D=D, mi=mi, noise_var=D)


def sample_gaussian_attack(
    a2: float,
    sigma2: float,
    D: float,
    n: int,
    rng=None,
    *,
    blind: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Draw ``n`` samples of :math:`(U, W, E)` under the optimal attack.

    Parameters
    ----------
    a2, sigma2, D : float
        As in :func:`gaussian_attack`.
    n : int
        Number of samples, ``n >= 0``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Source of randomness.
    blind : bool, default False
        If true, draw :math:`E \sim N(0, D)` independent of :math:`(U, W)`
        (:func:`blind_gaussian_attack`); otherwise the informed optimum
        :math:`E = \alpha U + \beta W + \gamma Z` of :func:`gaussian_attack`.

    Returns
    -------
    U, W, E : numpy.ndarray
        Arrays of shape ``(n,)``; the perturbed observation is ``U + W + E``.
        Their population covariance is ``gaussian_attack(a2, sigma2, D).covariance``
        (informed) or ``diag(a2, sigma2, D)`` (blind).
    """
    n = integer(n, "n", minimum=0)
    gen = rng_from(rng)
    if blind:
        res = blind_gaussian_attack(a2, sigma2, D)
        alpha, beta, gamma = 0.0, 0.0, math.sqrt(res.D)
    else:
        att = gaussian_attack(a2, sigma2, D)
        alpha, beta, gamma = att.alpha, att.beta, att.gamma
    z = gen.standard_normal((3, int(n)))
    u = math.sqrt(float(a2)) * z[0]
    w = math.sqrt(float(sigma2)) * z[1]
    e = alpha * u + beta * w + gamma * z[2]
    return u, w, e


def gaussian_attack_budget(a2: float, sigma2: float, mi: float) -> float:
    r"""Least budget at which the informed optimum of program (4) is at most ``mi``.

    Inverse of :func:`gaussian_attack` in the budget. With
    :math:`R^2 = a^2 + \sigma^2` and :math:`\varphi_0 = \arctan(\sigma / a)`
    (the angle between U and X in :math:`L^2`), the optimum is
    :math:`I^*(D) = -\log\sin(\varphi_0 + \psi)` with
    :math:`\sin\psi = \sqrt{D}/R` (``notes/derivations_gaussian.md``). Solving
    for the budget,

    .. math::

        D(I) = R^2 \sin^2\bigl(\arcsin(e^{-I}) - \varphi_0\bigr)
        \quad\text{for } 0 \le I < I^*(0) = \tfrac12\log(1 + a^2/\sigma^2),

    ``D(I) = 0`` for :math:`I \ge I^*(0)` and ``D(0) = a2``.

    Parameters
    ----------
    a2 : float
        Signal variance :math:`a^2 > 0`.
    sigma2 : float
        Observation-noise variance :math:`\sigma^2 \ge 0`.
    mi : float
        Target mutual information in nats, ``>= 0``.

    Returns
    -------
    float
        The smallest :math:`D` with ``gaussian_attack(a2, sigma2, D).mi <= mi``.
    """
    a2 = positive(a2, "a2")
    sigma2 = nonnegative(sigma2, "sigma2")
    target = nonnegative(mi, "mi")
    a, s = math.sqrt(a2), math.sqrt(sigma2)
    r2 = a2 + sigma2
    phi0 = math.atan2(s, a)
    if target == 0.0:
        return a2
    sin_total = math.exp(-target)
    if sin_total <= math.sin(phi0):  # target at or above the clean information
        return 0.0
    psi = math.asin(sin_total) - phi0
    return r2 * math.sin(psi) ** 2
