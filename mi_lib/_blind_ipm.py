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

by a Cholesky factor and the Schur complement of the border
(:mod:`mi_lib._blind_ipm_ops`); a fraction 0.995 of the step to the
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
"""

from __future__ import annotations

import math

import numpy as np

from ._blind_ipm_ops import _Bordered, _log_barrier, _max_step, _max_step1, _Ops
from ._blind_lattice import _Blind
from ._certificates import _blind_step

_FRAC = 0.995  # fraction of the step to the boundary
_MU0 = 0.01
_KEPS = 10.0  # the subproblem counts as solved when its error is below this many mu
_KMU = 0.05  # a fixed factor: a superlinear cut (mu^1.5) lands far off the path, which costs more steps
_RND = 1e-13  # predicted merit decrease below this (relative) is rounding


def _linear_bound(g: np.ndarray, kappa: np.ndarray, lam: float, B: float) -> float:
    """min_e (g_e + lam kappa_e) - lam B: a lower bound on I*(B) for lam >= 0 (``g`` at a full-support law)."""
    return float(np.min(g + lam * kappa)) - lam * B


class _State:
    """The iterate: law pi, duals z, budget slack w and multiplier lam, sum multiplier nu, barrier mu."""

    __slots__ = ("pi", "z", "w", "lam", "nu", "mu")

    def __init__(self, m: _Blind, B: float, budget: bool):
        self.pi = _start(m, B, budget)
        self.w = B - float(self.pi @ m.kappa) if budget else 1.0
        self.mu = _MU0
        self.z = self.mu / self.pi
        self.lam = self.mu / self.w if budget else 0.0
        self.nu = 0.0


class _Best:
    """Best feasible value and best bound met so far (the certificate is valid at every iterate)."""

    __slots__ = ("mi", "pi", "lb", "s")

    def __init__(self, pi: np.ndarray):
        self.mi, self.pi, self.lb, self.s = math.inf, pi, -math.inf, 0.0

    def update(self, m: _Blind, st: _State, g: np.ndarray, mi: float, B: float, tol: float, budget: bool) -> float:
        """Record the iterate; returns its own linearisation bound."""
        pi = st.pi
        tot = float(pi.sum())  # 1 to rounding; the value is that of the normalised law (I is 1-homogeneous)
        if mi / tot < self.mi and (not budget or float(pi @ m.kappa) <= tot * B * (1.0 + 1e-13)):
            self.mi, self.pi = mi / tot, pi / tot
        lb = _linear_bound(g, m.kappa, st.lam, B) if budget else float(np.min(g))
        if lb > self.lb:
            self.lb, self.s = lb, st.lam
        if tol < self.mi - self.lb <= 100.0 * tol:
            lb1 = _blind_step(m, np.log(pi), st.lam).value - st.lam * B
            if lb1 > self.lb:
                self.lb, self.s = lb1, st.lam
        return lb


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


def _system(ops: _Ops, st: _State, V: np.ndarray, q: np.ndarray) -> _Bordered | None:
    """The factorised bordered matrix at the iterate; None if K is singular."""
    f = ops.factor(V, q, st.pi, st.z)
    if f is None:  # pragma: no cover - positive definite while pi, z > 0
        return None
    pi = st.pi
    if ops.budget:
        return _Bordered(*f, np.vstack([pi, ops.kappa * pi]), np.array([0.0, st.w / st.lam]))
    return _Bordered(*f, pi[None, :], np.zeros(1))


def _direction(bs: _Bordered, st: _State, g: np.ndarray, B: float, t, tw: float):
    """Newton direction ``(dpi, dz, dw, dlam, dnu)`` for the complementarity targets pi z = t, w lam = tw."""
    pi, lam = st.pi, st.lam
    r1 = t - pi * (g - st.nu)
    if bs.C.shape[0] == 2:  # the budget row (C[1] = Pi kappa)
        r1 -= lam * bs.C[1]
        r2 = np.array([1.0 - float(pi.sum()), B - float(bs.C[1].sum()) - tw / lam])
    else:
        r2 = np.array([1.0 - float(pi.sum())])
    u, y = bs.solve(r1, r2)
    dlam = float(y[1]) if y.size == 2 else 0.0
    dw = (tw - st.w * lam - st.w * dlam) / lam if y.size == 2 else 0.0
    return pi * u, t / pi - st.z - st.z * u, dw, dlam, -float(y[0])


def _step(ops: _Ops, st: _State, d, g: np.ndarray, mi: float) -> None:
    """Fraction to the boundary, backtracking on the primal barrier merit, then the dual step and clipping.

    The direction descends the merit I - mu (sum log pi + log w) when the
    constraints hold (H + Z / Pi is positive definite on their null space);
    below the rounding of the merit the Armijo test is noise and the
    (quadratically convergent) step is taken whole.
    """
    dpi, dz, dw, dlam, dnu = d
    budget, mu = ops.budget, st.mu
    ap, ad = _max_step(st.pi, dpi), _max_step(st.z, dz)
    if budget:
        ap, ad = min(ap, _max_step1(st.w, dw)), min(ad, _max_step1(st.lam, dlam))
    a, ad = min(1.0, _FRAC * ap), min(1.0, _FRAC * ad)
    f0 = mi - mu * _log_barrier(st.pi, st.w, budget)
    slope = float((g - mu / st.pi) @ dpi) - (mu / st.w * dw if budget else 0.0)
    if slope < -_RND * max(1.0, abs(f0)):
        while a > 1e-12:
            p1, w1 = st.pi + a * dpi, st.w + a * dw
            if ops.value(p1) - mu * _log_barrier(p1, w1, budget) <= f0 + 1e-4 * a * slope:
                break
            a *= 0.5
    st.pi = st.pi + a * dpi
    st.nu += ad * dnu
    st.z = np.clip(st.z + ad * dz, 0.1 * mu / st.pi, 10.0 * mu / st.pi)
    if budget:
        st.w += a * dw
        st.lam = min(max(st.lam + ad * dlam, 0.1 * mu / st.w), 10.0 * mu / st.w)


def _blind_ipm(m: _Blind, B: float, tol: float, budget: bool, maxiter: int = 80):
    """Primal-dual interior-point method; returns ``(pi, mi, lower bound, slope, iterations)``.

    ``pi`` is the best iterate (least value among those within budget), the
    bound the best one met (valid whatever the iterate, see the module
    docstring), the slope the multiplier at which that bound was found.
    """
    n = m.ne
    ops = _Ops(m, budget)
    st = _State(m, B, budget)
    best = _Best(st.pi)
    it = 0
    for it in range(1, maxiter + 1):
        V, q, L, mi = ops.outputs(st.pi)
        g = ops.gradient(L)
        lb = best.update(m, st, g, mi, B, tol, budget)
        if best.mi - best.lb <= tol:
            break
        bs = _system(ops, st, V, q)
        if bs is None:  # pragma: no cover
            break
        if mi - lb <= _KEPS * (n + 1) * st.mu:  # the linearisation gap: about (n + 1) mu at a centred point
            st.mu = max(_KMU * st.mu, 0.01 * tol / (n + 1))
        _step(ops, st, _direction(bs, st, g, B, st.mu, st.mu), g, mi)
    return best.pi, best.mi, best.lb, best.s, it
