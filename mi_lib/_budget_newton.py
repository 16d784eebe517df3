r"""The budget's slope inside the Newton system of the informed mixing problem (private module).

With :math:`K = e^{-sc}` and :math:`f_k = \sum_j w_j L_{kj}(s)`, the
Lagrangian of the mixing problem at the budget :math:`B`,

.. math::

    \Phi(w, s) = -\sum_k p_k \log f_k(w, s) + \sum_j w_j - s B ,

is convex in the weights :math:`w \ge 0` and concave in the slope
:math:`s` (a log-sum-exp of affine functions of :math:`s`), and
:math:`\partial_s \Phi = C(w, s) - B` with :math:`C` the cost of the
channel of :math:`(w, s)`. Its saddle point is the optimum at the budget;
:func:`_budget_newton` minimises the convex function
:math:`\psi(w) = \max_{s} \Phi(w, s)`: the slope is the root of
:math:`C(w, s) = B` for the current weights (a monotone scalar equation),
and the Newton step on :math:`w` has the Hessian
:math:`H + b b^\top / V` (the bordered KKT system with the slope
eliminated: :math:`b_j = \partial D_j / \partial s`,
:math:`V = -\partial C / \partial s = \sum_k p_k \operatorname{Var}_k(c)`).
At a tie of two supports (a kink of the cost in :math:`s`) the extra
rank-one term gives the face of optimal weights its curvature, so the
mixture of the two supports is found by the same iteration. Derivation:
``notes/discrete_solvers.md`` ("The budget inside the Newton system").
"""

from __future__ import annotations

import math

import numpy as np

from ._mixing import (
    _add_candidates,
    _atom_logD,
    _informed_logf,
    _informed_qp,
    _informed_terms,
    _masses,
    _Mix,
    _newton_system,
    _Rows,
    _step_slope,
    _trial_weights,
)
from ._logdomain import _lse_1, _lse_ax


def _atom_costs(cfin: np.ndarray, rows: _Rows, y: np.ndarray, sel: np.ndarray, lL: np.ndarray) -> np.ndarray:
    """Reduced cost of every (atom, group) pair: c(x_k, y_j) (0 where the pair is forbidden)."""
    return np.where(np.isfinite(lL), cfin[rows.x[sel], y[:, None]], 0.0)


class _Fixed:
    """The channel of fixed weights as a function of the slope (dense rows x atoms costs).

    ``A[k, j]`` is the reduced cost of row k in atom j (inf where the row is
    not in the atom or the pair is forbidden); at the slope s,
    ``log f_k = logsumexp_j (log w_j - s A_kj)`` and the channel's cost
    moments follow from the weights ``pi_kj = w_j e^{-s A_kj} / f_k``.
    """

    def __init__(self, rows: _Rows, ctil, mix: _Mix):
        self.rows, self.mix = rows, mix
        J = mix.y.size
        self.cj = ctil[rows.x[mix.sel], mix.y[:, None]]  # (J, G), inf where forbidden
        self.cm = np.where(np.isfinite(self.cj), self.cj, 0.0)  # the atoms' costs (0 where forbidden)
        A = np.full((rows.p.size, J), np.inf)
        cols = np.arange(J)
        for g in range(mix.sel.shape[1]):
            A[mix.sel[:, g], cols] = self.cj[:, g]
        self.fin = np.isfinite(A)
        self.A0 = np.where(self.fin, A, 0.0)
        self.A = A

    def limits(self) -> tuple[float, float]:
        """The cost as s -> infinity and at s = 0 (its range over s > 0)."""
        p, A0, fin = self.rows.p, self.A0, self.fin
        w = np.exp(self.mix.lw - self.mix.lw.max())[None, :] * fin
        return float(p @ np.min(self.A, axis=1)), float(p @ ((w * A0).sum(axis=1) / w.sum(axis=1)))

    def at(self, s: float):
        """(log f, log L, C, V, cbar, costs of the atoms' rows) at the slope s > 0; None if a row is unserved."""
        E = self.mix.lw - s * self.A  # -inf where the row is not in the atom (s > 0)
        m = E.max(axis=1)
        if not np.isfinite(m).all():
            return None
        P = np.exp(E - m[:, None])
        tot = P.sum(axis=1)
        P /= tot[:, None]
        P *= self.A0
        cbar = P.sum(axis=1)
        var = np.maximum((P * self.A0).sum(axis=1) - cbar * cbar, 0.0)
        p = self.rows.p
        return np.log(tot) + m, -s * self.cj, float(p @ cbar), float(p @ var), cbar, self.cm


def _slope_root(rows: _Rows, ctil, cfin, mix: _Mix, s: float, target: float, rtol: float):
    """The slope where the channel of the fixed weights costs ``target``; None if there is none.

    ``C(w, s)`` falls with s (``dC/ds = -V``) from its value at s = 0 to the
    mean over rows of their cheapest atom's cost (:meth:`_Fixed.limits`):
    the root exists iff ``target`` lies between. Safeguarded Newton in log s,
    steps capped at a factor e^2, bisection once bracketed. Returns
    (s, log f, log L, C, V, cbar, cm).
    """
    fx = _Fixed(rows, ctil, mix)
    lo, hi = -math.inf, math.inf
    t = math.log(s)
    for k in range(100):
        s = math.exp(t)
        got = fx.at(s)
        if got is None:
            return None
        logf, lL, C, V, cbar, cm = got
        r = C - target
        if abs(r) <= rtol:
            return s, logf, lL, C, V, cbar, cm
        if k == 0:
            cinf, c0 = fx.limits()
            if not cinf < target < c0:
                return None
        if r > 0:
            lo = t
        else:
            hi = t
        step = r / (s * V) if V > 0 else math.copysign(2.0, r)
        tn = t + max(min(step, 2.0), -2.0)
        if not lo < tn < hi:
            tn = 0.5 * (lo + hi) if math.isfinite(lo) and math.isfinite(hi) else tn
        if not -700.0 < tn < 700.0 or hi - lo < 1e-15:
            return None
        t = tn
    return None


def _bordered(ms, rows: _Rows, logf, lL, lw, sel, J0, logDA, cbar, cm, V, a):
    """The Newton subproblem with the slope eliminated: M + b_hat (sigma b)' / V, q - b_hat a / V."""
    M, qn, logsig, lb = _newton_system(ms, logf, lL, lw, sel, J0, logDA)
    fin = np.isfinite(lL)
    with np.errstate(over="ignore"):
        R = np.exp(np.where(fin, rows.logp[sel] - logf[sel] + lL, -np.inf))  # (J, G)
        Pi = np.exp(np.minimum(np.where(fin, lL + logsig[:, None] - logf[sel], -np.inf), 0.0))
    dev = cbar[sel] - cm  # (J, G)
    b = np.sum(R * dev, axis=1)  # dD_j/ds
    bhat = b * np.exp(-logDA)
    sb = np.sum(rows.p[sel] * Pi * dev, axis=1)  # sigma_j b_j
    return M + np.outer(bhat, sb) / V, qn - bhat * a / V, logsig, lb, sb / V


def _budget_newton(rows: _Rows, ctil, cfin, mix: _Mix, s: float, target: float, tol: float,
                   rtol: float, maxiter: int = 40):
    """:func:`_budget_newton_body` with -inf arithmetic silenced."""
    with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
        return _budget_newton_body(rows, ctil, cfin, mix, s, target, tol, rtol, maxiter)


def _budget_newton_body(rows: _Rows, ctil, cfin, mix: _Mix, s: float, target: float, tol: float,
                        rtol: float, maxiter: int):
    """Minimise psi(w) = max_s Phi(w, s) from (mix, s): the optimum at the budget ``target``.

    Each step: the slope is the root of ``C(w, s) = target``; atoms with
    ``D > 1`` there join (as in the fixed-slope method); the bordered Newton
    subproblem is solved by the active-set QP; an Armijo search on psi
    follows (every trial point re-solves its slope, to 1e-6 relative while
    far and to ``rtol`` near the end). Stops when ``log max_y D <= tol`` at
    the root (all outputs priced), when the line search fails, after
    ``maxiter`` steps, or when ``max D`` stays the same for four steps;
    returns None only if the start has no root. Returns (normalised
    mixture, log f, lm, s, Newton steps, converged): ``H - lm`` is a valid
    bound on the Lagrangian at s in every case (the caller checks the gap).
    """
    ms = _masses(rows, None)
    got = _slope_root(rows, ctil, cfin, mix, s, target, rtol)
    if got is None:
        return None
    y, sel, lw = mix.y, mix.sel, mix.lw
    s, logf, lL, C, V, cbar, cm = got
    hist: list[float] = []
    it, done = 0, False
    while True:
        logK = -s * ctil
        logDA = _atom_logD(ms.logp, logf, lL, sel)
        logD, selbest, _ = _informed_terms(logK, rows, logf)
        lm = float(max(logD.max(), logDA.max()))
        gap = lm + _lse_1(lw) - ms.logptot
        if gap <= 1e-6 and abs(C - target) > rtol:
            # near the end the root to rounding before the next step, then price again: psi at a loose
            # root is below its maximum by about (C - target)^2 / 2V, more than the last decreases
            got = _slope_root(rows, ctil, cfin, _Mix(y, sel, lw), s, target, rtol)
            if got is None:
                break
            s, logf, lL, C, V, cbar, cm = got
            continue
        hist.append(gap)
        done = gap <= tol
        if done or it >= maxiter or not V > 0 or (len(hist) > 3 and min(hist[-4:]) == max(hist[-4:])):
            break
        it += 1
        step = _budget_step(rows, ctil, cfin, ms, (y, sel, lw), (s, logf, lL, C, V, cbar), (logD, selbest, logDA),
                            lm, target, rtol if gap <= 1e-6 else max(rtol, 1e-6 * target))
        if step is None:
            break
        (y, sel, lw), (s, logf, lL, C, V, cbar, cm) = step
    c = _lse_1(lw)
    return _Mix(y, sel, lw - c), logf - c, lm + c, s, it, done


def _budget_step(rows, ctil, cfin, ms, atoms, point, prices, lm, target, rt):
    """One bordered Newton step with its line search: (atoms, point at the new root) or None.

    ``prices``: log D at every output, the best atom there, and log D of the atoms.
    """
    y, sel, lw = atoms
    s, logf, lL, C, V, cbar = point
    logD, selbest, logDA = prices
    logK = -s * ctil
    J0 = y.size
    y, sel, lL, logDA = _add_candidates(logK, rows, ms, logf, y, sel, lL, logDA, logD, selbest, lm)
    cm = _atom_costs(cfin, rows, y, sel, lL)
    M, qn, logsig, lb, ds = _bordered(ms, rows, logf, lL, lw, sel, J0, logDA, cbar, cm, V, C - target)
    z = _informed_qp(M, qn, lb, np.zeros(y.size), rows.p.size + 1)
    return _psi_search(rows, ctil, cfin, ms, y, sel, lw, logsig, z, J0, logDA, logf, s, target, rt,
                       -float(ds @ z))


def _psi(ms, logf, lw, s: float, target: float) -> float:
    return -float(ms.p_act @ logf[ms.act]) + float(np.exp(lw).sum()) - s * target


def _psi_search(rows, ctil, cfin, ms, y, sel, lw, logsig, z, J0, logDA, logf, s, target, rtol, ds):
    """Armijo search on psi along z (each trial with its own root slope); None without progress.

    ``ds`` is the slope's change the bordered system predicts for the full
    step (the root search starts from ``s + t ds``).
    """
    psi0 = _psi(ms, logf, lw, s, target)
    slope = _step_slope(logDA, logsig, z)
    t = 1.0
    while t >= 1e-8:
        lw_t = _trial_weights(lw, logsig, t * z, J0)
        keep = np.isfinite(lw_t)
        trial = _Mix(y[keep], sel[keep], lw_t[keep])
        got = _slope_root(rows, ctil, cfin, trial, s * math.exp(max(min(t * ds / s, 2.0), -2.0)), target, rtol)
        if got is not None:
            pt = _psi(ms, got[1], trial.lw, got[0], target)
            if pt <= psi0 + 1e-4 * t * min(slope, 0.0) + 1e-15 * max(1.0, abs(psi0)):
                return (trial.y, trial.sel, trial.lw), got
        t *= 0.5
    return None
