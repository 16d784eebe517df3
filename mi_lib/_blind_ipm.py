r"""Blind attacker on the whole grid: a primal-dual interior-point method (private module).

Problem at unit scale (:mod:`mi_lib._blind`): minimise the convex,
1-homogeneous :math:`I(\pi)` over :math:`\pi \ge 0` with :math:`\sum \pi = 1`
and, when the budget can bind, :math:`\kappa^\top \pi \le B`.

Algorithm (:func:`_blind_ipm`): path following on the perturbed KKT
conditions

.. math::

    \nabla I(\pi) + \lambda \kappa - \nu \mathbf 1 - z = 0,\quad
    \mathbf 1^\top \pi = 1,\quad \kappa^\top \pi + w = B,\quad
    \pi_e z_e = \mu,\quad w \lambda = \mu,

with :math:`\pi, z, w, \lambda > 0`. Each iteration eliminates :math:`z`
and :math:`w` and solves the bordered system in :math:`u = d\pi / \pi`,

.. math::

    \begin{pmatrix} \Pi H \Pi + \operatorname{diag}(\pi z) & \Pi\kappa & \pi \\
    (\Pi\kappa)^\top & -w/\lambda & 0 \\ \pi^\top & 0 & 0 \end{pmatrix},

by a Cholesky factor (dense, or block by block on the components of the
Hessian's graph, :mod:`mi_lib._blind_ipm_blocks`) and the Schur complement
of the border (:mod:`mi_lib._blind_ipm_ops`); a fraction 0.995 of the step to the
boundary, then backtracking on the primal barrier merit. :math:`\mu` is cut
by a fixed factor 0.05 once the iterate's linearisation gap is below
:math:`10 (n+1)\mu` (a centred point). The iterates stay on
:math:`\sum \pi = 1` and within the budget, and have full support.

Bound: at a full-support :math:`\tilde\pi` with gradient :math:`g`,
convexity and homogeneity give :math:`I(\pi') \ge g \cdot \pi'` for every
:math:`\pi' \ge 0` (Euler: :math:`g \cdot \tilde\pi = I(\tilde\pi)`), so for
any :math:`\lambda \ge 0`

.. math::

    I^*(B) \;\ge\; \min_e \bigl(g_e + \lambda \kappa_e\bigr) - \lambda B

(the linearisation bound; its gap at an iterate is about
:math:`(n + 1)\mu`). Near the end the one-step blind certificate
(:func:`mi_lib._certificates._blind_step`, slope :math:`\lambda`) is taken
too, and the larger bound is kept. The method stops when the best value
minus the best bound is within ``tol``. Derivation and findings:
``notes/discrete_solvers.md``.

Implementation: the whole iteration runs in compiled loops
(:mod:`mi_lib._blind_ipm_kernel`, numba, imported on the first call); this
module sets up the start and calls the kernel.
"""

from __future__ import annotations

import math

import numpy as np

from ._blind_ipm_ops import _Ops
from ._blind_lattice import _Blind

_MU0 = 0.01
_BLOCK_MAX = 40  # largest component of the Hessian's graph for the block factorisation (else dense dpotrf)
_BLOCK_RES = 1e-6  # a block solve whose refined residual stays above this (relative, entrywise) goes dense


def _short_cosets(m: _Blind) -> bool:
    """True when the grid has several cosets of the signal lattice, none with more points than letter offsets.

    On such grids (issue 10's S2: x = -1, 0, 1, cosets of 2-3 points) a binding
    budget drives some coset optima to the edge of their simplex; the coset
    split's active set (round 8) handles them, and the split goes first there
    from 31 points on, and above the uniform law's cost on all sizes
    (:func:`mi_lib._blind._blind_search`).
    """
    offs = sorted(set(m.roff.tolist()))  # a few letters: plain Python is cheaper than numpy here
    g = 0
    for o in offs[1:]:
        g = math.gcd(g, o - offs[0])
    return 0 < g < m.ne and -(-m.ne // g) <= len(offs)  # ceil(ne / g) points in the longest coset


def _start(m: _Blind, B: float, budget: bool) -> np.ndarray:
    """A strictly positive law strictly inside the budget: uniform, mixed with the cheapest point if need be.

    The mixture keeps every mass at least a fraction of B / (n mean kappa) (a
    tilt towards the cheap points would start far-off points at e^-50 and
    more, which then take many steps to come back).
    """
    n = m.ne
    pi = np.full(n, 1.0 / n)
    kmean = float(pi @ m.kappa)
    if budget and kmean > 0.5 * B:
        theta = 0.5 * B / kmean
        pi *= theta
        pi[int(np.argmin(m.kappa))] += 1.0 - theta
    return pi


def _blind_ipm(m: _Blind, B: float, tol: float, budget: bool, maxiter: int = 80, trace: dict | None = None):
    """Primal-dual interior-point method; returns ``(pi, mi, lower bound, slope, iterations)``.

    ``pi`` is the best iterate (least value among those within budget), the
    bound the best one met (valid whatever the iterate, see the module
    docstring), the slope the multiplier at which that bound was found. With
    ``trace`` (a dict), the iterate at which that bound was met is stored
    under ``"bound_at"`` (tests recompute the bound from it).
    """
    from . import _blind_ipm_blocks as kb  # numba: loaded on first use only
    from . import _blind_ipm_kernel as kn

    ops = _Ops(m)
    pi = _start(m, B, budget)
    st = np.zeros(kn.NSTATE)
    st[kn.W] = B - float(pi @ m.kappa) if budget else 1.0
    st[kn.MU] = _MU0
    st[kn.LAM] = _MU0 / st[kn.W] if budget else 0.0
    st[kn.BMI], st[kn.BLB] = np.inf, -np.inf
    st[kn.BUDGET], st[kn.BVAL], st[kn.TOL], st[kn.MAXIT] = float(budget), B, tol, maxiter
    z = _MU0 / pi
    bpi, lbpi = pi.copy(), pi.copy()
    kappa = np.ascontiguousarray(m.kappa, dtype=float)
    blk = kb._blocks(m.ne, ops.arrays[10])
    st[kn.DENSE] = float(int(np.max(np.diff(blk[1]))) > _BLOCK_MAX)
    st[kn.RES] = _BLOCK_RES
    kn._run(ops.arrays, kappa, pi, z, bpi, lbpi, st, ops.workspace(), blk, np.empty(int(blk[4][-1])))
    if trace is not None:
        trace["bound_at"] = lbpi
        trace["dense"] = bool(st[kn.DENSE])
    return bpi, float(st[kn.BMI]), float(st[kn.BLB]), float(st[kn.BS]), int(st[kn.IT])
