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

Consequences (proved in notebook 07 and checked in the tests): under a total
budget the informed attacker needs :math:`D = n a^2` to erase U and a budget
growing like n to push the MI below any fixed level; under a per-copy budget
:math:`D \ge a^2` erases U for every n, so redundancy protects only up to a
bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mi_lib._validation import integer, nonnegative, positive
from mi_lib.gaussian import GaussianAttack, _half_log1p_ratio, gaussian_attack, gaussian_attack_budget

__all__ = ["CopiesAttack", "copies_attack", "copies_attack_budget"]

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
