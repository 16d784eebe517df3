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


_LN2 = math.log(2.0)
_TINY = 2.2250738585072014e-308  # smallest normal double
_DIRECT_MIN = 1e-150  # unit-scale inputs above this: products of two stay normal
_EXP_MAX = 709.0  # math.exp(x) is finite for x below about 709.78


def _exp(z: float) -> float:
    """``exp(z)``, ``inf`` instead of an ``OverflowError`` (never reached for finite data)."""
    return math.exp(z) if z < _EXP_MAX else math.inf


def _exp_ldexp(z: float, K: int) -> float:
    """``exp(z) * 2**K`` without intermediate overflow or underflow (``inf`` if the result overflows).

    ``exp(z) = 2**n exp(r)`` with ``n = round(z / log 2)``, ``|r| <= log(2)/2``,
    so only the final ``ldexp`` can round to a subnormal or overflow.
    """
    if z == -math.inf:
        return 0.0
    n = round(z / _LN2)
    try:
        return math.ldexp(math.exp(z - n * _LN2), n + K)
    except OverflowError:
        return math.inf


def _half_log1p_ratio(num: float, den: float, mult: float = 1.0) -> float:
    r""":math:`\tfrac12\log(1 + m\,u/v)` for ``num`` u >= 0, ``den`` v > 0, ``mult`` m >= 1.

    The ratio is formed in floating point when it is a normal number (then
    ``log1p`` is accurate to a few ulps and, as the ratio itself, invariant
    under a common scaling of u and v); when it overflows or underflows the
    value is taken from the logarithms, where the log-sum form
    :math:`\tfrac12(L + \log(1 + e^{-L}))`, :math:`L = \log m + \log u - \log v`,
    cannot overflow. ``inf`` when ``den == 0 < num``.
    """
    if num == 0.0:
        return 0.0
    if den == 0.0:
        return math.inf
    r = (num / den) * mult
    if _TINY <= r < math.inf:
        return 0.5 * math.log1p(r)
    L = math.log(mult) + math.log(num) - math.log(den)
    if L > 0.0:
        return 0.5 * (L + math.log1p(math.exp(-L)))
    return 0.5 * math.log1p(math.exp(L))


def _scale_exponent(a2: np.ndarray, sigma2: np.ndarray) -> np.ndarray:
    r"""Even exponent ``K`` with ``max(a2, sigma2) * 2**-K`` in ``[1/4, 1)``.

    Program (4) is invariant under :math:`(a^2, \sigma^2, D) \to c\,(a^2, \sigma^2, D)`;
    working in units of :math:`2^K` makes every intermediate quantity of order
    one, and a power of two changes no mantissa, so inputs scaled by
    :math:`2^{2j}` give bitwise the same dimensionless results.
    """
    _, expo = np.frexp(np.maximum(a2, sigma2))
    return expo + (expo % 2)


def _log_scaled(x: np.ndarray, K: np.ndarray) -> np.ndarray:
    """``log(x * 2**-K)`` without forming ``x * 2**-K`` (which could underflow); -inf at 0."""
    mant, expo = np.frexp(x)
    out = np.full(np.shape(x), -np.inf)
    pos = x > 0
    out[pos] = np.log(mant[pos]) + (expo[pos] - K[pos]) * _LN2
    return out


def _log_parts(a2: np.ndarray, sigma2: np.ndarray, D: np.ndarray):
    r"""Logarithms, in units of :math:`2^K`, of the quantities of program (4).

    Returns ``K`` and the logs of :math:`a^2`, :math:`\sigma^2`, :math:`D`,
    :math:`a^2 - D`, :math:`R^2 - D = (a^2 - D) + \sigma^2` and
    :math:`R^2 = a^2 + \sigma^2` (requires ``D < a2``). Sums are taken with
    ``logaddexp``, so nothing overflows or underflows however far apart the
    magnitudes are (1e-300 next to 1e300 included); :math:`a^2 - D` is the
    one difference, formed in floating point where it is exact or correctly
    rounded.
    """
    K = _scale_exponent(a2, sigma2)
    la, ls, ld = _log_scaled(a2, K), _log_scaled(sigma2, K), _log_scaled(D, K)
    lamd = _log_scaled(a2 - D, K)
    lrest = np.logaddexp(lamd, ls)
    lR = np.logaddexp(la, ls)
    return K, la, ls, ld, lamd, lrest, lR


def _all_direct(A, S, T, a2, sigma2, D) -> np.ndarray:
    """Where every positive input is at least ``_DIRECT_MIN`` at unit scale (and so is a^2 - D)."""
    ok = np.ones(np.shape(A), dtype=bool)
    for unit, orig in ((A, a2), (S, sigma2), (T, D), (A - T, a2 - D)):
        ok &= (orig <= 0) | (unit >= _DIRECT_MIN)
    return ok


def _informed_mi_array(a2: np.ndarray, sigma2: np.ndarray, D: np.ndarray) -> np.ndarray:
    r"""Closed-form optimum of program (4), elementwise over arrays (validated input).

    :math:`I^* = -\tfrac12\log(1-\rho^2)` with
    :math:`\rho = (a^2 - D)/(a\sqrt{R^2-D} + \sigma\sqrt D)` for :math:`D < a^2`, else 0.
    Each regime uses the accurate form: ``log1p`` for small :math:`\rho`,
    :math:`-\log\sin(\varphi_0 + \psi)` with
    :math:`\sin(\varphi_0+\psi) = (\sigma\sqrt{R^2-D} + a\sqrt D)/R^2` when
    :math:`\rho` is near 1 (``inf`` when :math:`\sigma = D = 0`). This is the one
    implementation of the formula; :mod:`mi_lib.subset` uses it too.

    Scale: the value depends only on the ratios of :math:`a^2, \sigma^2, D`.
    :math:`\rho` is formed from the inputs divided by an even power of two
    (exact), :math:`\log\sin` from the logarithms of :func:`_log_parts`, so the
    result is accurate from 1e-300 to 1e300 and for ratios up to 1e600
    (e.g. :math:`a^2 = 10^{300}`, :math:`\sigma^2 = D = 10^{-300}` gives
    :math:`\log(10^{300}/2)`: :math:`\sigma\sqrt{R^2 - D} = a\sqrt D = 1`).
    """
    a2 = np.asarray(a2, dtype=float)
    sigma2 = np.asarray(sigma2, dtype=float)
    D = np.asarray(D, dtype=float)
    out = np.zeros(np.shape(a2))
    act = D < a2
    if not np.any(act):
        return out
    si, ni, ti = a2[act], sigma2[act], D[act]
    K, la, ls, ld, lamd, lrest, lR = _log_parts(si, ni, ti)
    # unit scale: divisions by 2**K (K even) are exact, so on ordinary inputs
    # these are the textbook formulas bit for bit
    A, S, T = np.ldexp(si, -K), np.ldexp(ni, -K), np.ldexp(ti, -K)
    R2 = A + S
    rest = R2 - T
    den = np.sqrt(A * rest) + np.sqrt(S * T)
    # den == 0 only when a^2 and D both underflowed at unit scale (a^2 < 1e-308 sigma^2):
    # then rho < 1e-154 and the information is below 1e-308
    rho = np.divide(A - T, den, out=np.zeros_like(A), where=den > 0)
    small = rho * rho < 0.5
    val = np.empty(si.shape)
    val[small] = -0.5 * np.log1p(-(rho[small] ** 2))
    big = ~small
    # -log sin(phi0 + psi), sin(phi0 + psi) = (sigma sqrt(R^2 - D) + a sqrt(D)) / R^2:
    # directly when every product of two unit-scale inputs is a normal number,
    # else from the logarithms (a^2 = 1e300, sigma^2 = D = 1e-300 has sin = 2e-300);
    # +inf when sigma = D = 0
    direct = _all_direct(A, S, T, si, ni, ti)
    bd = big & direct
    sin_ang = (np.sqrt(S[bd] * rest[bd]) + np.sqrt(A[bd] * T[bd])) / R2[bd]
    vb = np.full(sin_ang.shape, np.inf)
    pos = sin_ang > 0
    vb[pos] = -np.log(sin_ang[pos])
    val[bd] = vb
    bl = big & ~direct
    val[bl] = lR[bl] - np.logaddexp(0.5 * (ls[bl] + lrest[bl]), 0.5 * (la[bl] + ld[bl]))
    out[act] = val
    return out


def _informed(a2: float, sigma2: float, D: float) -> tuple[float, float, float, float, float, float, float]:
    r"""Closed-form optimum of program (4) on validated input with ``D < a2``.

    Returns ``(mi, rho2, x, y, alpha, beta, q)``: the optimal perturbation,
    written in the orthonormal coordinates :math:`e_1 = U/a`,
    :math:`e_2 = W/\sigma` (or a fresh direction when :math:`\sigma = 0`), is
    :math:`E = p e_1 + q e_2`, with :math:`x = a p`, :math:`y = \sigma q`,
    :math:`\alpha = p / a` and :math:`\beta = q / \sigma`. Every term is
    evaluated on the inputs divided by :math:`2^K` (exact), with the direct
    formulas when all of them lie within 1e150 of each other; otherwise as
    ``exp`` of a sum of the logarithms of :func:`_log_parts` (times ``2**K``
    or ``2**(K/2)`` for quantities with units), so that no product such as
    :math:`a^2 D` can overflow or underflow (relative accuracy then about
    ``1e-16`` times the largest logarithm involved, ~1e-13 at ratios 1e600):

    .. math::

        \alpha = -\frac{D + \sqrt{\sigma^2 (R^2 - D) D / a^2}}{R^2},\quad
        \beta = \frac{\sqrt{a^2 (R^2 - D) D/\sigma^2} - D}{R^2},\quad
        x = -\frac{a^2 D + \sqrt{a^2\sigma^2 D (R^2 - D)}}{R^2},\quad
        y = \frac{\sqrt{a^2\sigma^2 D (R^2 - D)} - \sigma^2 D}{R^2}.
    """
    mi = float(_informed_mi_array(np.array([a2]), np.array([sigma2]), np.array([D]))[0])
    parts = _log_parts(np.array([a2]), np.array([sigma2]), np.array([D]))
    K, la, ls, ld, lamd, lrest, lR = (float(t[0]) for t in parts)
    K = int(K)
    A, S, T = math.ldexp(a2, -K), math.ldexp(sigma2, -K), math.ldexp(D, -K)
    amd = A - T
    if bool(_all_direct(*(np.array([t]) for t in (A, S, T, a2, sigma2, D)))[0]):
        # unit scale, all products of two inputs normal: the direct formulas
        # (scaling by an even power of two makes them bitwise those at the caller's scale)
        a, s = math.sqrt(A), math.sqrt(S)
        R2 = A + S
        rest = R2 - T  # > sigma2 >= 0 because D < a2
        root_D = math.sqrt(T)
        cross = math.sqrt(T * rest)  # sqrt(D (R^2 - D))
        rho = amd / (a * math.sqrt(rest) + s * root_D)  # cancellation-free (a sqrt(rest) - s sqrt(D)) / R2
        p = -(a * T + s * cross) / R2
        q = (a * cross - s * T) / R2
        rho2 = rho * rho
        x, alpha = math.ldexp(a * p, K), p / a
        if sigma2 > 0.0:
            y, beta, q = math.ldexp(s * q, K), q / s, 0.0
        else:
            y, beta, q = 0.0, 0.0, math.ldexp(abs(q), K // 2)
        return mi, rho2, x, y, alpha, beta, q
    # magnitudes more than 1e150 apart: every term as exp of a sum of logs
    # rho = (a^2 - D) / (a sqrt(R^2 - D) + sigma sqrt(D))
    log_rho = lamd - float(np.logaddexp(0.5 * (la + lrest), 0.5 * (ls + ld)))
    rho2 = _exp(2.0 * log_rho)
    cross = 0.5 * (la + ls + ld + lrest) - lR  # log of a sigma sqrt(D (R^2 - D)) / R^2
    x = -(_exp_ldexp(la + ld - lR, K) + _exp_ldexp(cross, K))
    alpha = -(_exp(ld - lR) + _exp(0.5 * (ls + lrest + ld - la) - lR))
    if sigma2 > 0.0:
        y = _exp_ldexp(cross, K) - _exp_ldexp(ls + ld - lR, K)
        beta = _exp(0.5 * (la + lrest + ld - ls) - lR) - _exp(ld - lR)
        q = 0.0
    else:
        y = beta = 0.0
        q = _exp_ldexp(0.5 * (la + ld + lrest) - lR, K // 2)
    return mi, rho2, x, y, alpha, beta, q


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

    Numerics. Everything depends on the ratios of ``a2``, ``sigma2`` and
    ``D`` only, so the problem is solved for the inputs divided by an even
    power of two (exact): on ordinary inputs these are the formulas above bit
    for bit, and inputs anywhere from 1e-300 to 1e300 neither overflow nor
    underflow (``gaussian_attack(1e155, 1, 1).mi`` is
    :math:`77.5\log 10 - \log 2`). When the inputs lie more than 1e150
    apart, the terms are formed from logarithms, e.g.
    :math:`I^* = \log R^2 - \operatorname{logaddexp}(\tfrac12\log\sigma^2(R^2-D),
    \tfrac12\log a^2 D)`.

    Examples
    --------
    >>> res = gaussian_attack(1.0, 0.1, 0.1)
    >>> round(res.mi, 6), round(res.rho2, 6)
    (0.553456, 0.669421)
    """
    a2 = positive(a2, "a2")
    sigma2 = nonnegative(sigma2, "sigma2")
    D = nonnegative(D, "D")

    if D >= a2:
        mi, rho2, x, y = 0.0, 0.0, -a2, 0.0
        alpha, beta, gamma = -1.0, 0.0, math.sqrt(D - a2)
    elif sigma2 == 0.0 and D == 0.0:
        mi, rho2, x, y = math.inf, 1.0, 0.0, 0.0
        alpha, beta, gamma = 0.0, 0.0, 0.0
    else:
        # when sigma2 == 0 the second direction is fresh noise, not W: gamma = |q|
        mi, rho2, x, y, alpha, beta, gamma = _informed(a2, sigma2, D)
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

    The ratio :math:`a^2/(\sigma^2 + D)` is not formed when it would overflow
    or underflow; the value then comes from logarithms, so it is right for
    variances from 1e-300 to 1e300 in any combination.
    """
    a2 = positive(a2, "a2")
    sigma2 = nonnegative(sigma2, "sigma2")
    D = nonnegative(D, "D")
    total = sigma2 + D  # no overflow below 8e307 each
    mi = _half_log1p_ratio(a2, total)
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
    z = gen.standard_normal((3, n))
    u = math.sqrt(res.a2 if blind else att.a2) * z[0]
    w = math.sqrt(res.sigma2 if blind else att.sigma2) * z[1]
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

    ``D(I) = 0`` for :math:`I \ge I^*(0)` and ``D(0) = a2``. For
    :math:`I < \log 2` the angle :math:`\arcsin(e^{-I}) - \varphi_0` is
    evaluated as :math:`\arctan(a/\sigma) - 2\arcsin\sqrt{(1 - e^{-I})/2}`,
    which does not cancel when both angles are close to :math:`\pi/2`
    (:math:`a \ll \sigma`); every step depends on the ratio
    :math:`a/\sigma` only, so the budget scales exactly with the variances.

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
    if target == 0.0:
        return a2
    a, s = math.sqrt(a2), math.sqrt(sigma2)
    # psi = arcsin(e^-I) - phi0, the extra angle the budget buys. Two forms,
    # each free of cancellation except near psi = 0 (D = 0, where it is inherent):
    if target >= _LN2:
        # e^-I <= 1/2: arcsin of a number well below 1 and phi0 = atan(sigma/a), both accurate
        sin_total = math.exp(-target)
        psi = math.asin(sin_total) - math.atan2(s, a)
    else:
        # complements: psi = chi0 - beta with chi0 = pi/2 - phi0 = atan(a/sigma) and
        # beta = arccos(e^-I) = 2 arcsin(sqrt((1 - e^-I)/2)), accurate for small I
        beta = 2.0 * math.asin(math.sqrt(-0.5 * math.expm1(-target)))
        psi = math.atan2(a, s) - beta
    if psi <= 0.0:  # target at or above the clean information
        return 0.0
    sin_psi = math.sin(psi)
    # R^2 sin^2(psi) = (a sin psi)^2 + (sigma sin psi)^2: a2 + sigma2 is never formed
    # (overflow) and sin(psi)^2 is never formed (it can underflow while D is normal)
    return min((a * sin_psi) ** 2 + (s * sin_psi) ** 2, a2)
