r"""Optimal attacks on finite alphabets, each with a certified lower bound.

Three solvers for problem (1) of the paper when the alphabets are finite, all
in nats, each returning a value, a feasible attack that attains it, a lower
bound on the true optimum that holds by weak duality, the gap between the
two, and whether that gap met the requested tolerance.

:func:`discrete_attack` (informed attacker, paper §2 and §3.3)
    The attacker sees :math:`(U, X)` and picks :math:`W(y \mid u, x)` with
    :math:`\sum p(u,x) W(y|u,x) c(x,y) \le B`, minimising :math:`I(U;Y)`.
    Slope search on the budget; at each slope a mixing (nonparametric
    maximum-likelihood) problem solved by a scaled active-set Newton method.
:func:`binary_flip_attack` (problem (21))
    :math:`|U| = |X| = |Y| = 2` with Hamming cost, by an exact
    one-dimensional reduction.
:func:`blind_attack` (extension B2/B3)
    :math:`E \sim \pi` on a grid, independent of :math:`(U, X)`,
    :math:`Y = X + E`, :math:`\mathbb{E}[E^2] \le B`; coset split on fine
    grids, else a log-barrier path with sparse Newton steps.

Certificate: for :math:`a_u(y) \ge 0` with :math:`\sum_u p(u) a_u(y) \le 1`,
:math:`I(U;Y) \ge \mathbb{E}\log a_U(Y)`; with a slope :math:`s \ge 0` on the
budget this gives the informed dual
:math:`I^*(B) \ge \sum p(u,x)\alpha_{u,x} - sB - \log\max_y\sum_u p(u)\max_x
e^{\alpha_{u,x} - sc(x,y)}` and the one-step blind dual
:math:`I^*(B) \ge -\log Z - \log R - sB`, valid for any auxiliary choices.
Costs and grids are brought to unit scale (cheapest cost removed exactly)
before any tolerance is applied, so every certificate holds at every scale.

The derivations (the lemma, the mixing formulation, the scaled Newton
method, the tails, the barrier path, the coset split, scale and rounding)
are in ``notes/discrete_solvers.md``; the code is split into the private
modules listed there (``_informed``, ``_mixing``, ``_slope_search``,
``_certificates``, ``_blind``, ``_blind_lattice``, ``_blind_cosets``,
``_flip``, ``_logdomain``, ``_scaling``, ``_discrete_results``).
"""

from __future__ import annotations

from ._blind import blind_attack
from ._discrete_results import BinaryFlipAttack, BlindAttack, DiscreteAttack
from ._flip import binary_flip_attack
from ._informed import discrete_attack

__all__ = [
    "DiscreteAttack",
    "BinaryFlipAttack",
    "BlindAttack",
    "discrete_attack",
    "binary_flip_attack",
    "blind_attack",
]
