r"""Optimal attacks on finite alphabets, each with a certified lower bound.

Three solvers for problem (1) of the paper when the alphabets are finite, all
in nats and all returning a value, a feasible attack that attains it, a lower
bound on the true optimum that holds by weak duality, and the gap between the
two.

Informed attacker (:func:`discrete_attack`, paper §2 and §3.3)
    :math:`(U, X)` has joint pmf :math:`p(u, x)`; the attacker sees both and
    picks a channel :math:`W(y \mid u, x)` with expected cost
    :math:`\sum p(u, x) W(y \mid u, x) c(x, y) \le B`, minimising
    :math:`I(U; Y)`.
Binary flip attack (:func:`binary_flip_attack`, problem (21))
    The case :math:`|U| = |X| = |Y| = 2` with Hamming cost, solved through an
    exact one-dimensional reduction.
Blind attacker (:func:`blind_attack`, extension B2/B3)
    :math:`E \sim \pi` on a grid, independent of :math:`(U, X)`,
    :math:`Y = X + E`, budget :math:`\mathbb{E}[E^2] \le B`.

The certificate: one lemma
--------------------------
For any functions :math:`a_u(y) \ge 0` with
:math:`\sum_u p(u)\, a_u(y) \le 1` for every :math:`y`, and any joint law of
:math:`(U, Y)` with :math:`U`-marginal :math:`p(u)` and :math:`Y`-marginal
:math:`q`,

.. math::

    I(U; Y) \;\ge\; \mathbb{E}\bigl[\log a_U(Y)\bigr],

because :math:`I(U;Y) - \mathbb{E}\log a_U(Y) = \sum p(u,y)\log
\frac{p(u,y)}{p(u) q(y) a_u(y)} \ge -\log \sum_{u,y} p(u) q(y) a_u(y) \ge 0`
(the log-sum inequality, then the normalisation). Every bound below is this
lemma with a particular :math:`a`, followed by Lagrangian relaxation of the
budget with a slope :math:`s \ge 0`; each is therefore valid for *any* choice
of the auxiliary quantities, and the solvers only have to make it tight.

Informed dual. For any :math:`s \ge 0` and numbers :math:`\alpha_{u,x}`,
put :math:`a_u(y) = \max_x e^{\alpha_{u,x} - s c(x,y)} / M` with
:math:`M = \max_y \sum_u p(u) \max_x e^{\alpha_{u,x} - s c(x, y)}`. Since
:math:`\alpha_{U,X} - s c(X, Y) - \log M \le \log a_U(Y)` pointwise,

.. math::

    I^*(B) \;\ge\; \sum_{u,x} p(u,x)\, \alpha_{u,x} - \log M - sB .

The solver takes :math:`\alpha_{u,x} = \log p(x \mid u) - \log f_{u,x}`
from the optimum of the slope-:math:`s` problem written as a mixing problem
(below); at the optimum :math:`M = 1` and the bound equals the value.
With :math:`U = X` this is Blahut's bound for the rate-distortion function.
Rows of negligible mass (:math:`p(u,x) < 10^{-18}`, Gaussian tails) are not
iterated; their :math:`\alpha` is instead the largest value that keeps the
other rows' normalised terms feasible, each group taking a :math:`1/|U|`
share of the slack at every output, so that :math:`M \le 1` holds without
their fitted values being converged (the larger of this bound and the plain
one is reported; both hold for any :math:`\alpha`). At small budgets (large
slopes) that repair can cost more than the tolerance; the bound is then
recomputed at the best slope with every row iterated, and if that is not
enough the slope search is repeated with every row.

Blind dual. For any full-support perturbation law :math:`\pi` with output
laws :math:`V_u = p(\cdot \mid u) * \pi`, :math:`q = \sum_u p(u) V_u`, take one
Blahut–Arimoto-type step
:math:`\pi'(e) \propto \pi(e) \exp(-g(e) - s e^2)`,
:math:`g(e) = \sum_{u,x} p(u,x) \log \frac{V_u(x + e)}{q(x + e)}`, with
normaliser :math:`Z`, and set :math:`\rho = \pi'/\pi`. The choice
:math:`a_u(y) = \frac{V_u(y)}{q(y)} \max_{x} \rho(y - x) / R`, with
:math:`R` the maximum over :math:`y` of
:math:`\sum_u p(u) \frac{V_u(y)}{q(y)} \max_x \rho(y - x)`, satisfies the
lemma's normalisation and gives
:math:`\sum_{u,x} p(u,x) \log a_u(x + e) \ge -\log Z - \log R - s e^2` for
every grid point :math:`e`; averaging over any feasible :math:`\pi`,

.. math::

    I^*(B) \;\ge\; -\log Z - \log R - sB .

At a fixed point :math:`R = 1` and the bound equals the value. (This is the
Gibbs dual of the design note with the linearisation :math:`1 - R` replaced by
the sharper :math:`-\log R`; it holds for :math:`U \ne X` as well.)

A Frank–Wolfe bound is not used: its gradient contains logarithms of tiny
masses and is loose (see ``notes/certificates.md``).

Algorithms
----------
Informed attacker, slope :math:`s` fixed. Writing
:math:`D(V_u \Vert q) = \min_r D(p(x|u) W \Vert q\, r)` turns the Lagrangian
into a nonparametric maximum-likelihood (mixing) problem: with
:math:`K = e^{-s c}`,

.. math::

    P(s) = \min_{m} \sum_{u,x} p(u,x)\Bigl[\log p(x \mid u)
           - \log \sum_y m_u(x, y) K(x, y)\Bigr],

over :math:`m_u(x, y) \ge 0` with :math:`\sum_x m_u(x, y) = q(y)` for all
:math:`u` and :math:`q` a pmf. Each atom of :math:`m` is an output letter
:math:`y` together with one input letter per :math:`u`; the problem is a
mixing-distribution maximum likelihood with "observations" :math:`(u, x)` of
weights :math:`p(u, x)` and a sparse optimum. It is solved by a scaled
active-set Newton method: add the best atoms at the local maxima (over the
outputs) of the directional derivative
:math:`D(y) = \sum_u \max_x p(u,x) K(x,y) / f_{u,x}` that exceed 1, then solve the bound-constrained Newton subproblem in relative
coordinates :math:`w_j \to w_j(1 + z_j)` by a primal active-set method and
search along it (Armijo); the subproblem starts from the active set the
previous one ended with. The masses :math:`p(u, x)` of discretised
continuous laws span hundreds of orders of magnitude; in these coordinates
the Hessian, divided row by row by the atom's scale, is :math:`R\,\Pi` with
:math:`R_{jk} = p_k L_{kj} / f_k` and :math:`\Pi_{kj} = w_j L_{kj} / f_k`,
whose entries are of order one whatever the masses, and the weights are kept
in the log domain. (The constrained Newton method of Wang (2007), which
solves the same subproblem as a least-squares problem weighted by
:math:`\sqrt{p}`, stalls there: a row of mass :math:`10^{-30}` is invisible
to the least squares and to the line search, but not to the certificate,
which needs :math:`D(y) \le 1` at every output.) A cold start brings the
rows in by decreasing :math:`p(x \mid u)`, attaching each new group of
decades at its first-order optimum (the output minimising
:math:`(1 - T_u(y)) / K(x, y)`, :math:`T_u(y)` the other groups' share of
the normalisation there), so that no weight has to travel across tens of
orders of magnitude, or across the grid, by Newton steps; rows below
:math:`10^{-18}` are only attached. A warm start from a nearby slope takes a
few Newton steps and falls back to the staged start. The optimal channel is
:math:`W(y \mid u, x) = m_u(x, y) K(x, y) / f_{u,x}`,
:math:`f_{u,x} = \sum_y m_u(x,y) K(x,y)`. The slope is then found by
Newton steps in :math:`\log s` on the cost, with its derivative along the
solution path (one linear solve with the same matrix), safeguarded by a
bracket and regula falsi; if the cost jumps at a slope (two supports tie:
a linear piece of the value curve), the tie is located by Newton's method
on the two restricted optima and their channels are mixed (the feasible set
is convex and :math:`I` is convex in the channel), and the best of the
bounds, each evaluated at the *requested* budget, is reported. Budgets that
afford a constant output, or the cheapest zero-information channel (a
linear program), return it with the bound 0.

Blind attacker, fine grids. When the grid is finer than the spacing of the
signal letters, the coset of :math:`E` modulo the greatest common divisor of
the letter offsets is a function of :math:`Y` and independent of :math:`U`, so
:math:`I(U; Y) = \sum_c w_c I_c(\sigma_c)` over cosets and the problem splits
into many tiny ones (400 cosets of 4 or 5 points for the ±1 signal on a
1601-point grid). :mod:`mi_lib._blind_cosets` solves them with dense Newton
steps, keeps one or two active cosets with the budget as an equality, and
certifies :math:`\min_c L_c(s) - sB` with the one-step bound below on every
coset (screening). Its result is used when the recomputed gap meets ``tol``.

Blind attacker, general. A log-barrier path-following Newton method on the grid:
minimise :math:`I(\pi) - \tau \sum_e \log \pi(e)` subject to
:math:`\sum \pi = 1` and :math:`\sum \pi(e) e^2 = B` for :math:`\tau`
decreasing geometrically. The Hessian of :math:`I` has only a few diagonals
(offsets :math:`x - x'` on the lattice), so each Newton step is one sparse LU
of the bordered (KKT) matrix; the bordering matters because :math:`I` is
1-homogeneous and its Hessian annihilates :math:`\pi`. On the central path
every grid point keeps a mass of about :math:`\tau/\text{slack}` off the
support, which is exactly the off-support profile the blind certificate needs
(a plain fixed point would put zeros there, where the bound degenerates): at a
centred point the one-step bound with :math:`s` equal to the budget multiplier
is within about :math:`n\tau` of the value, and the path is followed until the
certified gap is below ``tol``. Barrier residues are then dropped when that
lowers the information. Plain and SQUAREM-accelerated Blahut–Arimoto
iterations were tried first and rejected: with the budget re-solved at each
step, or with mass split between neighbouring grid points, they stall at gaps
of 1e-5 to 1e-4 after thousands of steps.

Scale and rounding
------------------
Both problems are invariant under a change of cost unit (informed:
:math:`c \to \gamma c`, :math:`B \to \gamma B`; blind: :math:`x, e \to
\gamma x, \gamma e`, :math:`B \to \gamma^2 B`), and the informed one under
:math:`c \to c + K` with :math:`B \to B + K`. The solvers therefore never
apply a threshold to the data as given: the cheapest cost is removed exactly
(informed: :math:`c(x, y) - \min_{y'} c(x, y')` and the reduced budget
:math:`B - \sum p(u,x) \min_y c(x,y)` in exact rational arithmetic, rounded
once; blind: :math:`e^2 - \min e^2` and :math:`B - \min e^2` likewise), and
costs and grids are divided by a power of two (exact) that brings them to
unit scale (:mod:`mi_lib._scaling`). Every tolerance inside is relative to
that scale or to the reduced budget, so a budget a few ulps above the
cheapest cost is solved as such, not as the cheapest cost. A budget counts
as the edge only when it equals the cheapest cost up to the rounding of the
data (a few ulps of the cost scale); the certificate is valid for the data as
given up to that rounding, and the returned attack is within budget up to
relative rounding. When the certified gap stays above ``tol`` the result says
so (``converged=False``, a ``message``) and a
:class:`mi_lib.ConvergenceWarning` is issued.

All computations run in the log domain; zero masses, underflow and overflow
produce neither warnings nor NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.linalg.lapack import dgesv as _dgesv
from scipy.optimize import linprog
from scipy.sparse import coo_matrix
from scipy.sparse import csc_matrix
from scipy.sparse.linalg import splu

from . import _scaling as _sc
from . import _validation as v
from ._blind_cosets import _tilt, coset_blind_solve

__all__ = [
    "DiscreteAttack",
    "BinaryFlipAttack",
    "BlindAttack",
    "discrete_attack",
    "binary_flip_attack",
    "blind_attack",
]

_FLOOR = -1.0e6  # log-mass floor relative to the largest entry (exp underflows to 0 well before)


# ---------------------------------------------------------------------------
# Result objects
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiscreteAttack:
    r"""Optimal informed attack on finite alphabets (:func:`discrete_attack`).

    Attributes
    ----------
    mi : float
        :math:`I(U; Y)` of ``channel`` in nats; an upper bound on the optimum.
    lower_bound : float
        Certified lower bound on the optimum (informed dual, module notes).
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


# ---------------------------------------------------------------------------
# Log-domain helpers
# ---------------------------------------------------------------------------


def _log(x: np.ndarray | float) -> np.ndarray:
    """Natural log with log(0) = -inf and no warning."""
    with np.errstate(divide="ignore"):
        return np.log(x)


def _lse(a: np.ndarray, axis: int | None = None) -> np.ndarray:
    """log(sum(exp(a))) along ``axis``; -inf for all -inf input, no warning."""
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    if axis is None:
        return out.reshape(())
    return np.squeeze(out, axis=axis)


def _mi_joint(p_uy: np.ndarray) -> float:
    """I(U;Y) of a non-negative 2-D array summing to ~1 (rows U), in nats."""
    pu = p_uy.sum(axis=1, keepdims=True)
    py = p_uy.sum(axis=0, keepdims=True)
    uu, yy = np.nonzero(p_uy > 0)
    pj = p_uy[uu, yy]
    mi = float(np.sum(pj * (np.log(pj) - np.log(pu[uu, 0]) - np.log(py[0, yy]))))
    return max(mi, 0.0)


def _lse_ax(a: np.ndarray, axis: int) -> np.ndarray:
    """Log-sum-exp of a 2-D array along ``axis`` (fast path of :func:`_lse` when no slice is all -inf)."""
    m = a.max(axis=axis)
    if np.all(np.isfinite(m)):
        return np.log(np.exp(a - np.expand_dims(m, axis)).sum(axis=axis)) + m
    return _lse(a, axis=axis)


def _lse_1(a: np.ndarray) -> float:
    """Log-sum-exp of a 1-D array, as a float (-inf for an empty or all -inf array)."""
    if a.size == 0:
        return -math.inf
    m = float(a.max())
    if not math.isfinite(m):
        return m
    return float(np.log(np.exp(a - m).sum())) + m


# ---------------------------------------------------------------------------
# Informed attacker: data layout
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rows:
    """The pairs (u, x) with p(u, x) > 0, grouped by u."""

    u: np.ndarray  # u index of each row
    x: np.ndarray  # x index of each row
    p: np.ndarray  # p(u, x)
    logp: np.ndarray
    logpxu: np.ndarray  # log p(x | u)
    groups: tuple  # row indices of each u (one array per u with p(u) > 0)
    gu: np.ndarray  # the u index of each group
    pu: np.ndarray  # p(u) of each group
    grp: np.ndarray  # group index of each row


def _rows_of(p_ux: np.ndarray) -> _Rows:
    uu, xx = np.nonzero(p_ux > 0)
    p = p_ux[uu, xx]
    pu_all = p_ux.sum(axis=1)
    gu = np.unique(uu)
    groups = tuple(np.nonzero(uu == g)[0] for g in gu)
    grp = np.searchsorted(gu, uu)
    return _Rows(
        u=uu,
        x=xx,
        p=p,
        logp=np.log(p),
        logpxu=np.log(p) - np.log(pu_all[uu]),
        groups=groups,
        gu=gu,
        pu=pu_all[gu],
        grp=grp,
    )


@dataclass(slots=True)
class _Mix:
    """Atoms of the mixing problem (output letter + one row per u) and their log-weights."""

    y: np.ndarray  # (J,) output index
    sel: np.ndarray  # (J, G) row index chosen for each group
    lw: np.ndarray  # (J,) log-weights (a normalised mixture has logsumexp(lw) = 0)


@dataclass(frozen=True, slots=True)
class _Eval:
    """Solution of a problem at one slope s (Lagrangian min I + s cost)."""

    s: float
    X: np.ndarray  # primal point (channel rows)
    cost: float
    mi: float
    H: float  # primal Lagrangian value at X (restricted optimum for restricted solves)
    value: float  # certified lower bound on min_X I + s cost (nan for restricted solves)
    key: frozenset  # support identity
    state: object  # warm start: (mix, logf)
    iterations: int


def _informed_logf(logK: np.ndarray, rows: _Rows, mix: _Mix) -> tuple[np.ndarray, np.ndarray]:
    """log f per row (-inf for a row no atom serves) and log L (J, G) of each atom on its rows."""
    J = mix.y.size
    lL = logK[rows.x[mix.sel], mix.y[:, None]]
    A = np.full((rows.p.size, J), -np.inf)
    cols = np.arange(J)
    for g in range(mix.sel.shape[1]):
        A[mix.sel[:, g], cols] = lL[:, g] + mix.lw
    return _lse_ax(A, 1), lL


def _informed_gradient(logK: np.ndarray, rows: _Rows, logf: np.ndarray):
    """log of the directional derivative D(y) of the best atom at every y, and that atom."""
    logD, sel, _ = _informed_terms(logK, rows, logf)
    return logD, sel


def _informed_terms(logK: np.ndarray, rows: _Rows, logf: np.ndarray, active: np.ndarray | None = None):
    """``log D(y)``, the best atom at every y and the per-group terms ``log max_x p(u,x) K(x,y) / f_{u,x}``.

    ``D(y) = sum_u max_x p(u, x) K(x, y) / f_{u,x}`` over the rows in
    ``active`` (all rows by default); the group terms form a (G, |Y|) array.
    """
    a = rows.logp - logf
    if active is not None:
        a = np.where(active, a, -np.inf)
    if not np.all(np.isfinite(a) | (a == -np.inf)):  # unserved rows (log f = -inf): no term
        a = np.where(np.isfinite(a), a, -np.inf)
    T = a[:, None] + logK[rows.x]
    ny = logK.shape[1]
    G = np.empty((len(rows.groups), ny))
    sel = np.empty((ny, len(rows.groups)), dtype=np.intp)
    cols = np.arange(ny)
    for g, idx in enumerate(rows.groups):
        if idx.size == 1:
            G[g] = T[idx[0]]
            sel[:, g] = idx[0]
            continue
        Tg = T[idx]
        am = np.argmax(Tg, axis=0)
        G[g] = Tg[am, cols]
        sel[:, g] = idx[am]
    return _lse_ax(G, 0), sel, G


def _informed_qp(M: np.ndarray, q: np.ndarray, lb: np.ndarray, z0: np.ndarray, rank: int) -> np.ndarray:
    """Solve the scaled Newton subproblem (a bound-constrained convex QP).

    Minimises ``q'z + z'(diag(sigma) M)z / 2`` over ``z >= lb`` by a primal
    active-set method started at the feasible point ``z0`` (its variables at
    their bound form the initial working set). ``M`` is the row-scaled Hessian
    ``R Pi`` (entries of order one whatever the masses), so every linear solve
    is well conditioned; the scaling ``sigma > 0`` itself never enters.
    Optimality: ``q + M z = 0`` on the free variables, ``(q + M z)_j >= 0``
    for those at their bound. The Hessian is singular when the free atoms are
    linearly dependent; a tiny ridge then turns the solve into a step along
    the null direction, which the ratio test stops at the first bound.
    """
    tiny = 1e-14
    J = q.size
    z = z0.copy()
    F = z > lb
    first = True
    for _ in range(4 * J + 20):
        Fi = np.flatnonzero(F)
        if Fi.size:
            MF = M[Fi[:, None], Fi]
            MF.flat[:: Fi.size + 1] *= 1.0 + 1e-12  # a tiny ridge (relative to the diagonal)
            zb = np.where(F, 0.0, z)
            rhs = -(q[Fi] + M[Fi] @ zb)
            _, _, zF, info = _dgesv(MF, rhs)
            if info != 0 or not np.all(np.isfinite(zF)):  # pragma: no cover - singular despite the ridge
                break
            zc = z[Fi]
            lbF = lb[Fi]
            blocked = zF < lbF - tiny
            if blocked.any():
                d = zF - zc
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(blocked & (d < 0), (lbF - zc) / d, np.inf)
                i = int(np.argmin(ratio))
                a = min(max(float(ratio[i]), 0.0), 1.0)
                zc = zc + a * d
                at = zc <= lbF + tiny
                at[i] = True
                zc[at] = lbF[at]
                z[Fi] = zc
                F[Fi[at]] = False
                continue
            z[Fi] = zF
        Bi = np.flatnonzero(~F)
        if Bi.size == 0:
            break
        rho = q[Bi] + M[Bi] @ z
        i = int(np.argmin(rho))
        if rho[i] >= -1e-13:
            break
        if first:  # release the steepest descent variables at once the first time (as many as the
            # rank leaves room for: more would only be dropped again one solve at a time), then one at a time
            room = max(rank - Fi.size, 1)
            neg = np.flatnonzero(rho < -1e-13)
            F[Bi[neg[np.argsort(rho[neg])[:room]]]] = True
            first = False
        else:
            F[Bi[i]] = True
    return z


def _ratio(logp: np.ndarray, logf: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """``log p_k - log f_k`` on the rows ``sel``; -inf for a row outside the problem (p = 0 and f = 0).

    Rows not yet active have ``log p = -inf`` here and may have no atom
    (``log f = -inf``): their term in D and in the Hessian is 0, not NaN.
    """
    with np.errstate(invalid="ignore"):
        a = logp[sel] - logf[sel]
    return np.where(np.isnan(a), -np.inf, a)


def _informed_san(
    logK: np.ndarray, rows: _Rows, mix: _Mix, tol: float, *, generate: bool = True,
    active: np.ndarray | None = None, maxiter: int = 200,
):
    """Scaled active-set Newton method for the slope-s mixing problem.

    Minimises ``F(w) = -sum_k p_k log f_k + sum_j w_j`` (``f = L w``) over
    ``w >= 0`` on the atoms of ``mix`` (adding, when ``generate``, the best
    atoms at the local maxima over y of the directional derivative
    ``D(y) = sum_u max_x p(u,x) K(x,y) / f_{u,x}`` that exceed 1). Each step
    solves the Newton subproblem in relative coordinates ``w_j -> w_j (1 + z_j)``
    (new atoms: ``sigma_j z_j``, ``sigma_j`` the weight that would carry all of
    its most constrained row), in which the Hessian, divided row by row by the
    atom's scale, is ``R Pi``: ``R_jk = p_k L_kj / f_k`` and
    ``Pi_kj = sigma_j L_kj / f_k`` are both of order one whatever the masses
    ``p_k``. Weights live in the log domain; an Armijo search on F follows.
    Only rows in ``active`` count (the others are attached later).

    Returns the normalised mixture, log f for it, the certified
    ``lm = log max D`` (over all outputs, or over the atoms when not
    ``generate``) and the number of Newton steps. The gap at this slope is
    ``lm`` (``H - lm`` is a lower bound, ``H`` the mixture's value).
    """
    p = rows.p if active is None else np.where(active, rows.p, 0.0)
    logp = rows.logp if active is None else np.where(active, rows.logp, -np.inf)
    act = np.ones(p.size, dtype=bool) if active is None else active
    logptot = math.log(float(p.sum()))
    y, sel, lw = mix.y, mix.sel, mix.lw
    dying = np.zeros(y.size, dtype=bool)  # atoms the last Newton subproblem removed
    it = 0
    logf, lL = _informed_logf(logK, rows, mix)
    while True:
        served = bool(np.all(np.isfinite(logf[act])))
        logDA = _lse_ax(np.where(np.isfinite(lL), _ratio(logp, logf, sel) + lL, -np.inf), 1) if served else None
        if generate and served:
            logD, selbest, _ = _informed_terms(logK, rows, logf, active)
            lm = float(max(logD.max(), logDA.max()))
        else:
            lm = float(logDA.max()) if served else math.inf
        logS = _lse_1(lw) - logptot
        if not served or lm + logS <= tol or it >= maxiter:
            break
        it += 1
        J0 = y.size
        if generate:
            # candidates: local maxima of D over the outputs, and every output near the largest
            # (adding every output with D > 1 makes the subproblem degenerate and slow)
            up = np.ones(logD.size, dtype=bool)
            up[1:] &= logD[1:] >= logD[:-1]
            up[:-1] &= logD[:-1] >= logD[1:]
            cand = np.nonzero((logD > 0.0) & (up | (logD > 0.5 * lm)))[0]
            cap = int(act.sum()) + 2  # the optimum has at most one atom per row
            if cand.size > cap:
                cand = cand[np.argsort(logD[cand])[::-1][:cap]]
            if cand.size:
                have = set(map(tuple, np.column_stack([y, sel]).tolist()))
                ck = np.column_stack([cand, selbest[cand]])
                fresh = np.array([tuple(r) not in have for r in ck.tolist()], dtype=bool)
                if np.any(fresh):
                    y = np.concatenate([y, cand[fresh]])
                    sel = np.vstack([sel, selbest[cand[fresh]]])
                    lL = logK[rows.x[sel], y[:, None]]
                    with np.errstate(invalid="ignore"):
                        logDA = _lse_ax(np.where(np.isfinite(lL), _ratio(logp, logf, sel) + lL, -np.inf), 1)
        J = y.size
        fin = np.isfinite(lL)
        with np.errstate(invalid="ignore"):
            gap_rows = np.where(fin, logf[sel] - lL, np.inf)
        logsig = np.concatenate([lw, np.min(gap_rows[J0:], axis=1)])
        # Newton subproblem, each atom's row of the (row-scaled) Hessian divided by its D_j, so that
        # R_jk / D_j <= 1 even when a warm start leaves rows starved (the LCP is unchanged)
        logRn = np.where(fin, _ratio(logp, logf, sel) + lL - logDA[:, None], -np.inf)
        with np.errstate(invalid="ignore"):  # NaN only on rows outside the problem (R = 0 there)
            logPi = np.where(fin, lL + logsig[:, None] - logf[sel], -np.inf)
        logPi = np.where(np.isnan(logPi), -np.inf, logPi)
        n = p.size
        Rm = np.zeros((J, n))
        Pm = np.zeros((n, J))
        cols = np.arange(J)
        with np.errstate(under="ignore"):
            for g in range(sel.shape[1]):
                Rm[cols, sel[:, g]] = np.exp(logRn[:, g])
                Pm[sel[:, g], cols] = np.exp(np.minimum(logPi[:, g], 0.0))
        M = Rm @ Pm
        qn = np.expm1(-logDA)  # (1 - D_j) / D_j
        lb = np.concatenate([np.full(J0, -1.0), np.zeros(J - J0)])
        # start the QP where the previous one ended: atoms it removed (still present after a partial
        # step) at their bound, so that the active set changes only by what is new
        z0 = np.concatenate([np.where(dying, -1.0, 0.0), np.zeros(J - J0)])
        z = _informed_qp(M, qn, lb, z0 if J0 == dying.size else np.zeros(J), int(act.sum()))
        # directional derivative of F along sigma z: sum_j sigma_j (1 - D_j) z_j, in the log domain
        g0 = -np.expm1(logDA)
        prod = g0 * z
        with np.errstate(divide="ignore"):
            mag = np.minimum(logsig + np.log(np.abs(prod)), 700.0)
        slope = float(np.sum(np.sign(prod) * np.exp(mag)))
        F0 = -float(p[act] @ logf[act]) + float(np.exp(lw).sum())
        t = 1.0
        while True:
            tz = t * z
            with np.errstate(divide="ignore", invalid="ignore"):
                lw_t = np.concatenate([lw + np.log1p(np.maximum(tz[:J0], -1.0)),
                                       np.where(tz[J0:] > 0, logsig[J0:] + np.log(np.where(tz[J0:] > 0, tz[J0:], 1.0)), -np.inf)])
            keep = np.isfinite(lw_t)
            trial = _Mix(y[keep], sel[keep], lw_t[keep])
            logf_t, lL_t = _informed_logf(logK, rows, trial)
            if np.all(np.isfinite(logf_t[act])):
                Ft = -float(p[act] @ logf_t[act]) + float(np.exp(trial.lw).sum())
                if Ft <= F0 + 1e-4 * t * max(min(slope, 0.0), -1e300) + 1e-15 * max(1.0, abs(F0)):
                    break
            t *= 0.5
            if t < 1e-10:
                break
        if t < 1e-10:  # no progress at this precision
            y, sel = y[:J0], sel[:J0]
            logf, lL = _informed_logf(logK, rows, _Mix(y, sel, lw))
            break
        dying = (z <= lb + 1e-14)[keep]
        y, sel, lw = trial.y, trial.sel, trial.lw
        logf, lL = logf_t, lL_t
    # normalise: scaling w by 1/S scales f by 1/S and D by S
    c = _lse_1(lw)
    out = _Mix(y, sel, lw - c)
    logf = logf - c
    return out, logf, lm + c, it


def _initial_mix(logK: np.ndarray, rows: _Rows, cover: np.ndarray | None = None,
                 pool: np.ndarray | None = None) -> _Mix:
    """One atom per input letter x of the rows in ``cover``, at its cheapest output.

    Each atom holds the rows (u, x) of its letter and, for the groups without
    one, the best row of ``pool`` (default ``cover``) at that output; it
    weighs the letter's mass (the channel that keeps every x at its cheapest
    output).
    """
    cov = np.ones(rows.p.size, dtype=bool) if cover is None else cover
    pl = cov if pool is None else (pool | cov)
    xs = np.unique(rows.x[cov])
    ys, sels = [], []
    for x in xs:
        y = int(np.argmax(logK[x]))
        sel = []
        for idx in rows.groups:
            hit = idx[cov[idx] & (rows.x[idx] == x)]
            if hit.size:
                sel.append(int(hit[0]))
            else:
                cand = idx[pl[idx]]
                if cand.size == 0:
                    cand = idx
                sel.append(int(cand[np.argmax(rows.logp[cand] + logK[rows.x[cand], y])]))
        ys.append(y)
        sels.append(sel)
    px = np.zeros(logK.shape[0])
    np.add.at(px, rows.x[cov], rows.p[cov])
    lw = np.log(px[xs])
    return _Mix(y=np.array(ys, dtype=np.intp), sel=np.array(sels, dtype=np.intp), lw=lw - _lse(lw))


def _informed_attach(logK: np.ndarray, rows: _Rows, mix: _Mix, logf: np.ndarray, active: np.ndarray,
                     new: np.ndarray) -> _Mix:
    """Serve the rows ``new`` (not yet in the problem) by one atom each, at their first-order optimum.

    For a row k of group g whose mass is small next to the rows already
    solved, the optimum to first order in ``p_k`` sends it to the output
    minimising ``(1 - T_g(y)) / K(x_k, y)``, ``T_g(y)`` the other groups' share
    of the normalisation at y, with weight ``p_k / (1 - T_g(y))``; the atom
    pairs it with the other groups' best rows at that output. The weight is
    capped so that the rows it shares the atom with change by at most 1 %.
    """
    _, selbest, Gm = _informed_terms(logK, rows, logf, active)
    G = Gm.shape[0]
    ks = np.nonzero(new)[0]
    g_of = rows.grp[ks]
    ny = logK.shape[1]
    tot_others = np.empty((G, ny))
    cap = np.empty((G, ny))
    yy = np.arange(ny)
    for g in range(G):
        others = np.delete(Gm, g, axis=0)
        tot_others[g] = _lse(others, axis=0) if G > 1 else -np.inf
        if G > 1:
            so = np.delete(selbest, g, axis=1)  # (ny, G-1) the partner rows
            with np.errstate(invalid="ignore"):
                room = logf[so] - logK[rows.x[so], yy[:, None]]
            room = np.where(np.isnan(room), np.inf, room)
            cap[g] = np.min(room, axis=1) + math.log(1e-2)
        else:
            cap[g] = np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        head = np.log(-np.expm1(np.minimum(tot_others, 0.0)))  # log(1 - T_g(y)), -inf where saturated
    lk = logK[rows.x[ks]]  # (m, ny)
    hk = head[g_of]
    ok = np.isfinite(lk) & np.isfinite(hk)
    with np.errstate(invalid="ignore"):
        val = np.where(ok, hk - lk, np.inf)  # log of the largest feasible lambda_k via y
        logw = np.where(ok, rows.logp[ks][:, None] - hk, np.inf)
    capk = cap[g_of]
    valid = ok & (logw <= capk)
    ys = np.where(np.any(valid, axis=1), np.argmin(np.where(valid, val, np.inf), axis=1),
                  np.argmin(np.where(np.isfinite(lk), np.where(ok, val, np.inf), np.inf), axis=1))
    none = ~np.any(ok, axis=1)
    if np.any(none):  # every reachable output saturated by the other groups: fall back to the cheapest output
        ys[none] = np.argmax(lk[none], axis=1)
    r = np.arange(ks.size)
    lwk = np.minimum(logw[r, ys], capk[r, ys])
    lwk = np.where(np.isfinite(lwk), lwk, rows.logp[ks] + math.log(1e-2))
    sels = selbest[ys].copy()
    sels[r, g_of] = ks
    return _Mix(y=np.concatenate([mix.y, ys.astype(np.intp)]), sel=np.vstack([mix.sel, sels]),
                lw=np.concatenate([mix.lw, lwk]))


_STAGES = (1e-4, 1e-8, 1e-12, 0.0)
"""Levels of p(x | u) at which rows join the cold-start solve (largest first)."""


_TAIL = 1e-18
"""Rows with p(u, x) below this never enter the Newton iterations: they are attached at their
first-order optimum, and the certificate gives them the largest dual values that keep it valid
(:func:`_informed_value`); each moves the value and the bound by at most about p(u, x) times a
log-ratio, far below the tolerance."""


def _informed_core(rows: _Rows) -> np.ndarray:
    """Rows solved by Newton's method: mass at least ``_TAIL``, and the largest row of every group."""
    core = rows.p >= _TAIL
    for idx in rows.groups:
        core[idx[np.argmax(rows.p[idx])]] = True
    return core


def _informed_strip(rows: _Rows, mix: _Mix, core: np.ndarray) -> _Mix:
    """The atoms of ``mix`` that involve only rows of ``core``."""
    own = np.all(core[mix.sel], axis=1)
    if own.all():
        return mix
    return _Mix(mix.y[own], mix.sel[own], mix.lw[own])


def _informed_staged(logK: np.ndarray, rows: _Rows, tol: float, core: np.ndarray, mix0: _Mix | None = None, *,
                     maxiter: int = 200):
    """Slope-s problem on the rows of ``core``, brought in by decreasing p(x|u).

    Rows with ``p(x | u) >= 1e-4`` are solved first (from the atoms of
    ``mix0`` that involve only such rows, or from one atom per letter); every
    later stage attaches the rows of the next decades at their first-order
    optimum (:func:`_informed_attach`) and re-solves, so that a row is never
    asked to move its weight across tens of orders of magnitude, or its
    output across the grid, by Newton steps: the small rows follow the bulk.
    """
    pxu = np.exp(rows.logpxu)
    active = (pxu >= _STAGES[0]) & core
    for idx in rows.groups:  # every group keeps its largest row
        active[idx[np.argmax(rows.p[idx])]] = True
    mix = None
    if mix0 is not None:
        mix = _informed_strip(rows, mix0, active)
        if mix.y.size:
            logf, _ = _informed_logf(logK, rows, mix)
            lost = active & ~np.isfinite(logf)
            if np.any(lost):  # an active row only the dropped atoms served: give it its own letter's atom
                extra = _initial_mix(logK, rows, lost, active)
                mix = _Mix(np.concatenate([mix.y, extra.y]), np.vstack([mix.sel, extra.sel]),
                           np.concatenate([mix.lw, extra.lw + float(_lse(rows.logp[lost]))]))
        else:
            mix = None
    if mix is None:
        mix = _initial_mix(logK, rows, active)
    its = 0
    logf = lm = None
    for i, thr in enumerate(_STAGES):
        if i > 0:
            new = (pxu >= thr) & core & ~active
            if not np.any(new):
                continue
            mix = _informed_attach(logK, rows, mix, logf, active, new)
            active = active | new
        last = bool(np.all(active == core))
        # intermediate stages need only be close: the next one moves every weight again
        mix, logf, lm, it = _informed_san(logK, rows, mix, tol if last else max(tol, 1e-6),
                                          active=None if bool(np.all(active)) else active, maxiter=maxiter)
        its += it
    return mix, logf, lm, its


def _informed_value(logK: np.ndarray, rows: _Rows, logf: np.ndarray, tails: np.ndarray | None) -> float:
    """Certified lower bound on the slope-s Lagrangian from fitted values ``f`` (informed dual).

    ``alpha_{u,x} = log p(x|u) - log f_{u,x}`` on every row, minus
    ``log max_y D(y)`` (the lemma's normalisation). With ``tails``, those rows
    get instead the largest values that keep the other rows' normalised
    terms feasible, each group's share of the slack at y being a G-th: this
    bound holds for any ``f`` and does not need the tails' ``f`` to be
    converged. The larger of the two is returned.
    """
    G = len(rows.groups)
    if not np.all(np.isfinite(logf)):
        plain = -math.inf
    else:
        alpha = rows.logpxu - logf
        logD, _ = _informed_gradient(logK, rows, logf)
        plain = float(rows.p @ alpha) - float(logD.max())
    if tails is None or not np.any(tails):
        return plain
    core = ~tails
    if not np.all(np.isfinite(logf[core])):
        return plain
    with np.errstate(invalid="ignore"):
        T = (rows.logp - logf)[:, None] + logK[rows.x]
    T[tails] = -np.inf
    T[np.isnan(T)] = -np.inf
    logpg = np.log(rows.pu)
    Gm = np.full((G, logK.shape[1]), -np.inf)
    for g, idx in enumerate(rows.groups):
        Gm[g] = np.max(T[idx], axis=0)
    tot = _lse(Gm, axis=0)
    logM = float(tot.max())
    Gn = Gm - logM
    with np.errstate(divide="ignore"):
        lslack = np.log(np.maximum(-np.expm1(np.minimum(tot - logM, 0.0)), 0.0)) - math.log(G)
    cap = np.logaddexp(Gn, lslack[None, :])  # (G, |Y|): each group's allowance at y
    alpha = rows.logpxu - np.where(np.isfinite(logf), logf, 0.0) - logM
    tk = np.nonzero(tails)[0]
    with np.errstate(invalid="ignore"):
        lim = cap[rows.grp[tk]] - logK[rows.x[tk]]  # log p_g + alpha + log K <= cap
    lim = np.where(np.isnan(lim), np.inf, lim)
    alpha[tk] = np.min(lim, axis=1) - logpg[rows.grp[tk]]
    if not np.all(np.isfinite(alpha)):
        return plain
    # evaluate the bound for this alpha exactly (its normalisation is 1 up to rounding)
    T2 = (logpg[rows.grp] + alpha)[:, None] + logK[rows.x]
    Gm2 = np.full((G, logK.shape[1]), -np.inf)
    for g, idx in enumerate(rows.groups):
        Gm2[g] = np.max(T2[idx], axis=0)
    rep = float(rows.p @ alpha) - float(_lse(Gm2, axis=0).max())
    return max(plain, rep)


def _informed_channel(logK: np.ndarray, rows: _Rows, mix: _Mix, logf: np.ndarray) -> np.ndarray:
    """W(y | u, x) = sum over atoms at y of w K(x, y) / f_{u,x} (rows renormalised)."""
    n, ny = rows.p.size, logK.shape[1]
    r = mix.sel.T.ravel()  # (G * J,) row of each (group, atom)
    yy = np.tile(mix.y, mix.sel.shape[1])
    with np.errstate(under="ignore", invalid="ignore"):
        vals = np.exp(np.tile(mix.lw, mix.sel.shape[1]) + logK[rows.x[r], yy] - logf[r])
    vals = np.where(np.isfinite(vals), vals, 0.0)
    W = np.bincount(r * ny + yy, weights=vals, minlength=n * ny).reshape(n, ny)
    tot = W.sum(axis=1, keepdims=True)
    bad = ~(tot[:, 0] > 0)
    if np.any(bad):  # a row no atom serves: its cheapest output (only possible for unconverged tails)
        W[bad] = 0.0
        W[np.nonzero(bad)[0], np.argmax(logK[rows.x[bad]], axis=1)] = 1.0
        tot = W.sum(axis=1, keepdims=True)
    return W / tot


def _informed_sensitivity(logK: np.ndarray, rows: _Rows, mix: _Mix, logf: np.ndarray, cfin: np.ndarray,
                          s: float) -> float:
    """d cost / d log s along the solution path at fixed support (nan if it is not defined)."""
    fin = np.isfinite(mix.lw)
    if not np.any(fin) or not np.all(np.isfinite(logf)):
        return math.nan
    y, sel, lw = mix.y[fin], mix.sel[fin], mix.lw[fin]
    n, J = rows.p.size, y.size
    lL = logK[rows.x[sel], y[:, None]]
    ok = np.isfinite(lL)
    cost = np.where(ok, cfin[rows.x[sel], y[:, None]], 0.0)  # (J, G)
    with np.errstate(under="ignore"):
        Rv = np.where(ok, np.exp(np.where(ok, rows.logp[sel] - logf[sel] + lL, -np.inf)), 0.0)
        Pv = np.where(ok, np.exp(np.where(ok, lL + lw[:, None] - logf[sel], -np.inf)), 0.0)
    Rm = np.zeros((J, n))
    Pm = np.zeros((n, J))
    Cm = np.zeros((n, J))
    cols = np.arange(J)
    for g in range(sel.shape[1]):
        Rm[cols, sel[:, g]] = Rv[:, g]
        Pm[sel[:, g], cols] = Pv[:, g]
        Cm[sel[:, g], cols] = cost[:, g]
    cbar = np.sum(Pm * Cm, axis=1)  # mean reduced cost of each row under the channel
    var = np.sum(Pm * Cm * Cm, axis=1) - cbar**2
    b = np.sum(Rm * (cbar[None, :] - Cm.T), axis=1)  # d D_j / d s
    M = Rm @ Pm
    try:
        dth = np.linalg.lstsq(M, b, rcond=1e-12)[0]
    except np.linalg.LinAlgError:  # pragma: no cover
        return math.nan
    dc = float(rows.p @ np.sum(Pm * (Cm - cbar[:, None]) * dth[None, :], axis=1)) - float(rows.p @ var)
    return s * dc if math.isfinite(dc) else math.nan


def _rows_mi(rows: _Rows, W: np.ndarray) -> float:
    p_uy = np.zeros((len(rows.groups), W.shape[1]))
    for g, idx in enumerate(rows.groups):
        p_uy[g] = rows.p[idx] @ W[idx]
    return _mi_joint(p_uy)


def _rows_cost(rows: _Rows, W: np.ndarray, cfin: np.ndarray) -> float:
    return float(np.sum(rows.p[:, None] * W * cfin[rows.x]))


def _informed_bound_from_channel(rows: _Rows, W: np.ndarray, logK: np.ndarray) -> float:
    """P-hat(s) = sum p(u,x) alpha_{u,x} - log M for the alpha built from a channel.

    The mixing variable is m_u(x, y) = q(y) P(X = x | U = u, Y = y) (any split
    where P(Y = y | U = u) = 0); any such m gives a valid bound.
    """
    G = len(rows.groups)
    ny = W.shape[1]
    joint = rows.p[:, None] * W  # p(u, x, y)
    V = np.zeros((G, ny))
    grp = np.empty(rows.p.size, dtype=np.intp)
    for g, idx in enumerate(rows.groups):
        V[g] = joint[idx].sum(axis=0)
        grp[idx] = g
    q = V.sum(axis=0)
    # posterior split P(x | u, y) = p(u,x) W / p(u,y); uniform over the group where p(u,y) = 0
    Vr = V[grp]
    cnt = np.array([len(rows.groups[g]) for g in grp], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        split = np.where(Vr > 0, joint / np.where(Vr > 0, Vr, 1.0), 1.0 / cnt[:, None])
    logm = _log(q)[None, :] + _log(split)
    logf = _lse(logm + logK[rows.x], axis=1)
    if not np.all(np.isfinite(logf)):
        return -np.inf
    logD, _ = _informed_gradient(logK, rows, logf)
    return float(rows.p @ (rows.logpxu - logf)) - float(logD.max())


def _zero_mi_lp(rows: _Rows, ctil: np.ndarray):
    """Cheapest channel with I(U;Y) = 0 (a barycentre linear program), or None."""
    n = rows.p.size
    ny = ctil.shape[1]
    fin = np.isfinite(ctil[rows.x])  # (n, ny)
    kk, yy = np.nonzero(fin)
    nv = kk.size
    nq = ny
    cobj = np.concatenate([rows.p[kk] * ctil[rows.x[kk], yy], np.zeros(nq)])
    # rows sum to one
    A1 = coo_matrix((np.ones(nv), (kk, np.arange(nv))), shape=(n, nv + nq))
    # for each group g and y: sum_x p(x|u) W - q(y) = 0
    G = len(rows.groups)
    grp = np.empty(n, dtype=np.intp)
    for g, idx in enumerate(rows.groups):
        grp[idx] = g
    r2 = grp[kk] * ny + yy
    data2 = np.exp(rows.logpxu[kk])
    rq = np.repeat(np.arange(G) * ny, ny) + np.tile(np.arange(ny), G)
    cq = nv + np.tile(np.arange(ny), G)
    A2 = coo_matrix(
        (np.concatenate([data2, -np.ones(G * ny)]), (np.concatenate([r2, rq]), np.concatenate([np.arange(nv), cq]))),
        shape=(G * ny, nv + nq),
    )
    from scipy.sparse import vstack as svstack

    Aeq = svstack([A1, A2]).tocsr()
    beq = np.concatenate([np.ones(n), np.zeros(G * ny)])
    res = linprog(
        cobj,
        A_eq=Aeq,
        b_eq=beq,
        bounds=(0, None),
        method="highs",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if res.status != 0:
        return None
    W = np.zeros((n, ny))
    W[kk, yy] = np.maximum(res.x[:nv], 0.0)
    W /= W.sum(axis=1, keepdims=True)
    return W


# ---------------------------------------------------------------------------
# Informed attacker: public solver
# ---------------------------------------------------------------------------


def _check_cost(cost, nx: int) -> np.ndarray:
    try:
        c = np.asarray(cost, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cost must be numeric; got {type(cost).__name__}") from exc
    if c.ndim != 2:
        raise ValueError(f"cost must be 2-dimensional (|X| x |Y|); got shape {c.shape}")
    if c.shape[0] != nx:
        raise ValueError(f"shape mismatch: p_ux has {nx} columns (|X|) but cost has {c.shape[0]} rows")
    if c.shape[1] == 0:
        raise ValueError("cost has no columns (empty output alphabet)")
    if np.any(np.isnan(c)):
        raise ValueError("cost contains NaN")
    if np.any(c == -np.inf):
        raise ValueError("cost contains -inf")
    if np.any(c < 0):
        raise ValueError(f"cost must be non-negative (np.inf marks a forbidden output); min is {np.min(c):.6g}")
    return c


@_sc.quiet_range
def discrete_attack(p_ux, cost, budget, *, tol: float = 1e-10) -> DiscreteAttack:
    r"""Informed attacker on finite alphabets: minimise :math:`I(U; Y)` under a cost budget.

    Primal problem (problem (1) of the paper on finite alphabets):

    .. math::

        I^*(B) = \min_{W} I(U; Y) \quad\text{s.t.}\quad
        \sum_{u,x,y} p(u, x)\, W(y \mid u, x)\, c(x, y) \le B,

    over channels :math:`W(\cdot \mid u, x)` supported where
    :math:`c(x, y) < \infty`. It is convex (Lemma 2.1).

    Parameters
    ----------
    p_ux : array_like, shape (|U|, |X|)
        Joint pmf of :math:`(U, X)` (non-negative, sums to 1 within 1e-9).
    cost : array_like, shape (|X|, |Y|)
        Cost :math:`c(x, y) \ge 0` of turning ``x`` into ``y``; ``np.inf``
        forbids the pair. Every ``x`` with :math:`p(x) > 0` needs a finite
        entry.
    budget : float
        :math:`B \ge \sum_x p(x) \min_y c(x, y)` (the cheapest cost).
    tol : float, default 1e-10
        Target for the certified gap, in nats. The solver stops as soon as
        ``gap <= tol``; reported gaps are typically far below it.

    Returns
    -------
    DiscreteAttack
        ``mi``, ``channel``, ``multiplier``, ``lower_bound``, ``gap`` and
        extras (``cost``, ``min_budget``, ``iterations``, ``evaluations``).

    Raises
    ------
    ValueError
        If ``p_ux`` is not a 2-D pmf, ``cost`` is malformed or of the wrong
        shape, or ``budget`` is negative, non-finite or below the cheapest
        achievable cost.

    Notes
    -----
    Dual bound used (valid for every :math:`s \ge 0` and every
    :math:`\alpha`; see the module notes for the one-line proof):

    .. math::

        I^*(B) \ge \sum_{u,x} p(u,x)\,\alpha_{u,x} - sB
        - \log \max_y \sum_u p(u) \max_x e^{\alpha_{u,x} - s c(x,y)} .

    It is evaluated with :math:`\alpha_{u,x} = \log p(x|u) - \log f_{u,x}`
    from the slope-:math:`s` mixing problem solved by the scaled active-set
    Newton method (module notes), at the requested :math:`B`. Budgets at or beyond the cheapest
    zero-information cost (found by a linear program) return a channel with
    :math:`I(U;Y) = 0` up to rounding and the trivial bound 0. At the
    infeasibility edge :math:`B = \sum_x p(x)\min_y c(x,y)` only cheapest
    outputs are allowed, and the problem without budget on those is solved.

    Scale: the constant :math:`\min_y c(x, y)` is removed exactly and the
    reduced costs are brought to unit scale by a power of two before any
    tolerance is applied (module notes, "Scale and rounding"), so the result
    is the same for ``cost * g, budget * g`` and for ``cost + K, budget + K``
    up to the rounding of those data. ``converged`` is ``gap <= tol``; when it
    is false a :class:`mi_lib.ConvergenceWarning` is issued.

    Examples
    --------
    Binary uniform source, Hamming cost: :math:`R(\varepsilon) = \log 2 -
    h(\varepsilon)`.

    >>> res = discrete_attack([[0.5, 0.0], [0.0, 0.5]], [[0, 1], [1, 0]], 0.1)
    >>> round(res.mi, 10), res.gap < 1e-9
    (0.3680642072, True)
    """
    p = v.pmf(p_ux, "p_ux", ndim=2)
    c = _check_cost(cost, p.shape[1])
    B = v.nonnegative(budget, "budget")
    tol = v.positive(tol, "tol")
    nU, nX = p.shape
    ny = c.shape[1]
    px = p.sum(axis=0)
    finite_row = np.any(np.isfinite(c), axis=1)
    if np.any((px > 0) & ~finite_row):
        bad = int(np.nonzero((px > 0) & ~finite_row)[0][0])
        raise ValueError(f"cost row {bad} has no finite entry but p(x={bad}) > 0: no output is reachable")
    cmin = np.where(finite_row, np.min(np.where(np.isfinite(c), c, np.inf), axis=1), 0.0)
    # the constant offset min_y c(x, y) is removed exactly: reduced costs, and the reduced budget
    # B - sum p(u,x) cmin(x) in exact arithmetic (a budget a few ulps above the cheapest cost is not it)
    offset = _sc.exact_offset(p, cmin)
    Bmin = float(offset)
    Bt = _sc.reduced_budget(B, offset)
    with np.errstate(invalid="ignore"):
        ctil_raw = np.where(np.isfinite(c), c - cmin[:, None], np.inf)
    # unit of cost: a power of two (exact), so that every threshold below is scale-free
    k = _sc.unit_exponent(ctil_raw)
    # a budget below the cheapest cost by no more than rounding (of a floating-point sum of the
    # cheapest costs, or of costs meant to be 0 computed as, say, (y - x)^2) is read as the cheapest
    # cost (the edge); anything lower is infeasible
    if Bt < -4.0 * (p.size + 2) * _sc.EPS * max(Bmin, math.ldexp(1.0, k)):
        raise ValueError(
            f"budget {B:.17g} is infeasible: the cheapest achievable expected cost is {Bmin:.17g}"
        )
    Bt = max(Bt, 0.0)
    ctil = _sc.scaled(ctil_raw, k)
    Bt = float(_sc.scaled(Bt, k))
    rows = _rows_of(p)
    cfin = np.where(np.isfinite(ctil), ctil, 0.0)

    def full_channel(Wr: np.ndarray) -> np.ndarray:
        out = np.zeros((nU, nX, ny))
        cheapest = np.argmin(np.where(np.isfinite(c), c, np.inf), axis=1)
        out[:, np.arange(nX), cheapest] = 1.0
        out[rows.u, rows.x] = Wr
        out.setflags(write=False)
        return out

    def finish(Wr, mi, lb, s, iters, evals) -> DiscreteAttack:
        cst = Bmin + _sc.unscaled(_rows_cost(rows, Wr, cfin), k)
        lb = min(lb, mi) if lb > mi and lb - mi < 1e-13 else lb
        gap = float(mi - lb)
        converged, message = _sc.report(gap, tol, "discrete_attack", stacklevel=4)
        return DiscreteAttack(
            mi=float(mi),
            lower_bound=float(lb),
            gap=gap,
            channel=full_channel(Wr),
            multiplier=_sc.unscaled(float(s), -k),
            cost=float(cst),
            budget=B,
            min_budget=Bmin,
            iterations=int(iters),
            evaluations=int(evals),
            converged=converged,
            message=message,
        )

    # Only one u: I(U; Y) = 0 at the cheapest channel. (X independent of U is found by the search:
    # its zero-information channel is the cheapest one, returned with the exact LP channel.)
    if len(rows.groups) <= 1:
        W0 = np.zeros((rows.p.size, ny))
        W0[np.arange(rows.p.size), np.argmin(np.where(np.isfinite(c), c, np.inf), axis=1)[rows.x]] = 1.0
        return finish(W0, _rows_mi(rows, W0), 0.0, 0.0, 0, 0)

    tol_in = max(min(1e-3 * tol, 1e-13), 1e-15)

    # Infeasibility edge (the budget equals the cheapest cost): only cheapest outputs; solve the
    # unbudgeted problem on them.
    if Bt <= 0.0:
        logK0 = np.where(ctil == 0.0, 0.0, -np.inf)
        core = _informed_core(rows)
        tails = None if np.all(core) else ~core
        mix, logf, lm, it = _informed_staged(logK0, rows, tol_in, core)
        if tails is not None:
            mix = _informed_attach(logK0, rows, mix, logf, core, tails)
            logf, _ = _informed_logf(logK0, rows, mix)
        Wr = _informed_channel(logK0, rows, mix, logf)
        mi = _rows_mi(rows, Wr)
        lb = _informed_value(logK0, rows, logf, tails)
        if tails is not None and mi - lb > tol:  # repaired tail values too loose: iterate every row
            everyone = np.ones(rows.p.size, dtype=bool)
            mix2, logf2, _, it2 = _informed_staged(logK0, rows, tol_in, everyone, mix)
            it += it2
            lb = max(lb, _informed_value(logK0, rows, logf2, None))
            W2 = _informed_channel(logK0, rows, mix2, logf2)
            mi2 = _rows_mi(rows, W2)
            if mi2 < mi:
                Wr, mi = W2, mi2
        lb = max(lb, 0.0)
        return finish(Wr, mi, lb, math.inf, it, 1)

    # A constant output is a zero-information channel: if the cheapest one fits, it is optimal.
    const = np.where(np.isfinite(ctil), px[:, None] * cfin, np.inf)
    const = np.where(px[:, None] > 0, const, 0.0).sum(axis=0)
    y0 = int(np.argmin(const))
    if const[y0] <= Bt:
        W0 = np.zeros((rows.p.size, ny))
        W0[:, y0] = 1.0
        return finish(W0, 0.0, 0.0, 0.0, 0, 0)
    res = _informed_search(rows, ctil, cfin, Bt, tol, tol_in)
    Wr, mi, lb, s, iters, evals = res
    return finish(Wr, mi, max(lb, 0.0), s, iters, evals)


def _atoms_key(mix: _Mix) -> frozenset:
    big = mix.lw > math.log(1e-12)
    return frozenset((int(y), tuple(int(k) for k in s)) for y, s in zip(mix.y[big], mix.sel[big]))


class _InformedOracle:
    """Slope-s solves of the informed problem (mixing problem + scaled active-set Newton method)."""

    def __init__(self, rows: _Rows, ctil: np.ndarray, cfin: np.ndarray, Bt: float, tol_in: float,
                 tails: bool = True):
        self.rows, self.ctil, self.cfin, self.Bt, self.tol_in = rows, ctil, cfin, Bt, tol_in
        self.core = _informed_core(rows) if tails else np.ones(rows.p.size, dtype=bool)
        self.tails = None if np.all(self.core) else ~self.core
        self._dcost: dict = {}
        self.states: dict = {}  # slope -> mixture of the last full solve there

    def measure(self, W: np.ndarray) -> tuple[float, float]:
        return _rows_mi(self.rows, W), _rows_cost(self.rows, W, self.cfin)

    def solve(self, s: float, warm: _Eval | None = None, generate: bool = True, mix0: _Mix | None = None) -> _Eval:
        rows, core = self.rows, self.core
        logK = -s * self.ctil
        act = None if self.tails is None else core
        if mix0 is not None:  # restricted solves and solves from a given mixture
            mix, logf, lm, it = _informed_san(logK, rows, _informed_strip(rows, mix0, core), self.tol_in,
                                              generate=generate, active=act)
        elif warm is not None:
            # a few Newton steps from the nearby solution usually suffice; if not (the support moved
            # far), bring the rows back in by stages
            start = _informed_strip(rows, warm.state[0], core)
            mix, logf, lm, it = _informed_san(logK, rows, start, self.tol_in, maxiter=10, active=act)
            if not lm <= self.tol_in:
                mix, logf, lm, it2 = _informed_staged(logK, rows, self.tol_in, core, mix)
                it += it2
        else:
            mix, logf, lm, it = _informed_staged(logK, rows, self.tol_in, core)
        if self.tails is not None:  # the tails follow at their first-order optimum
            mix = _informed_attach(logK, rows, mix, logf, core, self.tails)
            logf, _ = _informed_logf(logK, rows, mix)
        Wr = _informed_channel(logK, rows, mix, logf)
        H = float(rows.p @ (rows.logpxu - logf)) if np.all(np.isfinite(logf)) else math.inf
        mi = _rows_mi(rows, Wr) if generate else math.nan
        if generate:
            self.states[s] = mix
        if not generate:
            value = math.nan
        elif self.tails is None:  # lm is log max D over every row and output: the plain bound
            value = H - lm if math.isfinite(H) and math.isfinite(lm) else -math.inf
        else:
            value = _informed_value(logK, rows, logf, self.tails)
        return _Eval(
            s=s, X=Wr, cost=_rows_cost(rows, Wr, self.cfin), mi=mi, H=H,
            value=value, key=_atoms_key(mix), state=(mix, logf), iterations=it,
        )

    def dcost(self, r: _Eval) -> float:
        """d cost / d log s along the solution path at r (nan if unusable); computed once, on demand."""
        got = self._dcost.get(id(r))
        if got is None:
            mix, logf = r.state
            got = (_informed_sensitivity(-r.s * self.ctil, self.rows, mix, logf, self.cfin, r.s)
                   if r.s > 0 and math.isfinite(r.value) else math.nan)
            self._dcost[id(r)] = got
        return got

    def restricted(self, s: float, ev: _Eval) -> _Eval:
        m0 = ev.state[0]
        return self.solve(s, generate=False, mix0=_Mix(m0.y, m0.sel, m0.lw.copy()))


def _slope_search(oracle, Bt: float, tol: float, slack: float, s0: float, zero_exit=None, floor_hook=None):
    """Find the slope whose optimal cost meets the budget ``Bt`` and a certified near-optimal point.

    Every full solve gives the certified bound value(s) - s Bt (weak duality
    at the requested budget); every point met is a primal candidate; the
    answer is the best single point within budget or the best mixture of one
    point above and one below it (the feasible set is convex and I is
    convex). Slopes: path-following to a bracket by Newton steps in log s on
    log cost, with the derivative of the cost along the solution path, at
    most a factor 2 in s per solve while warm starts are expensive; inside
    the bracket, Newton from the end nearer the budget when it stays on that
    end's smooth piece, else regula falsi (Illinois) in log s with a
    bisection fallback. Where the optimal cost jumps (two supports tie at one
    slope: a linear piece of the curve), the tie is located by Newton's
    method on the difference of the two restricted optima and both are kept
    for mixing.

    Returns (X, mi, lb, s, iterations, evaluations).
    """
    cache: list[_Eval] = []
    pool: list[tuple] = []
    iters = [0]

    def solve(s: float, **kw) -> _Eval:
        if "warm" not in kw and cache:
            kw["warm"] = min(cache, key=lambda r: abs(math.log(r.s) - math.log(s)) if r.s > 0 else math.inf)
        r = oracle.solve(s, **kw)
        iters[0] += r.iterations
        cache.append(r)
        pool.append((r.cost, r.mi, r.X))
        return r

    def assess():
        lb, sb = max((r.value - r.s * Bt, r.s) for r in cache)
        eps = slack
        best = (math.inf, None)
        for cst, mi, X in pool:
            if cst <= Bt + eps and mi < best[0]:
                best = (mi, X)
        above = [t for t in pool if t[0] > Bt + eps]
        below = [t for t in pool if t[0] <= Bt]
        if above and below:
            ca = np.array([t[0] for t in above])[:, None]
            ma = np.array([t[1] for t in above])[:, None]
            cb = np.array([t[0] for t in below])[None, :]
            mb = np.array([t[1] for t in below])[None, :]
            th = (Bt - cb) / (ca - cb)
            val = th * ma + (1.0 - th) * mb
            i, j = np.unravel_index(int(np.argmin(val)), val.shape)
            if float(val[i, j]) < best[0]:
                a, b = above[i], below[j]
                t = (Bt - b[0]) / (a[0] - b[0])
                for _ in range(4):
                    Xm = t * a[2] + (1.0 - t) * b[2]
                    mi, cst = oracle.measure(Xm)
                    if cst <= Bt + eps:
                        break
                    t = max(t * (1.0 - 1e-13) - 1e-16, 0.0)
                if cst <= Bt + eps and mi < best[0]:
                    best = (mi, Xm)
        return best[0], best[1], lb, sb

    def kink_slope(lo: _Eval, hi: _Eval):
        """Slope where the supports of lo and hi tie: Newton on H_lo(s) - H_hi(s) (derivative cost_lo - cost_hi)."""
        dl, dh = lo.value - lo.s * Bt, hi.value - hi.s * Bt
        if not lo.cost > hi.cost:
            return None
        s = (dh - dl + (lo.cost - Bt) * lo.s - (hi.cost - Bt) * hi.s) / (lo.cost - hi.cost)
        if not lo.s < s < hi.s:
            s = math.sqrt(lo.s * hi.s) if lo.s > 0 else 0.5 * hi.s
        ra, rb = lo, hi
        for _ in range(8):
            ra = oracle.restricted(s, ra)
            rb = oracle.restricted(s, rb)
            iters[0] += ra.iterations + rb.iterations
            der = ra.cost - rb.cost
            if not der > 0:
                return None
            step = -(ra.H - rb.H) / der
            s_new = s + step
            if not lo.s <= s_new <= hi.s:
                return None
            s = s_new
            if abs(step) <= 1e-11 * s or abs(ra.H - rb.H) <= 1e-15 * (1.0 + abs(ra.H)):
                break
        for r in (ra, rb):  # both tie at s: each is a primal candidate (mixed in assess)
            mi, cst = oracle.measure(r.X)
            pool.append((cst, mi, r.X))
        return s, ra, rb

    def newton_log_step(r: _Eval) -> float:
        """Newton step in log s on log cost (the cost falls roughly like a power of s); nan if unusable."""
        dc = oracle.dcost(r) if hasattr(oracle, "dcost") else math.nan
        if not (math.isfinite(dc) and dc < 0.0 and r.cost > 0.0):
            return math.nan
        return (math.log(Bt) - math.log(r.cost)) * r.cost / dc

    # path-following to a bracket: Newton steps on log cost, at most a factor 2 in s per solve (a warm
    # start from a nearby slope costs a few Newton steps; from a distant one it costs more than a cold start)
    s = s0
    r = solve(s)
    if zero_exit is not None and zero_exit(r):
        return r.X, r.mi, 0.0, 0.0, iters[0], len(cache)
    for _ in range(2000):
        up = r.cost > Bt
        if (up and any(q.cost <= Bt for q in cache)) or (not up and any(q.cost >= Bt for q in cache)):
            break
        if r.cost == Bt or not 1e-300 < s < 1e300:
            break
        # the step may grow while warm starts stay cheap (the solution moving smoothly)
        big = math.log(4.0) if r.iterations > 4 else math.log(16.0)
        u = newton_log_step(r)
        if not up and floor_hook is not None and math.isfinite(u) and u < -3.0 * big:
            # far below the budget even after the step: the zero-information point may be within reach
            out = floor_hook(r)
            if out is not None:
                return out + (iters[0], len(cache))
        mag = min(max(1.1 * abs(u), math.log(1.02)), big) if math.isfinite(u) else big
        s *= math.exp(mag if up else -mag)
        r = solve(s)
        if not up:
            if zero_exit is not None and zero_exit(r):
                return r.X, r.mi, 0.0, 0.0, iters[0], len(cache)
            if floor_hook is not None and r.cost < Bt and (len(cache) >= 4 or r.mi <= 1e-4):
                out = floor_hook(r)
                if out is not None:
                    return out + (iters[0], len(cache))

    side = 0
    Fscale = [1.0, 1.0]  # Illinois factors for the lo and hi ends
    jumpy = False
    tried: set = set()
    hist: list[float] = []
    for _ in range(100):
        mi, X, lb, sb = assess()
        if mi - lb <= tol:
            break
        lo = max((q for q in cache if q.cost >= Bt), key=lambda q: q.s)
        hi = min((q for q in cache if q.cost <= Bt), key=lambda q: q.s)
        tl, th_ = math.log(lo.s), math.log(hi.s)
        width = th_ - tl
        if width <= 1e-15 * max(1.0, abs(tl)):
            break
        # Newton from the end nearer the budget: on one smooth piece (the same support at both ends), or
        # when its step is short next to the bracket (the root then lies on that end's own piece; across
        # changes of support the local derivative misleads and the secant is better). No margin for it
        # (near the root its point is close to an end), but never a slope met before.
        near = lo if lo.cost - Bt <= Bt - hi.cost else hi
        u = newton_log_step(near)
        t = math.log(near.s) + u if math.isfinite(u) else math.nan
        hist.append(min(lo.cost - Bt, Bt - hi.cost))
        stalled = len(hist) >= 4 and hist[-1] > 0.5 * hist[-4]
        newton = (not stalled and tl < t < th_ and (lo.key == hi.key or abs(u) < 0.25 * width)
                  and min(abs(t - math.log(q.s)) for q in cache if q.s > 0) > 1e-12 * max(width, 1e-300))
        pair = (id(lo), id(hi))
        if not newton and lo.key != hi.key and (jumpy or width < 0.01) and width < 0.05 and pair not in tried:
            # two supports meet in a narrow bracket: look for the slope where they tie
            tried.add(pair)
            jumpy = False
            got = kink_slope(lo, hi)
            if got is not None and lo.s < got[0] < hi.s:
                sk, ra, rb = got
                solve(sk, mix0=ra.state[0])  # ra is optimal at the tie: a warm start at the optimum
                side = 0
                continue
        margin = 1e-3 * width
        if not newton:
            Flo, Fhi = (lo.cost - Bt) * Fscale[0], (hi.cost - Bt) * Fscale[1]
            t = (tl * Fhi - th_ * Flo) / (Fhi - Flo) if Flo != Fhi else math.nan
            if stalled or not (tl + margin < t < th_ - margin):
                t = 0.5 * (tl + th_)
                hist.clear()
        if newton:
            pred = 0.0
        else:
            pred = (lo.cost - Bt) + (hi.cost - lo.cost) * (t - tl) / width
        r = solve(math.exp(t))
        jumpy = abs(r.cost - Bt - pred) > 0.25 * (lo.cost - hi.cost)
        if r.cost >= Bt:
            Fscale = [1.0, Fscale[1] * (0.5 if side == -1 else 1.0)]
            side = -1
        else:
            Fscale = [Fscale[0] * (0.5 if side == 1 else 1.0), 1.0]
            side = 1
    mi, X, lb, sb = assess()
    return X, mi, lb, sb, iters[0], len(cache)


def _informed_search(rows: _Rows, ctil, cfin, Bt: float, tol: float, tol_in: float):
    """Slope search for the informed problem (reduced budget ``Bt`` > 0, costs at unit scale)."""
    # a channel counts as within budget when its computed cost exceeds Bt by no more than the
    # rounding of the cost sum (relative to Bt: the problem has no absolute scale)
    slack = 4.0 * (rows.p.size + 2) * _sc.EPS * Bt
    oracle = _InformedOracle(rows, ctil, cfin, Bt, tol_in)
    pos = ctil[np.isfinite(ctil) & (ctil > 0)]
    s0 = 1.0 / float(np.median(pos)) if pos.size else 1.0

    lp_tried = [False]

    def zero_exit(r: _Eval) -> bool:
        if r.cost <= Bt + slack and r.mi <= 0.1 * tol:
            # information is (numerically) zero within budget: prefer an exact zero-information channel
            if not lp_tried[0]:
                lp_tried[0] = True
                W0 = _zero_mi_lp(rows, ctil)
                if W0 is not None and _rows_cost(rows, W0, cfin) <= Bt + slack:
                    mi0 = _rows_mi(rows, W0)
                    if mi0 < r.mi:
                        object.__setattr__(r, "X", W0)
                        object.__setattr__(r, "mi", mi0)
            return True
        return False

    done = [False]

    def floor_hook(r: _Eval):
        if done[0]:
            return None
        done[0] = True
        W0 = _zero_mi_lp(rows, ctil)
        if W0 is not None and _rows_cost(rows, W0, cfin) <= Bt + slack:
            return (W0, _rows_mi(rows, W0), 0.0, 0.0)
        return None

    out = _slope_search(oracle, Bt, tol, slack, s0, zero_exit=zero_exit, floor_hook=floor_hook)
    X, mi, lb, sb, iters, evals = out
    if mi - lb > tol and oracle.tails is not None:
        # the tails' dual values were only repaired, not fitted, and at small budgets (large slopes)
        # that repair can cost more than tol: certify at the best slope with every row iterated,
        # starting from the mixture found there (the tails then have only a few Newton steps to go)
        full = _InformedOracle(rows, ctil, cfin, Bt, tol_in, tails=False)
        if sb in oracle.states:
            r = full.solve(sb, mix0=oracle.states[sb])
            if not r.value - sb * Bt >= mi - tol:
                r2 = full.solve(sb)  # staged cold start with every row
                r = r2 if r2.value > r.value else r
            iters += r.iterations
            evals += 1
            if r.value - sb * Bt > lb:
                lb = r.value - sb * Bt
            if r.cost <= Bt + slack and r.mi < mi:
                X, mi = r.X, r.mi
        if mi - lb > tol:  # the best slope of the tail-repaired bounds is off: search again with every row
            start = sb if 0.0 < sb < math.inf else s0
            X2, mi2, lb2, sb2, it2, ev2 = _slope_search(full, Bt, tol, slack, start, zero_exit=zero_exit)
            iters += it2
            evals += ev2
            if lb2 > lb:
                lb, sb = lb2, sb2
            if mi2 < mi:
                X, mi = X2, mi2
    return X, mi, lb, sb, iters, evals


# ---------------------------------------------------------------------------
# Blind attacker
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Blind:
    """Lattice layout of the blind problem (grid in increasing order)."""

    ne: int
    ny: int
    kappa: np.ndarray  # e^2 on the sorted grid
    gp: np.ndarray  # p(u) per group
    loggp: np.ndarray
    goff: tuple  # per group: y offsets of the letters x with p(u, x) > 0
    glp: tuple  # per group: log p(x | u) of those letters
    roff: np.ndarray  # per row (u, x): y offset
    rp: np.ndarray  # per row: p(u, x)
    rg: np.ndarray  # per row: group index


def _blind_outputs(m: _Blind, ell: np.ndarray):
    """log V_u (G x |Y|), log q and I(U; Y) for the perturbation law exp(ell)."""
    G = m.gp.size
    logV = np.full((G, m.ny), -np.inf)
    for g in range(G):
        offs, lps = m.goff[g], m.glp[g]
        if offs.size == 1:
            o = int(offs[0])
            logV[g, o : o + m.ne] = lps[0] + ell
        else:
            for o, lp in zip(offs, lps):
                sl = slice(int(o), int(o) + m.ne)
                logV[g, sl] = np.logaddexp(logV[g, sl], lp + ell)
    logq = _lse(m.loggp[:, None] + logV, axis=0)
    fin = np.isfinite(logV)
    gi, yi = np.nonzero(fin)
    lv = logV[gi, yi]
    mi = float(np.sum(m.gp[gi] * np.exp(lv) * (lv - logq[yi])))
    return logV, logq, max(mi, 0.0)


@dataclass(slots=True)
class _BStep:
    """One fixed-slope Blahut–Arimoto-type step from a full-support law and its certificate."""

    ell: np.ndarray  # input log pmf
    mi: float  # I at the input
    cost: float  # E kappa at the input
    new: np.ndarray  # log pmf after the step
    value: float  # certified: min_pi I(pi) + s E kappa >= value
    lrho: np.ndarray  # log of the one-step ratio new / input


def _blind_step(m: _Blind, ell: np.ndarray, s: float) -> _BStep:
    """pi'(e) ~ pi(e) exp(-g(e) - s e^2) and the bound -log Z - log R (module notes)."""
    ell = ell - _lse(ell)
    logV, logq, mi = _blind_outputs(m, ell)
    ne = m.ne
    grad = np.zeros(ne)
    for k in range(m.rp.size):
        o = int(m.roff[k])
        sl = slice(o, o + ne)
        grad += m.rp[k] * (logV[m.rg[k], sl] - logq[sl])
    base = ell - grad - s * m.kappa
    lZ = float(_lse(base))
    new = base - lZ
    new = np.maximum(new, new.max() + _FLOOR)
    lrho = new - ell
    G = m.gp.size
    acc = np.full((G, m.ny), -np.inf)
    for g in range(G):
        for o in m.goff[g]:
            sl = slice(int(o), int(o) + ne)
            acc[g, sl] = np.maximum(acc[g, sl], lrho)
    fin = np.isfinite(logq)
    terms = m.loggp[:, None] + logV[:, fin] - logq[fin][None, :] + acc[:, fin]
    logR = float(np.max(_lse(terms, axis=0)))
    cost = float(np.exp(ell) @ m.kappa)
    return _BStep(ell=ell, mi=mi, cost=cost, new=new, value=-lZ - logR, lrho=lrho)


def _blind_hessian(m: _Blind, logV: np.ndarray, logq: np.ndarray):
    """Hessian of I at a full-support law, as a sparse matrix with a few diagonals.

    I(pi) = sum_u p(u) sum_y V_u log(V_u / q) with V_u(y) = sum_x p(x|u) pi(y - x);
    d2I / dpi(e) dpi(e') = sum_u p(u) sum_y A_u(y,e) A_u(y,e') / V_u(y)
    - sum_y A(y,e) A(y,e') / q(y), nonzero only for e' - e in {x - x'}.
    """
    n = m.ne
    terms: dict[int, np.ndarray] = {}
    invV = np.zeros_like(logV)
    fin = np.isfinite(logV)
    invV[fin] = np.exp(-logV[fin])
    invq = np.zeros_like(logq)
    finq = np.isfinite(logq)
    invq[finq] = np.exp(-logq[finq])
    for a in range(m.rp.size):
        oa = int(m.roff[a])
        for b in range(m.rp.size):
            ob = int(m.roff[b])
            off = ob - oa  # entry (e, e') with output y = oa + e = ob + e' -> e' = e - off
            k = -off  # diagonal index: column - row
            lo_e = max(0, -k)
            hi_e = min(n, n - k)
            if hi_e <= lo_e:
                continue
            y = oa + np.arange(lo_e, hi_e)
            vals = -m.rp[a] * m.rp[b] * invq[y]
            if m.rg[a] == m.rg[b]:
                g = int(m.rg[a])
                vals = vals + m.rp[a] * m.rp[b] / m.gp[g] * invV[g, y]
            if k in terms:
                terms[k] = terms[k] + vals
            else:
                terms[k] = vals
    offs = sorted(terms)
    return offs, [terms[k] for k in offs]


class _KKT:
    """Fixed sparsity pattern of the bordered matrix [[K, C'], [C, 0]] (K with a few diagonals).

    Building the compressed-column arrays once and refilling only the values
    avoids the general sparse-assembly overhead at every Newton step.
    """

    def __init__(self, n: int, offs: list[int], C: np.ndarray):
        rows, cols, src = [], [], []
        start = 0
        self.slices = []
        for k in offs:  # entry (e, e + k)
            e = np.arange(max(0, -k), min(n, n - k))
            rows.append(e)
            cols.append(e + k)
            src.append(start + np.arange(e.size))
            self.slices.append((start, start + e.size))
            start += e.size
        nc = C.shape[0]
        for r in range(nc):  # border rows n + r and columns n + r
            rows.append(np.full(n, n + r))
            cols.append(np.arange(n))
            src.append(start + np.arange(n))
            start += n
            rows.append(np.arange(n))
            cols.append(np.full(n, n + r))
            src.append(start + np.arange(n))
            start += n
        rows_a, cols_a, src_a = np.concatenate(rows), np.concatenate(cols), np.concatenate(src)
        order = np.lexsort((rows_a, cols_a))
        self.perm = src_a[order]
        self.indices = rows_a[order].astype(np.int32)
        counts = np.bincount(cols_a, minlength=n + nc)
        self.indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        self.shape = (n + nc, n + nc)
        self.border = np.concatenate([np.concatenate([C[r], C[r]]) for r in range(nc)])
        self.nd = start - 2 * nc * n

    def matrix(self, diags: list[np.ndarray]):
        vals = np.concatenate(list(diags) + [self.border])
        return csc_matrix((vals[self.perm], self.indices, self.indptr), shape=self.shape)


def _blind_barrier(m: _Blind, B: float, tol: float, budget: bool, maxiter: int = 300):
    """Barrier path following for the blind problem; returns (pi, mi, lower bound, slope, iterations).

    Minimises I(pi) - tau sum_e log pi_e subject to sum pi = 1 (and
    sum pi kappa = B when ``budget``) for tau decreasing to ~0. At a centred
    point every grid point carries mass ~ tau / slack off the support, which is
    the off-support profile the one-step certificate (module notes) needs: with
    s the multiplier of the budget it is within ~ n tau of the value. The path
    is followed until the certified gap is below ``tol``. Newton systems: the
    Hessian of I has a few diagonals (offsets x - x'), plus tau / pi^2 on the
    diagonal: one sparse LU per step and a 2 x 2 Schur complement.
    """
    n = m.ne
    kmean, kmin = float(m.kappa.mean()), float(m.kappa.min())
    if budget:
        if kmean > B:
            # strictly positive start on the budget plane: a tilt of the uniform law mixed with it
            theta = min(0.5, 0.5 * (B - kmin) / max(kmean - kmin, 1e-300))
            target = (B - theta * kmean) / (1.0 - theta)
            tilt = _tilt(np.full(n, 1.0 / n), m.kappa, np.ones(n, dtype=bool), target)
            pi = (1.0 - theta) * tilt + theta / n
        else:
            j = int(np.argmax(m.kappa))
            lam = 0.5 * (B - kmean) / (m.kappa[j] - kmean)
            pi = np.full(n, (1.0 - lam) / n)
            pi[j] += lam
            # now mean < B strictly inside; tilt towards dearer points is not needed: fix below
        C = np.vstack([np.ones(n), m.kappa])
        bvec = np.array([1.0, B])
    else:
        pi = np.full(n, 1.0 / n)
        C = np.ones((1, n))
        bvec = np.array([1.0])
    tau = 1e-2 / n
    best = (math.inf, -math.inf, pi.copy(), 0.0)  # (mi, lb, pi, s)
    it = 0
    lam_b = 0.0
    dec = math.inf

    def merit(x: np.ndarray, t: float) -> float:
        lx = np.log(x)
        return _blind_outputs(m, lx)[2] - t * float(np.sum(lx))

    pattern = None

    while it < maxiter:
        for _ in range(40):
            ell = np.log(pi)
            logV, logq, mi = _blind_outputs(m, ell)
            gI = np.zeros(n)
            for k in range(m.rp.size):
                o = int(m.roff[k])
                gI += m.rp[k] * (logV[m.rg[k], o : o + n] - logq[o : o + n])
            g = gI - tau / pi
            offs, dg = _blind_hessian(m, logV, logq)
            k0 = offs.index(0)
            dg[k0] = dg[k0] + (tau / pi) / pi
            # bordered (KKT) system [[K, C'], [C, 0]]: K alone is nearly singular along pi because
            # I is 1-homogeneous (its Hessian annihilates pi); the bordered matrix is not
            if pattern is None:
                pattern = _KKT(n, offs, C)
            kkt = pattern.matrix(dg)
            resid = C @ pi - bvec  # infeasible start: C d = -resid
            try:
                sol = splu(kkt).solve(np.concatenate([-g, -resid]))
            except RuntimeError:  # pragma: no cover - nonsingular for tau > 0
                break
            d, lam = sol[:n], sol[n:]
            lam_b = float(lam[1]) if budget else 0.0
            it += 1
            dec = -float(g @ d)
            # the sum constraint is kept by renormalising (I is 1-homogeneous); the solves are accurate
            # to ~1e-12 along the homogeneity direction, so feasibility is judged at that level
            feas = abs(float(resid[0])) <= 1e-13 and (not budget or abs(float(resid[1])) <= 1e-13 * B)
            if feas and dec <= max(1e-2 * tau, 1e-17):
                break
            neg = d < 0
            t = min(1.0, 0.99 * float(np.min(-pi[neg] / d[neg]))) if np.any(neg) else 1.0
            if feas and dec > 1e-9:  # far from the centre: Armijo line search on the barrier merit
                f0 = merit(pi, tau)
                while t > 1e-14:
                    xt = pi + t * d
                    if np.all(xt > 0) and merit(xt, tau) <= f0 - 1e-4 * t * dec:
                        break
                    t *= 0.5
                if t <= 1e-14:
                    break
            pi = pi + t * d
            pi = pi / pi.sum()
            if it >= maxiter:
                break
        # certificate at the centred point, slope = multiplier of the budget (s = 0 without budget)
        s = max(lam_b, 0.0)
        pin = pi / pi.sum()
        st = _blind_step(m, np.log(pin), s)
        lb = st.value - s * B
        feasible = (not budget) or float(pin @ m.kappa) <= B * (1.0 + 1e-13)
        if feasible and st.mi - lb < best[0] - best[1]:
            best = (st.mi, lb, pin.copy(), s)
        if best[0] - best[1] <= tol or tau < 1e-20:
            break
        tau *= 0.02
    return best[2], best[0], best[1], best[3], it


def _purify(m: _Blind, pi: np.ndarray, mi: float, B: float) -> tuple[np.ndarray, float]:
    """Drop barrier residues (masses below 1e-9 of the largest) if that keeps the budget and lowers I."""
    keep = pi > 1e-9 * pi.max()
    if np.all(keep):
        return pi, mi
    q = np.where(keep, pi, 0.0)
    q /= q.sum()
    if float(q @ m.kappa) > B * (1.0 + 1e-13):
        return pi, mi
    mq = _model_mi(m, q)
    return (q, mq) if mq < mi else (pi, mi)


def _blind_search(m: _Blind, B: float, tol: float):
    """Budget handling: the equality-constrained path, or the free problem when the budget does not bind.

    Fine grids first go through the coset split (:mod:`mi_lib._blind_cosets`),
    which is used when its recomputed value meets the certified tolerance.
    """
    binds = float(m.kappa.max()) > B
    fast = coset_blind_solve(m, B, tol, binds)
    if fast is not None:
        pi, lb, s, steps = fast
        mi = _model_mi(m, pi)
        if mi - lb <= tol and float(pi @ m.kappa) <= B * (1.0 + 1e-13):
            return pi, mi, lb, s, steps, 1
    if not binds:
        pi, mi, lb, s, it = _blind_barrier(m, B, tol, budget=False)
        pi, mi = _purify(m, pi, mi, B)
        return pi, mi, lb, 0.0, it, 1
    pi, mi, lb, s, it = _blind_barrier(m, B, tol, budget=True)
    pi, mi = _purify(m, pi, mi, B)
    if mi - lb > tol:
        # the budget may not bind (negative multiplier): the free optimum, if within budget, is optimal
        pf, mf, lf, _, it2 = _blind_barrier(m, B, tol, budget=False)
        it += it2
        pf, mf = _purify(m, pf, mf, B)
        if float(pf @ m.kappa) <= B * (1.0 + 1e-13):
            lb = max(lb, lf)
            if mf - lb < mi - lb:
                pi, mi, s = pf, mf, 0.0
    return pi, mi, lb, s, it, 1


def _model_mi(m: _Blind, pi: np.ndarray) -> float:
    """I(U; X + E) for the law ``pi`` on the (sub)grid of the model."""
    return _blind_outputs(m, _log(pi))[2]


_LATTICE_ULPS = 64.0
"""Letters and grid points may sit off the lattice by this many units of roundoff of the grid scale
(``max |e|, |x|, h``): the rounding of a grid built by ``linspace`` or ``arange``, and no more."""


def _lattice_indices(x: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Integer lattice coordinates of x and e, the spacing h and the origin.

    ``e`` must be equally spaced (in sorted order); every x must differ from
    min(e) by an integer multiple of that spacing, both to within
    ``_LATTICE_ULPS`` units of roundoff of the grid scale (a letter off the
    lattice by more has outputs that never coincide with the others', a
    different problem, and is rejected). With a single e-value any distinct x
    are allowed (their outputs are distinct).
    """
    es = np.sort(e)
    if es.size == 1:
        xs = np.sort(x)
        if xs.size == 1:
            return np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), 1.0, float(es[0])
        d = np.diff(xs)
        h = float(d.min())
        r = (x - xs[0]) / h
        span = float(max(np.max(np.abs(x)), h))
        if np.any(np.abs(r - np.round(r)) * h > _LATTICE_ULPS * _sc.EPS * span) or r.max() > 1e7:
            # outputs x + e0 are distinct anyway: place each x on its own lattice point
            order = np.argsort(x)
            ix = np.empty(x.size, dtype=np.int64)
            ix[order] = np.arange(x.size)
            return ix, np.zeros(1, dtype=np.int64), 1.0, float(es[0])
        return np.round(r).astype(np.int64), np.zeros(1, dtype=np.int64), h, float(es[0])
    d = np.diff(es)
    h = float((es[-1] - es[0]) / (es.size - 1))
    span = float(max(np.max(np.abs(es)), np.max(np.abs(x)), h))
    allowed = _LATTICE_ULPS * _sc.EPS * span
    if np.max(np.abs(d - h)) > allowed:
        raise ValueError(
            "e_values are not on one uniform lattice: they must be equally spaced to within rounding "
            f"(spacings range from {d.min():.17g} to {d.max():.17g}, a spread of "
            f"{np.max(np.abs(d - h)) / (_sc.EPS * span):.3g} units of roundoff of the grid scale; "
            f"at most {_LATTICE_ULPS:g} are allowed)"
        )
    je = np.round((e - es[0]) / h).astype(np.int64)
    r = (x - es[0]) / h
    off = np.abs(r - np.round(r)) * h  # distance of each letter from its nearest lattice point
    if np.any(off > allowed):
        i = int(np.argmax(off))
        raise ValueError(
            f"x_values and e_values are not on one uniform lattice: x = {float(x[i]):.17g} is "
            f"{float(off[i]):.3g} away from the nearest point min(e_values) + k * {h:.17g} "
            f"({float(off[i]) / h:.3g} spacings, {float(off[i]) / (_sc.EPS * span):.3g} units of roundoff "
            f"of the grid scale; at most {_LATTICE_ULPS:g} are allowed): its outputs would never "
            "coincide with those of the other letters"
        )
    ix = np.round(r).astype(np.int64)
    if (ix.max() - ix.min()) + (je.max() - je.min()) + 1 > 10_000_000:
        raise ValueError("the lattice of Y = X + E would have more than 10^7 points; use a coarser grid")
    return ix, je, h, float(es[0])


@_sc.quiet_range
def blind_attack(p_ux, x_values, e_values, budget, *, tol: float = 1e-10) -> BlindAttack:
    r"""Blind attacker: the best perturbation law independent of the signal.

    Primal problem (extension B2/B3): :math:`E \sim \pi` on the grid
    ``e_values``, independent of :math:`(U, X)`, :math:`Y = X + E`,

    .. math::

        I^*(B) = \min_{\pi} I(U; X + E) \quad\text{s.t.}\quad
        \sum_e \pi(e)\, e^2 \le B .

    It is convex in :math:`\pi` (the output laws are linear in :math:`\pi`).
    An amplitude limit is the range of ``e_values``.

    Parameters
    ----------
    p_ux : array_like, shape (|U|, |X|)
        Joint pmf of :math:`(U, X)`.
    x_values : array_like, shape (|X|,)
        Distinct real values of :math:`X`.
    e_values : array_like, shape (n,)
        Distinct, equally spaced perturbation values; every :math:`x` must lie
        on the same lattice (``min(e_values) + k h``), both to within 64 units
        of roundoff of the grid scale ``max(|e|, |x|, h)`` (the rounding of
        ``linspace`` or ``arange``); a letter further off would have outputs
        that never coincide with the others' and is rejected.
    budget : float
        Power budget :math:`B \ge \min_e e^2`.
    tol : float, default 1e-10
        Target for the certified gap, in nats.

    Returns
    -------
    BlindAttack
        ``mi``, ``pmf`` (on ``e_values`` in the order given), ``multiplier``,
        ``lower_bound``, ``gap``, and the output lattice and laws.

    Raises
    ------
    ValueError
        For a malformed pmf, shape mismatch, non-finite or repeated values,
        values off one uniform lattice, or a negative or infeasible budget.

    Notes
    -----
    Dual bound used: for any full-support :math:`\pi` and :math:`s \ge 0`,
    one Blahut–Arimoto-type step gives :math:`Z` and :math:`R` with

    .. math::

        I^*(B) \ge -\log Z - \log R - sB,

    valid because :math:`a_u(y) = \frac{V_u(y)}{q(y)} \max_x \rho(y-x) / R`
    satisfies :math:`\sum_u p(u) a_u(y) \le 1`, so that
    :math:`I(U;Y) \ge \mathbb{E}\log a_U(Y)` for *every* admissible law, and
    :math:`\sum_{u,x} p(u,x)\log a_u(x+e) \ge -\log Z - \log R - s e^2` at
    every grid point (module notes). It is tight at the fixed point, including
    the general case :math:`U \ne X`. At the infeasibility edge
    :math:`B = \min_e e^2` the law is confined to the cheapest points and the
    problem without budget on them is solved. The grid is brought to unit
    scale by a power of two and :math:`\min e^2` is removed from the costs and
    (exactly) from the budget before any tolerance is applied, so the result
    is the same for ``x * g, e * g, budget * g**2`` up to rounding.

    Examples
    --------
    >>> e = np.linspace(-2.0, 2.0, 41)
    >>> res = blind_attack([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], e, 0.5)
    >>> res.gap < 1e-9
    True
    """
    p = v.pmf(p_ux, "p_ux", ndim=2)
    x = v.finite_array(x_values, "x_values", ndim=1)
    e = v.finite_array(e_values, "e_values", ndim=1)
    B = v.nonnegative(budget, "budget")
    tol = v.positive(tol, "tol")
    if x.size != p.shape[1]:
        raise ValueError(f"shape mismatch: p_ux has {p.shape[1]} columns but x_values has {x.size} entries")
    if e.size == 0:
        raise ValueError("e_values is empty")
    if np.unique(x).size != x.size:
        raise ValueError("x_values contains repeated values")
    if np.unique(e).size != e.size:
        raise ValueError("e_values contains repeated values")
    ix, je, h, e0 = _lattice_indices(x, e)
    # the cheapest cost emin^2 is removed exactly (B - emin^2 in exact arithmetic), and the grid is
    # brought to unit scale by a power of two, so that no threshold depends on the unit of e
    emin = float(np.min(np.abs(e)))
    kmin = emin * emin if emin < 1e154 else math.inf
    Bt = float(Fraction(B) - Fraction(emin) ** 2)
    k = _sc.unit_exponent(np.abs(np.concatenate([e, x, [h]])))
    # below emin^2 by no more than rounding (relative to emin^2 and to the square of the grid scale,
    # as for a grid point meant to be 0 and computed as 1e-17): the edge; anything lower is infeasible
    emin_n = float(_sc.scaled(emin, k))
    if float(_sc.scaled(Bt, 2 * k)) < -8.0 * _sc.EPS * max(emin_n * emin_n, 1e-16):
        raise ValueError(f"budget {B:.17g} is infeasible: the smallest e^2 on the grid is {kmin:.17g}")
    Bt = max(Bt, 0.0)

    order = np.argsort(e)
    e_sorted = e[order]
    je_s = je[order] - je.min()
    if e.size > 1 and not np.array_equal(je_s, np.arange(e.size)):  # pragma: no cover - guarded above
        raise ValueError("e_values must be equally spaced")
    en = _sc.scaled(e_sorted, k)
    en_min = float(np.min(np.abs(en)))
    kap_all = en * en - en_min * en_min  # reduced costs at unit scale; exactly 0 at the cheapest points
    Bn = float(_sc.scaled(Bt, 2 * k))
    ixr = ix - ix.min()
    ny = int(ixr.max()) + e.size
    if e.size == 1 and not np.allclose(x.min() + h * (ix - ix.min()), x, rtol=0,
                                       atol=_LATTICE_ULPS * _sc.EPS * float(np.abs(x).max())):
        y_values = np.empty(ny)  # distinct outputs x + e0, not on a common lattice
        y_values[ix - ix.min()] = x + e0
    else:
        y_values = x.min() + float(e.min()) + h * np.arange(ny)

    # At the edge of feasibility B = min e^2 only the cheapest grid points (one point, or the
    # two adjacent points -e_min, +e_min) may carry mass: solve the unbudgeted problem on them.
    edge = Bn <= 0.0
    if edge:
        cheap = np.nonzero(kap_all <= 0.0)[0]
        first, last = int(cheap[0]), int(cheap[-1])
    else:
        first, last = 0, e.size - 1
    sub = slice(first, last + 1)
    nsub = last - first + 1
    kap = np.zeros(nsub) if edge else kap_all[sub]
    B_in = 0.0 if edge else Bn

    pu = p.sum(axis=1)
    groups = [u for u in range(p.shape[0]) if pu[u] > 0]
    goff, glp, roff, rp, rg = [], [], [], [], []
    for g, u in enumerate(groups):
        xs_u = np.nonzero(p[u] > 0)[0]
        offs = (ixr[xs_u] + first).astype(np.int64)
        goff.append(offs)
        glp.append(np.log(p[u, xs_u]) - math.log(pu[u]))
        for xx, o in zip(xs_u, offs):
            roff.append(o)
            rp.append(p[u, xx])
            rg.append(g)
    gp = pu[groups]

    def assemble(pi_sorted_sub, mi, lb, s, iters):
        pi_s = np.zeros(e.size)
        pi_s[sub] = pi_sorted_sub
        pmf = np.zeros(e.size)
        pmf[order] = pi_s
        out = np.zeros((p.shape[0], ny))
        for u in range(p.shape[0]):
            if pu[u] > 0:
                for xx in np.nonzero(p[u] > 0)[0]:
                    o = int(ixr[xx])
                    out[u, o : o + e.size] += (p[u, xx] / pu[u]) * pi_s
        pmf.setflags(write=False)
        out.setflags(write=False)
        yv = y_values.copy()
        yv.setflags(write=False)
        lb = min(lb, mi)
        gap = float(mi - lb)
        converged, message = _sc.report(gap, tol, "blind_attack", stacklevel=4)
        return BlindAttack(
            mi=float(mi), pmf=pmf, multiplier=float(s), lower_bound=float(lb), gap=gap,
            cost=_sc.unscaled(float(pi_s @ (en * en)), 2 * k), budget=B, y_values=yv, output_pmfs=out, iterations=int(iters),
            converged=converged, message=message,
        )

    if len(groups) <= 1 or np.count_nonzero(p.sum(axis=0) > 0) <= 1:
        # U is constant or X is constant: I(U; Y) = 0 for every law
        pi = np.zeros(nsub)
        pi[int(np.argmin(kap))] = 1.0
        return assemble(pi, 0.0, 0.0, 0.0, 0)

    model = _Blind(
        ne=nsub, ny=ny, kappa=kap, gp=gp, loggp=np.log(gp), goff=tuple(goff), glp=tuple(glp),
        roff=np.array(roff, dtype=np.int64), rp=np.array(rp), rg=np.array(rg, dtype=np.intp),
    )
    pi, mi, lb, s, iters, _ = _blind_search(model, B_in, tol)
    pi = pi / pi.sum()
    excess = float(pi @ model.kappa) - B_in
    if excess > 0.0:  # rounding drift off the budget plane: move a sliver of mass to the cheapest point
        j_lo, j_hi = int(np.argmin(model.kappa)), int(np.argmax(model.kappa))
        delta = min(excess / (model.kappa[j_hi] - model.kappa[j_lo]), pi[j_hi]) if j_hi != j_lo else 0.0
        pi = pi.copy()
        pi[j_hi] -= delta
        pi[j_lo] += delta
        pi = np.maximum(pi, 0.0)
        mi = _model_mi(model, pi)
    return assemble(pi, mi, max(lb, 0.0), math.inf if edge else _sc.unscaled(s, -2 * k), iters)


# ---------------------------------------------------------------------------
# Problem (21): binary flip attack
# ---------------------------------------------------------------------------


def _h1(t: float) -> float:
    """Derivative of the binary entropy (nats): log((1 - t) / t), +-inf at the ends."""
    if t <= 0.0:
        return math.inf
    if t >= 1.0:
        return -math.inf
    return math.log1p(-t) - math.log(t)


def _flip_gradient(j: np.ndarray, p: np.ndarray) -> np.ndarray:
    """dI/dp_i of (15) at flip probabilities p: eqs. (17)-(20), i.e. (27) without lambda."""
    a, b, c, d = (float(t) for t in j)
    P0 = a * (1 - p[0]) + b * p[1] + c * (1 - p[2]) + d * p[3]
    P1 = 1.0 - P0
    pu0, pu1 = a + b, c + d

    def bracket(P0u: float, P1u: float) -> float:
        # log(P(Y=0) P(Y=1|u) / (P(Y=1) P(Y=0|u)))
        with np.errstate(divide="ignore", invalid="ignore"):
            val = float(np.log(P0) + np.log(P1u) - np.log(P1) - np.log(P0u))
        return val if math.isfinite(val) or not math.isnan(val) else 0.0

    g = np.zeros(4)
    if pu0 > 0:
        A0 = (a * (1 - p[0]) + b * p[1]) / pu0
        br = bracket(A0, 1.0 - A0)
        g[0] = a * br if a > 0 else 0.0
        g[1] = -b * br if b > 0 else 0.0
    if pu1 > 0:
        A1 = (c * (1 - p[2]) + d * p[3]) / pu1
        br = bracket(A1, 1.0 - A1)
        g[2] = c * br if c > 0 else 0.0
        g[3] = -d * br if d > 0 else 0.0
    return np.nan_to_num(g, nan=0.0)


@_sc.quiet_range
def binary_flip_attack(joint, budget, *, tol: float = 1e-10) -> BinaryFlipAttack:
    r"""Problem (21): optimal modulo-2 flips of a binary observation, exactly.

    Primal (paper §3.3): with :math:`(a, b, c, d) = P(U, X)` on
    :math:`(0,0), (0,1), (1,0), (1,1)`, :math:`Y = X \oplus E`,

    .. math::

        \min_{p \in [0,1]^4} I(U; Y) \quad\text{s.t.}\quad
        a p_1 + b p_2 + c p_3 + d p_4 \le \varepsilon,

    the case :math:`|U| = |X| = |Y| = 2`, cost :math:`1\{y \ne x\}` of
    :func:`discrete_attack`.

    Parameters
    ----------
    joint : array_like, shape (4,)
        :math:`(a, b, c, d)`, a pmf.
    budget : float
        :math:`\varepsilon \ge 0`.
    tol : float, default 1e-10
        Gap (nats) above which the result is flagged as not converged
        (``converged=False`` and a :class:`mi_lib.ConvergenceWarning`); the
        reduction is solved to rounding, so this happens only when rounding
        itself leaves a larger gap.

    Returns
    -------
    BinaryFlipAttack
        ``mi``, ``flip_probs``, ``multiplier``, ``lower_bound``, ``gap`` and
        the extras ``cost``, ``zero_mi_budget``, ``gradient``.

    Raises
    ------
    ValueError
        If ``joint`` is not a pmf of four entries or ``budget`` is negative or
        not finite.

    Notes
    -----
    Reduction. Only :math:`v = P(Y{=}0 \mid U{=}0)` and
    :math:`w = P(Y{=}0 \mid U{=}1)` matter, and moving :math:`v` from
    :math:`v_0 = a/(a+b)` to :math:`v` costs exactly
    :math:`(a+b)|v - v_0|` (flip only the letter that moves it). With
    :math:`\pi_0 = a+b`, :math:`\pi_1 = c+d`, :math:`h` the binary entropy,
    :math:`I = h(\pi_0 v + \pi_1 w) - \pi_0 h(v) - \pi_1 h(w)` is convex and
    the optimum moves :math:`v` and :math:`w` towards each other with the whole
    budget: for :math:`v_0 > w_0`, :math:`v = v_0 - \delta/\pi_0`,
    :math:`w = w_0 + (\varepsilon - \delta)/\pi_1`, and the one-dimensional
    convex problem in :math:`\delta` has derivative
    :math:`h'(v) + h'(w) - 2h'(r)`, :math:`r = \pi_0 v + \pi_1 w`, solved by a
    safeguarded Newton iteration to rounding. The information is zero from
    :math:`\varepsilon_0 = \min(\pi_0, \pi_1) |v_0 - w_0|` on. The multiplier
    is :math:`\lambda^* = h'(w) - h'(r)` (equal to :math:`h'(r) - h'(v)` at an
    interior optimum), generally positive: the claim of Theorem 3.3 that
    :math:`\lambda^* = 0` when :math:`a, b > 0` ignores the box constraints
    (erratum E3); the optimum has :math:`p_2 = 0` or :math:`p_1 = 0`.

    Certificate: the informed dual of :func:`discrete_attack` with
    :math:`s = \lambda^*`, evaluated at the requested :math:`\varepsilon` from
    the optimal channel (module notes); at :math:`\varepsilon = 0` the feasible
    set is the single point :math:`p = 0` and the dual of the problem
    restricted to :math:`y = x` is used.

    Examples
    --------
    >>> res = binary_flip_attack([0.45, 0.05, 0.05, 0.45], 0.05)
    >>> round(res.mi, 6), res.gap < 1e-9
    (0.270438, True)
    """
    j = v.pmf(joint, "joint", ndim=1)
    if j.size != 4:
        raise ValueError(f"joint must have 4 entries (a, b, c, d); got {j.size}")
    eps = v.nonnegative(budget, "budget")
    tol = v.positive(tol, "tol")
    a, b, c, d = (float(t) for t in j)
    pi0, pi1 = a + b, c + d
    p_ux = np.array([[a, b], [c, d]])
    rows = _rows_of(p_ux)
    ham = np.array([[0.0, 1.0], [1.0, 0.0]])
    flips = np.zeros(4)
    if pi0 > 0 and pi1 > 0:
        v0, w0 = a / pi0, c / pi1
        eps0 = min(pi0, pi1) * abs(v0 - w0)
    else:
        v0 = w0 = 0.0
        eps0 = 0.0
    swap = v0 < w0  # mirror the labels of X and Y so that v0 > w0
    aa, bb, cc, dd = (b, a, d, c) if swap else (a, b, c, d)
    V0, W0 = (1.0 - v0, 1.0 - w0) if swap else (v0, w0)
    lam = 0.0
    if eps0 > 0 and eps < eps0:
        lo_d, hi_d = max(0.0, eps - dd), min(eps, aa)

        def deriv(delta: float) -> tuple[float, float, float, float]:
            vv = V0 - delta / pi0
            ww = W0 + (eps - delta) / pi1
            rr = pi0 * vv + pi1 * ww
            return _h1(vv) + _h1(ww) - 2.0 * _h1(rr), vv, ww, rr

        f_lo = deriv(lo_d)[0]
        f_hi = deriv(hi_d)[0]
        if f_lo >= 0:
            delta = lo_d
        elif f_hi <= 0:
            delta = hi_d
        else:
            lo_b, hi_b = lo_d, hi_d
            delta = 0.5 * (lo_b + hi_b)
            for _ in range(200):
                f, vv, ww, rr = deriv(delta)
                if f > 0:
                    hi_b = delta
                else:
                    lo_b = delta
                inner = 0.0 < vv < 1.0 and 0.0 < ww < 1.0 and 0.0 < rr < 1.0 and math.isfinite(f)
                curv = (
                    1.0 / (pi0 * vv * (1 - vv)) + 1.0 / (pi1 * ww * (1 - ww)) - 4.0 / (rr * (1 - rr))
                    if inner
                    else 0.0
                )
                nd = delta - f / curv if curv > 0 else 0.5 * (lo_b + hi_b)
                if not lo_b < nd < hi_b:
                    nd = 0.5 * (lo_b + hi_b)
                if nd == delta or hi_b - lo_b <= 4e-16 * max(hi_d, 1e-300):
                    break
                delta = nd
        _, vv, ww, rr = deriv(delta)
        # slope: extra budget goes to w when delta sits at a bound independent of eps (0 or a),
        # to v when it sits at a bound that moves with eps (eps or eps - d); at an interior optimum both agree
        if delta == hi_d and hi_d == eps or delta == lo_d and lo_d == eps - dd and lo_d > 0:
            lam = _h1(rr) - _h1(vv)
        else:
            lam = _h1(ww) - _h1(rr)
        f1 = delta / aa if aa > 0 else 0.0  # flip x=0 -> 1 for u=0 (moves v down)
        f4 = (eps - delta) / dd if dd > 0 else 0.0  # flip x=1 -> 0 for u=1 (moves w up)
        fl = np.array([min(f1, 1.0), 0.0, 0.0, min(f4, 1.0)])
    elif eps0 > 0:
        # zero information: meet at v0 (move w) if pi0 >= pi1, else at w0 (move v)
        if pi0 >= pi1:
            fl = np.array([0.0, 0.0, 0.0, min(pi1 * (V0 - W0) / dd, 1.0)])
        else:
            fl = np.array([min(pi0 * (V0 - W0) / aa, 1.0), 0.0, 0.0, 0.0])
    else:
        fl = np.zeros(4)
    flips = fl[[1, 0, 3, 2]] if swap else fl
    # cost within budget despite rounding
    wts = np.array([a, b, c, d])
    cst = float(wts @ flips)
    if cst > eps and cst > 0:
        flips = flips * (eps / cst)
        cst = float(wts @ flips)
    W = np.empty((4, 2))
    for k, (x, pk) in enumerate(zip([0, 1, 0, 1], flips)):
        W[k, x] = 1.0 - pk
        W[k, 1 - x] = pk
    Wr = W[(rows.u * 2 + rows.x)]
    mi = _rows_mi(rows, Wr)
    if mi <= 0.0 or eps0 == 0.0 or eps >= eps0:
        lb = 0.0
    elif eps == 0.0:
        lb = _informed_bound_from_channel(rows, Wr, np.where(ham == 0.0, 0.0, -np.inf))
        lam = max(_h1(W0) - _h1(pi0 * V0 + pi1 * W0), _h1(pi0 * V0 + pi1 * W0) - _h1(V0))
    else:
        lb = _informed_bound_from_channel(rows, Wr, -lam * ham) - lam * eps
    lb = max(min(lb, mi), 0.0)
    flips.setflags(write=False)
    grad = _flip_gradient(j, flips)
    grad.setflags(write=False)
    gap = float(mi - lb)
    converged, message = _sc.report(gap, tol, "binary_flip_attack")
    return BinaryFlipAttack(
        mi=float(mi), flip_probs=flips, multiplier=float(lam), lower_bound=float(lb), gap=gap,
        cost=cst, budget=eps, zero_mi_budget=float(eps0), gradient=grad, converged=converged, message=message,
    )
