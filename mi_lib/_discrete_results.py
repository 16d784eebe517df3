"""Result objects of the finite-alphabet solvers (frozen dataclasses; private module).

Exported by :mod:`mi_lib.discrete` and :mod:`mi_lib`. Every result carries the
attained value ``mi`` (an upper bound on the optimum), a certified
``lower_bound``, their difference ``gap``, and ``converged`` / ``message``
saying whether the gap met the requested tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class DiscreteAttack:
    r"""Optimal informed attack on finite alphabets (:func:`discrete_attack`).

    Attributes
    ----------
    mi : float
        :math:`I(U; Y)` of ``channel`` in nats; an upper bound on the optimum.
    lower_bound : float
        Certified lower bound on the optimum (informed dual, ``notes/discrete_solvers.md``).
    gap : float
        ``mi - lower_bound`` (>= 0 up to rounding).
    channel : numpy.ndarray, shape (|U|, |X|, |Y|)
        The attack :math:`W(y \mid u, x)`; every row is a pmf. Rows with
        :math:`p(u, x) = 0` are filled with a cheapest output.
    multiplier : float
        Slope :math:`s = \lambda \ge 0` of the budget constraint used by the
        bound (``inf`` at the infeasibility edge when no finite slope is
        tight; 0 when the budget is not binding).
    cost : float
        Achieved expected cost :math:`\sum p(u,x) W(y|u,x) c(x,y)`.
    budget : float
        The requested budget :math:`B`.
    min_budget : float
        Cheapest achievable cost :math:`\sum_x p(x) \min_y c(x, y)`.
    iterations : int
        Newton steps (scaled active-set Newton method) over all slopes tried.
    evaluations : int
        Number of slopes :math:`s` for which the inner problem was solved.
    converged : bool
        Whether ``gap <= tol`` (the requested tolerance). When it is not, a
        :class:`mi_lib.ConvergenceWarning` is issued as well.
    message : str
        One sentence on how the solve ended (the certified gap against
        ``tol``).
    """

    mi: float
    lower_bound: float
    gap: float
    channel: np.ndarray
    multiplier: float
    cost: float
    budget: float
    min_budget: float
    iterations: int
    evaluations: int
    converged: bool
    message: str


@dataclass(frozen=True, slots=True)
class BinaryFlipAttack:
    r"""Optimal solution of problem (21) (:func:`binary_flip_attack`).

    Attributes
    ----------
    mi : float
        :math:`I(U; Y)` at ``flip_probs``, nats.
    flip_probs : numpy.ndarray, shape (4,)
        :math:`(p_1, p_2, p_3, p_4)`, the flip probabilities for
        :math:`(U, X) = (0,0), (0,1), (1,0), (1,1)`.
    multiplier : float
        :math:`\lambda^* \ge 0`, the multiplier of the flip-rate constraint.
    lower_bound, gap : float
        Certified lower bound (informed dual) and ``mi - lower_bound``.
    cost : float
        Expected flip rate :math:`a p_1 + b p_2 + c p_3 + d p_4`.
    budget : float
        The requested :math:`\varepsilon`.
    zero_mi_budget : float
        Smallest :math:`\varepsilon` at which the minimum is 0:
        :math:`\min(a+b, c+d)\,|a/(a+b) - c/(c+d)|` (0 if a row is empty).
    gradient : numpy.ndarray, shape (4,)
        :math:`\partial I / \partial p_i` at ``flip_probs``, the gradient of
        eqs. (17)–(20) (equivalently (27) without :math:`\lambda`); components
        with zero weight are 0.
    converged : bool
        Whether ``gap <= tol`` (the requested tolerance). When it is not, a
        :class:`mi_lib.ConvergenceWarning` is issued as well.
    message : str
        One sentence on how the solve ended (the certified gap against
        ``tol``).
    """

    mi: float
    flip_probs: np.ndarray
    multiplier: float
    lower_bound: float
    gap: float
    cost: float
    budget: float
    zero_mi_budget: float
    gradient: np.ndarray
    converged: bool
    message: str


@dataclass(frozen=True, slots=True)
class BlindAttack:
    r"""Optimal blind (signal-independent) perturbation (:func:`blind_attack`).

    Attributes
    ----------
    mi : float
        :math:`I(U; X + E)` under ``pmf``, nats.
    pmf : numpy.ndarray
        Law :math:`\pi` of :math:`E` on ``e_values`` (in the order given).
    multiplier : float
        Slope :math:`s \ge 0` of the power constraint used by the bound.
    lower_bound, gap : float
        Certified lower bound (blind dual) and ``mi - lower_bound``.
    cost : float
        :math:`\mathbb{E}[E^2]` under ``pmf``.
    budget : float
        The requested budget.
    y_values : numpy.ndarray
        The lattice on which :math:`Y = X + E` lives.
    output_pmfs : numpy.ndarray, shape (|U|, |Y|)
        :math:`P(Y = y \mid U = u)` (rows of absent :math:`u` are zero).
    iterations : int
        Newton steps performed (coset split or barrier path).
    converged : bool
        Whether ``gap <= tol`` (the requested tolerance). When it is not, a
        :class:`mi_lib.ConvergenceWarning` is issued as well.
    message : str
        One sentence on how the solve ended (the certified gap against
        ``tol``).
    """

    mi: float
    pmf: np.ndarray
    multiplier: float
    lower_bound: float
    gap: float
    cost: float
    budget: float
    y_values: np.ndarray
    output_pmfs: np.ndarray
    iterations: int
    converged: bool
    message: str
