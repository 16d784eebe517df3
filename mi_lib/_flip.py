r"""Problem (21), the binary flip attack :func:`binary_flip_attack` (public via :mod:`mi_lib.discrete`).

Exact one-dimensional reduction: only :math:`v = P(Y=0|U=0)` and
:math:`w = P(Y=0|U=1)` matter, the optimum moves them towards each other with
the whole budget, and the remaining convex problem in one variable is solved
by a safeguarded Newton iteration to rounding. Certificate: the informed dual
(:mod:`mi_lib._certificates`) at the multiplier.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from . import _scaling as _sc
from . import _validation as v
from ._discrete_results import BinaryFlipAttack


def _h1(t: float) -> float:
    """Derivative of the binary entropy (nats): log((1 - t) / t), +-inf at the ends."""
    if t <= 0.0:
        return math.inf
    if t >= 1.0:
        return -math.inf
    return math.log1p(-t) - math.log(t)


def _flip_gradient(j: np.ndarray, p: np.ndarray) -> np.ndarray:
    """dI/dp_i of (15) at flip probabilities p: eqs. (17)-(20), i.e. (27) without lambda.

    The six logarithms are one ``np.log`` call (numpy's log, as before, under one error state); the
    brackets combine them in Python floats (the same IEEE operations as numpy's scalars); NaN becomes 0
    and +-inf the largest double, as ``np.nan_to_num`` does.
    """
    a, b, c, d = (float(t) for t in j)
    p1, p2, p3, p4 = (float(t) for t in p)
    P0 = a * (1 - p1) + b * p2 + c * (1 - p3) + d * p4
    P1 = 1.0 - P0
    pu0, pu1 = a + b, c + d
    A0 = (a * (1 - p1) + b * p2) / pu0 if pu0 > 0 else 1.0
    A1 = (c * (1 - p3) + d * p4) / pu1 if pu1 > 0 else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        lP0, lP1, lA0, lB0, lA1, lB1 = np.log(np.array([P0, P1, A0, 1.0 - A0, A1, 1.0 - A1])).tolist()

    def bracket(lP0u: float, lP1u: float) -> float:
        # log(P(Y=0) P(Y=1|u) / (P(Y=1) P(Y=0|u)))
        val = lP0 + lP1u - lP1 - lP0u
        return val if math.isfinite(val) or not math.isnan(val) else 0.0

    g = [0.0, 0.0, 0.0, 0.0]
    if pu0 > 0:
        br = bracket(lA0, lB0)
        g[0] = a * br if a > 0 else 0.0
        g[1] = -b * br if b > 0 else 0.0
    if pu1 > 0:
        br = bracket(lA1, lB1)
        g[2] = c * br if c > 0 else 0.0
        g[3] = -d * br if d > 0 else 0.0
    big = sys.float_info.max
    return np.array([0.0 if math.isnan(t) else (t if math.isfinite(t) else math.copysign(big, t)) for t in g])


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
    the optimal channel (``notes/discrete_solvers.md``); at :math:`\varepsilon = 0` the feasible
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
    v0, w0 = (a / pi0, c / pi1) if pi0 > 0 and pi1 > 0 else (0.0, 0.0)
    eps0 = min(pi0, pi1) * abs(v0 - w0)
    swap = v0 < w0  # mirror the labels of X and Y so that v0 > w0
    mirrored = (b, a, d, c) if swap else (a, b, c, d)
    V0, W0 = (1.0 - v0, 1.0 - w0) if swap else (v0, w0)
    lam = 0.0
    if eps0 > 0 and eps < eps0:
        fl, lam = _flip_interior(mirrored, V0, W0, eps)
    elif eps0 > 0:  # zero information: meet at v0 (move w) if pi0 >= pi1, else at w0 (move v)
        aa, dd = mirrored[0], mirrored[3]
        fl = [0.0, 0.0, 0.0, min(pi1 * (V0 - W0) / dd, 1.0)] if pi0 >= pi1 else [min(pi0 * (V0 - W0) / aa, 1.0), 0.0, 0.0, 0.0]
    else:
        fl = [0.0, 0.0, 0.0, 0.0]
    flips = [fl[1], fl[0], fl[3], fl[2]] if swap else list(fl)
    cst = a * flips[0] + b * flips[1] + c * flips[2] + d * flips[3]
    if cst > eps and cst > 0:  # cost within budget despite rounding
        flips = [t * (eps / cst) for t in flips]
        cst = a * flips[0] + b * flips[1] + c * flips[2] + d * flips[3]
    mi = _flip_mi((a, b, c, d), flips)
    if mi <= 0.0 or eps0 == 0.0 or eps >= eps0:
        lb = 0.0
    elif eps == 0.0:  # the feasible set is the point p = 0: dual of the problem restricted to y = x
        lb = _flip_bound((a, b, c, d), flips, math.inf)
        r0 = pi0 * V0 + pi1 * W0
        lam = max(_h1(W0) - _h1(r0), _h1(r0) - _h1(V0))
    else:
        lb = _flip_bound((a, b, c, d), flips, lam) - lam * eps
    lb = max(min(lb, mi), 0.0)
    fa = np.array(flips)
    fa.setflags(write=False)
    grad = _flip_gradient(j, fa)
    grad.setflags(write=False)
    gap = float(mi - lb)
    converged, message = _sc.report(gap, tol, "binary_flip_attack", stacklevel=4)
    return BinaryFlipAttack(
        mi=float(mi), flip_probs=fa, multiplier=float(lam), lower_bound=float(lb), gap=gap,
        cost=float(cst), budget=eps, zero_mi_budget=float(eps0), gradient=grad, converged=converged,
        message=message,
    )


def _flip_interior(m: tuple, V0: float, W0: float, eps: float):
    """Optimal flips and multiplier for 0 < eps < eps0 (labels mirrored so that v0 > w0).

    delta (the budget spent moving v down) solves h'(v) + h'(w) - 2 h'(r) = 0
    on its box by a safeguarded Newton iteration (the function is convex).
    """
    aa, bb, cc, dd = m
    pi0, pi1 = aa + bb, cc + dd
    lo_d, hi_d = max(0.0, eps - dd), min(eps, aa)

    def deriv(delta: float):
        vv = V0 - delta / pi0
        ww = W0 + (eps - delta) / pi1
        rr = pi0 * vv + pi1 * ww
        return _h1(vv) + _h1(ww) - 2.0 * _h1(rr), vv, ww, rr

    if deriv(lo_d)[0] >= 0:
        delta = lo_d
    elif deriv(hi_d)[0] <= 0:
        delta = hi_d
    else:
        delta = _flip_newton(deriv, lo_d, hi_d, pi0, pi1)
    _, vv, ww, rr = deriv(delta)
    # slope: extra budget goes to w when delta sits at a bound independent of eps (0 or a),
    # to v when it sits at a bound that moves with eps (eps or eps - d); at an interior optimum both agree
    if delta == hi_d and hi_d == eps or delta == lo_d and lo_d == eps - dd and lo_d > 0:
        lam = _h1(rr) - _h1(vv)
    else:
        lam = _h1(ww) - _h1(rr)
    f1 = delta / aa if aa > 0 else 0.0  # flip x=0 -> 1 for u=0 (moves v down)
    f4 = (eps - delta) / dd if dd > 0 else 0.0  # flip x=1 -> 0 for u=1 (moves w up)
    return [min(f1, 1.0), 0.0, 0.0, min(f4, 1.0)], lam


def _flip_newton(deriv, lo_d: float, hi_d: float, pi0: float, pi1: float) -> float:
    """Root of the increasing function deriv on [lo_d, hi_d]: Newton safeguarded by bisection, to rounding."""
    lo_b, hi_b = lo_d, hi_d
    delta = 0.5 * (lo_b + hi_b)
    for _ in range(200):
        f, vv, ww, rr = deriv(delta)
        if f > 0:
            hi_b = delta
        else:
            lo_b = delta
        inner = 0.0 < vv < 1.0 and 0.0 < ww < 1.0 and 0.0 < rr < 1.0 and math.isfinite(f)
        curv = (1.0 / (pi0 * vv * (1 - vv)) + 1.0 / (pi1 * ww * (1 - ww)) - 4.0 / (rr * (1 - rr))
                if inner else 0.0)
        nd = delta - f / curv if curv > 0 else 0.5 * (lo_b + hi_b)
        if not lo_b < nd < hi_b:
            nd = 0.5 * (lo_b + hi_b)
        if nd == delta or hi_b - lo_b <= 4e-16 * max(hi_d, 1e-300):
            break
        delta = nd
    return delta


def _flip_joint(j: tuple, flips) -> list:
    """p(u, x, y) of the rows (u, x) in the order (0,0), (0,1), (1,0), (1,1), as [p(y=0), p(y=1)]."""
    out = []
    for k in range(4):
        x, pk, f = k % 2, j[k], flips[k]
        stay, move = pk * (1.0 - f), pk * f
        out.append([stay, move] if x == 0 else [move, stay])
    return out


def _flip_mi(j: tuple, flips) -> float:
    """I(U; Y) (nats) of the flip channel, in floats."""
    J = _flip_joint(j, flips)
    V = [[J[0][y] + J[1][y] for y in (0, 1)], [J[2][y] + J[3][y] for y in (0, 1)]]
    q = [V[0][y] + V[1][y] for y in (0, 1)]
    pu = [V[u][0] + V[u][1] for u in (0, 1)]
    mi = sum(V[u][y] * (math.log(V[u][y]) - math.log(pu[u]) - math.log(q[y]))
             for u in (0, 1) for y in (0, 1) if V[u][y] > 0)
    return max(mi, 0.0)


def _lse2(a: float, b: float) -> float:
    m = max(a, b)
    if m == -math.inf:
        return m
    return m + math.log(math.exp(a - m) + math.exp(b - m))


def _log(t: float) -> float:
    return math.log(t) if t > 0 else -math.inf


def _flip_bound(j: tuple, flips, lam: float) -> float:
    r"""The informed dual of :func:`mi_lib._certificates._informed_bound_from_channel` for |U| = |X| = |Y| = 2.

    Cost 1{y != x} at slope ``lam`` (``-inf`` in ``log K`` off the diagonal
    when ``lam`` is infinite); the mixing variable is :math:`q(y) P(x | u, y)`
    of the channel (uniform over the group where :math:`p(u, y) = 0`); bound
    :math:`\sum p(u,x)(\log p(x|u) - \log f_{u,x}) - \log\max_y D(y)`.
    Scalar arithmetic: the same formula without numpy's per-call overhead.
    """
    J = _flip_joint(j, flips)
    ks = [k for k in range(4) if j[k] > 0]
    V = [[J[0][y] + J[1][y] for y in (0, 1)], [J[2][y] + J[3][y] for y in (0, 1)]]
    q = [V[0][y] + V[1][y] for y in (0, 1)]
    cnt = [sum(1 for k in ks if k // 2 == u) for u in (0, 1)]
    pu = [j[0] + j[1], j[2] + j[3]]
    logK = [[0.0, -lam], [-lam, 0.0]]
    logf, total = {}, 0.0
    for k in ks:
        u, x = divmod(k, 2)
        split = [J[k][y] / V[u][y] if V[u][y] > 0 else 1.0 / cnt[u] for y in (0, 1)]
        lf = _lse2(*(_log(q[y]) + _log(split[y]) + logK[x][y] for y in (0, 1)))
        if lf == -math.inf:
            return -math.inf
        logf[k] = lf
        total += j[k] * (math.log(j[k] / pu[u]) - lf)
    D = [sum(max((math.exp(math.log(j[k]) - logf[k] + logK[k % 2][y]) for k in ks if k // 2 == u), default=0.0)
             for u in (0, 1)) for y in (0, 1)]
    return total - math.log(max(D))
