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

import numpy as np

from ._mixing import _c, _flat_groups, _masses, _Mix, _Rows


def _kernels():
    """The compiled kernels (imported on first use: ``import mi_lib`` neither imports numba nor compiles)."""
    from . import _budget_kernels

    return _budget_kernels


def _atom_costs(cfin: np.ndarray, rows: _Rows, y: np.ndarray, sel: np.ndarray, lL: np.ndarray) -> np.ndarray:
    """Reduced cost of every (atom, group) pair: c(x_k, y_j) (0 where the pair is forbidden)."""
    return np.where(np.isfinite(lL), cfin[rows.x[sel], y[:, None]], 0.0)


class _Fixed:
    """The channel of fixed weights as a function of the slope (the atoms' reduced costs).

    ``cj[j, g]`` is the reduced cost of the row ``sel[j, g]`` in atom j (inf
    where the pair is forbidden); at the slope s,
    ``log f_k = logsumexp_j (log w_j - s c_kj)`` over the atoms holding row k,
    and the channel's cost moments follow from the weights
    ``pi_kj = w_j e^{-s c_kj} / f_k`` (:func:`mi_lib._budget_kernels.fixed_at`).
    """

    def __init__(self, rows: _Rows, ctil, mix: _Mix):
        self.rows, self.mix = rows, _Mix(_c(mix.y), _c(mix.sel), _c(mix.lw))
        self.cj = _kernels().atom_cost(_c(ctil), rows.x, self.mix.y, self.mix.sel)  # (J, G), inf where forbidden
        self.cm = np.where(np.isfinite(self.cj), self.cj, 0.0)  # the atoms' costs (0 where forbidden)

    def limits(self) -> tuple[float, float]:
        """The cost as s -> infinity and at s = 0 (its range over s > 0)."""
        return _kernels().fixed_limits(self.rows.p, self.mix.sel, self.mix.lw, self.cj)

    def at(self, s: float):
        """(log f, log L, C, V, cbar, costs of the atoms' rows) at the slope s > 0; None if a row is unserved."""
        ok, logf, lL, C, V, cbar = _kernels().fixed_at(self.rows.p, self.mix.sel, self.mix.lw, self.cj, float(s))
        return (logf, lL, C, V, cbar, self.cm) if ok else None


def _slope_root(rows: _Rows, ctil, cfin, mix: _Mix, s: float, target: float, rtol: float):
    """The slope where the channel of the fixed weights costs ``target``; None if there is none.

    ``C(w, s)`` falls with s (``dC/ds = -V``) from its value at s = 0 to the
    mean over rows of their cheapest atom's cost (:meth:`_Fixed.limits`):
    the root exists iff ``target`` lies between. Safeguarded Newton in log s,
    steps capped at a factor e^2, bisection once bracketed. Returns
    (s, log f, log L, C, V, cbar, cm).
    """
    K = _kernels()
    y, sel, lw = _c(mix.y), _c(mix.sel), _c(mix.lw)
    cj = K.atom_cost(_c(ctil), rows.x, y, sel)
    ok, s, logf, lL, C, V, cbar = K.slope_root(rows.p, sel, lw, cj, float(s), float(target), float(rtol))
    return (s, logf, lL, C, V, cbar, K.finite_or_zero(cj)) if ok else None


def _bordered(ms, rows: _Rows, logf, lL, lw, sel, J0, logDA, cbar, cm, V, a):
    """The Newton subproblem with the slope eliminated: M + b_hat (sigma b)' / V, q - b_hat a / V."""
    return _kernels().bordered(rows.p, ms.logp, _c(logf), _c(lL), _c(lw), _c(sel), int(J0), _c(logDA), _c(cbar),
                               _c(cm), float(V), float(a))


def _budget_newton(rows: _Rows, ctil, cfin, mix: _Mix, s: float, target: float, tol: float,
                   rtol: float, maxiter: int = 40):
    """:func:`_budget_newton_body` (the compiled kernel raises no floating-point warnings)."""
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
    gidx, goff = _flat_groups(rows)
    ok, y, sel, lw, logf, lm, s, it, done = _kernels().budget_newton(
        _c(ctil), _c(cfin), rows.x, gidx, goff, ms.p, ms.logp, ms.logptot, _c(mix.y), _c(mix.sel), _c(mix.lw),
        float(s), float(target), float(tol), float(rtol), int(maxiter))
    return (_Mix(y, sel, lw), logf, lm, s, it, done) if ok else None


def _budget_step(rows, ctil, cfin, ms, atoms, point, prices, lm, target, rt):
    """One bordered Newton step with its line search: (atoms, point at the new root) or None.

    ``prices``: log D at every output, the best atom there, and log D of the atoms.
    """
    y, sel, lw = atoms
    s, logf, lL, C, V, cbar = point
    logD, selbest, logDA = prices
    got = _kernels().budget_step(_c(ctil), _c(cfin), rows.x, rows.p, ms.logp, _c(y), _c(sel), _c(lw), float(s),
                                 _c(logf), _c(lL), float(C), float(V), _c(cbar), _c(logD), _c(selbest), _c(logDA),
                                 float(lm), float(target), float(rt))
    return ((got[1], got[2], got[3]), got[4:]) if got[0] else None


def _psi(ms, logf, lw, s: float, target: float) -> float:
    """psi = -sum_k p_k log f_k + sum_j w_j - s B over the rows counted."""
    return float(_kernels().psi(ms.p_act, _c(logf[ms.act]), _c(lw), float(s), float(target)))


def _psi_search(rows, ctil, cfin, ms, y, sel, lw, logsig, z, J0, logDA, logf, s, target, rtol, ds):
    """Armijo search on psi along z (each trial with its own root slope); None without progress.

    ``ds`` is the slope's change the bordered system predicts for the full
    step (the root search starts from ``s + t ds``).
    """
    got = _kernels().psi_search(_c(ctil), rows.x, rows.p, _c(y), _c(sel), _c(lw), _c(logsig), _c(z), int(J0),
                                _c(logDA), _c(logf), float(s), float(target), float(rtol), float(ds))
    return ((got[1], got[2], got[3]), got[4:]) if got[0] else None
