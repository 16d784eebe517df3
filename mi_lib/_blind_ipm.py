r"""Blind attacker on the whole grid: a primal-dual interior-point method (private module).

Problem at unit scale (:mod:`mi_lib._blind`): minimise the convex,
1-homogeneous :math:`I(\pi)` over :math:`\pi \ge 0` with :math:`\sum \pi = 1`
and, when the budget can bind, :math:`\kappa^\top \pi \le B`.

Algorithm (:func:`_blind_ipm`): Mehrotra's predictor–corrector on the
perturbed KKT conditions

.. math::

    \nabla I(\pi) + \lambda \kappa - \nu \mathbf 1 - z = 0,\quad
    \mathbf 1^\top \pi = 1,\quad \kappa^\top \pi + w = B,\quad
    \pi_e z_e = \mu,\quad w \lambda = \mu,

with :math:`\pi, z, w, \lambda > 0`. Each iteration assembles the Hessian of
:math:`I` (a few diagonals, offsets :math:`x - x'`), eliminates :math:`z`
and :math:`w`, and factorises once the bordered matrix in the variables
:math:`d\pi / \pi`,

.. math::

    \begin{pmatrix} D H D + \operatorname{diag}(\pi z) & D\kappa & \pi \\
    (D\kappa)^\top & -w/\lambda & 0 \\ \pi^\top & 0 & 0 \end{pmatrix},
    \qquad D = \operatorname{diag}\pi,

for the affine (predictor) and the centred, second-order corrected step;
:math:`\sigma = (\mu_{\text{aff}}/\mu)^3`; a fraction 0.995 of the step
to the boundary. The iterates stay on :math:`\sum \pi = 1` and within the
budget, and have full support.

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
from scipy.linalg import lu_factor, lu_solve

from ._blind_barrier import _blind_hessian, _gradient, _plan
from ._blind_lattice import _Blind, _blind_outputs
from ._certificates import _blind_step

_FRAC = 0.995
_MU0 = 0.1
_KEPS = 10.0  # the subproblem counts as solved when its error is below this many mu
_KMU = 0.2
_RND = 1e-13  # predicted merit decrease below this (relative) is rounding  # fraction of the step to the boundary


def _linear_bound(g: np.ndarray, kappa: np.ndarray, lam: float, B: float) -> float:
    """min_e (g_e + lam kappa_e) - lam B: a lower bound on I*(B) for lam >= 0 (``g`` at a full-support law)."""
    return float(np.min(g + lam * kappa)) - lam * B


class _System:
    """Index plan of the scaled bordered matrix (built once per solve)."""

    def __init__(self, m: _Blind, budget: bool):
        self.plan = _plan(m)
        n = m.ne
        self.nb = n + (2 if budget else 1)
        rows, cols = [], []
        for k in self.plan.offs.tolist():
            r = np.arange(max(0, -k), min(n, n - k))
            rows.append(r)
            cols.append(r + k)
        self.rows, self.cols = np.concatenate(rows), np.concatenate(cols)
        self.flat = self.rows * self.nb + self.cols
        self.diag = np.arange(n) * (self.nb + 1)

    def matrix(self, dg: list[np.ndarray], pi: np.ndarray, z: np.ndarray, kappa: np.ndarray | None,
               wl: float) -> np.ndarray:
        n, nb = pi.size, self.nb
        M = np.zeros((nb, nb))
        flat = M.reshape(-1)
        flat[self.flat] = np.concatenate(dg) * pi[self.rows] * pi[self.cols]
        flat[self.diag] += pi * z
        M[:n, n] = pi
        M[n, :n] = pi
        if kappa is not None:
            M[:n, n + 1] = kappa * pi
            M[n + 1, :n] = kappa * pi
            M[n + 1, n + 1] = -wl
        return M


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


def _max_step(x: np.ndarray, dx: np.ndarray) -> float:
    """Largest alpha in (0, 1] with x + alpha dx >= 0 (x > 0)."""
    neg = dx < 0
    return min(1.0, float(np.min(-x[neg] / dx[neg]))) if np.any(neg) else 1.0


def _merit(m: _Blind, pi: np.ndarray, w: float, mu: float, budget: bool) -> float:
    """Primal barrier merit I(pi) - mu (sum log pi + log w)."""
    lp = np.log(pi)
    return _blind_outputs(m, lp)[2] - mu * (float(np.sum(lp)) + (math.log(w) if budget else 0.0))


def _blind_ipm(m: _Blind, B: float, tol: float, budget: bool, maxiter: int = 80):
    """Primal-dual interior-point method; returns ``(pi, mi, lower bound, slope, iterations)``.

    ``pi`` is the best iterate (least value among those within budget), the
    bound the best one met (valid whatever the iterate, see the module
    docstring), the slope the multiplier at which that bound was found.
    """
    n = m.ne
    kap = m.kappa if budget else None
    sysm = _System(m, budget)
    pi = _start(m, B, budget)
    w = B - float(pi @ m.kappa) if budget else 1.0
    mu = _MU0
    z = mu / pi
    lam = mu / w if budget else 0.0
    nu = 0.0
    best_mi, best_pi = math.inf, pi
    best_lb, best_s = -math.inf, 0.0
    it = 0
    for it in range(1, maxiter + 1):
        logV, logq, mi = _blind_outputs(m, np.log(pi))
        g = _gradient(m, sysm.plan, logV, logq)
        if mi < best_mi and (not budget or float(pi @ m.kappa) <= B * (1.0 + 1e-13)):
            best_mi, best_pi = mi, pi
        lb = _linear_bound(g, m.kappa, lam, B) if budget else float(np.min(g))
        if lb > best_lb:
            best_lb, best_s = lb, lam
        if best_mi - best_lb <= 100.0 * tol:
            st = _blind_step(m, np.log(pi), lam)
            lb1 = st.value - lam * B
            if lb1 > best_lb:
                best_lb, best_s = lb1, lam
        if best_mi - best_lb <= tol:
            break
        gl = g + lam * m.kappa - nu if budget else g - nu
        err = mi - lb  # the linearisation gap: about (n + 1) mu at a centred point
        if err <= _KEPS * (n + 1) * mu:
            mu = max(min(_KMU * mu, mu ** 1.5), 0.01 * tol / (n + 1))
        dg = _blind_hessian(m, sysm.plan, logV, logq)
        M = sysm.matrix(dg, pi, z, kap, w / lam if budget else 0.0)
        try:
            lu = lu_factor(M, check_finite=False)
        except (ValueError, np.linalg.LinAlgError):  # pragma: no cover - nonsingular while pi, z > 0
            break
        rp1 = float(pi.sum()) - 1.0
        rp2 = float(pi @ m.kappa) + w - B if budget else 0.0
        rhs = np.empty(sysm.nb)
        rhs[:n] = -pi * gl + mu
        rhs[n] = -rp1
        if budget:
            rhs[n + 1] = -rp2 + w - mu / lam
        sol = lu_solve(lu, rhs, check_finite=False)
        u = sol[:n]
        dpi = pi * u
        dz = mu / pi - z - z * u
        dnu = -float(sol[n])
        dlam = float(sol[n + 1]) if budget else 0.0
        dw = (mu - w * lam - w * dlam) / lam if budget else 0.0
        ap = _max_step(pi, dpi)
        ad = _max_step(z, dz)
        if budget:
            ap = min(ap, _max_step(np.array([w]), np.array([dw])))
            ad = min(ad, _max_step(np.array([lam]), np.array([dlam])))
        ap, ad = min(1.0, _FRAC * ap), min(1.0, _FRAC * ad)
        # backtracking on the primal barrier merit: the direction descends it when the constraints hold
        # (H + Z / Pi is positive definite on their null space)
        f0 = _merit(m, pi, w, mu, budget)
        slope = float((g - mu / pi) @ dpi) - (mu / w * dw if budget else 0.0)
        a = ap
        # below the rounding of the merit the Armijo test is noise: the (quadratically convergent) step is
        # taken whole; the certificate, not the merit, sees the remaining gradient spread
        if slope < -_RND * max(1.0, abs(f0)):
            while a > 1e-12 and _merit(m, pi + a * dpi, w + a * dw, mu, budget) > f0 + 1e-4 * a * slope:
                a *= 0.5
        pi = pi + a * dpi
        z = z + ad * dz
        nu = nu + ad * dnu
        # keep the duals near the primal's centring values (z pi within a factor 10 of mu)
        z = np.clip(z, 0.1 * mu / pi, 10.0 * mu / pi)
        if budget:
            w = w + a * dw
            lam = min(max(lam + ad * dlam, 0.1 * mu / w), 10.0 * mu / w)
    return best_pi, best_mi, best_lb, best_s, it
