r"""Informed attacker on small alphabets: a primal-dual interior-point method on the channel (private module).

Variables: the channel :math:`W(y \mid k)` on the allowed pairs (row
:math:`k = (u, x)`, output :math:`y`, :math:`c(x, y) < \infty`), the budget's
slack :math:`w`, the row multipliers :math:`\nu_k`, the budget's multiplier
:math:`\lambda` and the bound multipliers :math:`z`. Perturbed KKT conditions
(the row equations divided by :math:`p_k`):

.. math::

    L_{u y} + \lambda c_{x y} - \nu_k - z_{k y} = 0, \quad
    \sum_y W_{k y} = 1, \quad
    \sum_{k, y} p_k c_{k y} W_{k y} + w = B, \quad
    W_{k y} z_{k y} = \mu, \quad w \lambda = \mu,

with :math:`L_{u y} = \log P(y \mid u) / q(y)` (the gradient of
:math:`I(U; Y)` divided by :math:`p_k`). The Hessian of :math:`I` is block
diagonal over the outputs and of rank :math:`|U|` in each block, so the
Newton step is explicit per output once :math:`\nu` and :math:`\lambda` are
known; those come from one dense system of size :math:`n + 1` (``notes/discrete_solvers.md``,
"Round 6"). Globalisation: fraction to the boundary and an Armijo search on
the primal barrier function (the iterates stay primal feasible).

Certificate at every iterate: the informed dual of
:mod:`mi_lib._certificates` with :math:`\alpha_k = \min_y (L_{u y} + \lambda
c_{x y})` and slope :math:`\lambda` (valid for any :math:`\alpha` and any
:math:`\lambda \ge 0`); the best bound and the best feasible channel met are
kept.
"""

from __future__ import annotations

import math

import numpy as np

from ._certificates import _informed_value
from ._mixing import _Rows

_MAXITER = 30
"""Interior-point iterations before giving up (the caller then runs the general solver)."""

_POLISH_GAP = 1e-4
"""The caller's polish is tried once the gap is below this and stalls (or the complementarity is below the goal)."""

_GOAL = 0.1
"""The iterations aim at this fraction of tol (the value is then accurate well inside the certified gap)."""

_SIGMA = (0.8, 0.1, 0.5, 0.2, 0.5)
"""(long step, its cut, medium step, its cut, cut after shorter steps) of the barrier parameter."""

_ZERO_MI = 1e-7
"""Below this information the caller's exact zero-information test is tried (once)."""

_BOUND_FROM = 1e-3
"""The dual bound is evaluated once m * mu (the gap of a centred point) is below this."""


class _Problem:
    """The reduced problem on the allowed pairs (dense n x |Y| arrays, 0 where forbidden)."""

    def __init__(self, rows: _Rows, ctil: np.ndarray, cfin: np.ndarray, Bt: float):
        self.rows, self.ctil, self.Bt = rows, ctil, Bt
        self.F = np.isfinite(ctil[rows.x])  # (n, ny)
        self.c = np.where(self.F, cfin[rows.x], 0.0)
        self.p = rows.p
        self.pc = rows.p[:, None] * self.c
        G = len(rows.groups)
        self.E = np.zeros((G, rows.p.size))
        self.E[rows.grp, np.arange(rows.p.size)] = 1.0
        self.logpu = np.log(rows.pu)
        self.grp = rows.grp
        self.m = float(rows.p @ self.F.sum(axis=1)) + 1.0  # complementarity pairs, weighted by mass

    def joint(self, W: np.ndarray):
        """P(u, y) (G, ny), q(y) and L = log P(y|u)/q(y) on the rows (n, ny; 0 where forbidden)."""
        P = self.E @ (self.p[:, None] * W)
        q = P.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            Lg = np.log(P) - np.log(q)[None, :] - self.logpu[:, None]
        Lk = np.where(self.F, Lg[self.grp], 0.0)
        return P, q, Lk

    def mi(self, W: np.ndarray, P=None, q=None, Lk=None) -> float:
        """I(U; Y) of the channel W (from its (P, q, L) when given)."""
        if Lk is None:
            P, q, Lk = self.joint(W)
        return max(float(np.sum(self.p[:, None] * W * np.where(W > 0, Lk, 0.0))), 0.0)

    def cost(self, W: np.ndarray) -> float:
        """The expected reduced cost of W (unit scale)."""
        return float(np.sum(self.pc * W))

    def bound(self, alpha: np.ndarray, lam: float) -> float:
        """The informed dual at slope lam with the row values alpha: a lower bound on I*(B)."""
        logK = -lam * self.ctil
        logf = self.rows.logpxu - alpha
        return _informed_value(logK, self.rows, logf, None) - lam * self.Bt

    def start(self):
        """A feasible interior channel spending at most half the budget, and its slack."""
        F, c = self.F, self.c
        nfin = F.sum(axis=1, keepdims=True)
        Wu = F / nfin
        cheap = F & (c == 0.0)
        Wc = cheap / cheap.sum(axis=1, keepdims=True)
        Cu = self.cost(Wu)
        t = 1.0 if Cu <= 0.5 * self.Bt else 0.5 * self.Bt / Cu
        W = (1.0 - t) * Wc + t * Wu
        return W, self.Bt - self.cost(W)


def _newton(pb: _Problem, W, z, lam, w, Lk, nu, mu):
    """The Newton direction (dW, dnu, dlam) for the perturbed KKT conditions at mu, or None."""
    F, p, E, grp = pb.F, pb.p, pb.E, pb.grp
    n = p.size
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.where(F, W / z, 0.0)
        rho = np.where(F, -(Lk + lam * pb.c - nu[:, None]) + mu / W, 0.0)
    P = E @ (p[:, None] * W)
    a = E @ (p[:, None] * theta)
    tot = a + P
    h = np.divide(1.0, tot, out=np.zeros_like(tot), where=tot > 0)
    hP = h * P
    den = np.sum(P * hP, axis=0)
    den = np.where(den > 0, den, 1.0)
    # right-hand sides: n unit vectors (dnu_k), -c (dlam), rho
    U = np.empty((n + 2, n, F.shape[1]))
    U[:n] = np.eye(n)[:, :, None]
    U[n] = -pb.c
    U[n + 1] = rho
    b = np.matmul(E, U * (p[:, None] * theta))  # (m, G, ny)
    dL = h * b - hP * (np.sum(hP * b, axis=1, keepdims=True) / den)
    dW = theta * (U - dL[:, grp, :])
    rs = dW.sum(axis=2)  # (m, n)
    bud = np.sum(dW * pb.pc, axis=(1, 2))
    A = np.empty((n + 1, n + 1))
    A[:n, :] = rs[: n + 1].T
    A[n, :] = bud[: n + 1]
    A[n, n] -= w / lam
    e = 1.0 - W.sum(axis=1)
    rw = pb.Bt - pb.cost(W) - w
    rhs = np.concatenate([e - rs[n + 1], [rw - (mu - lam * w) / lam - bud[n + 1]]])
    try:
        x = np.linalg.solve(A, rhs)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(x)):
        return None
    dWt = dW[n + 1] + np.tensordot(x, dW[: n + 1], axes=1)
    return dWt, x[:n], float(x[n])


def _max_step(v: np.ndarray, dv: np.ndarray) -> float:
    """The largest t with v + t dv >= 0 (inf if dv >= 0)."""
    neg = dv < 0
    if not np.any(neg):
        return math.inf
    return float(np.min(-v[neg] / dv[neg]))


def _merit_parts(pb: _Problem, W, w) -> tuple[float, float, tuple]:
    """I(W), the barrier sum sum_k p_k sum_y log W_ky + log w, and (P, q, L) at W."""
    P, q, Lk = pb.joint(W)
    with np.errstate(divide="ignore"):
        lw = np.log(np.where(pb.F, W, 1.0))
    return pb.mi(W, P, q, Lk), float(np.sum(pb.p[:, None] * lw)) + math.log(w), (P, q, Lk)


def _line_search(pb: _Problem, W, w, dW, dw, mu, aP, parts):
    """Armijo search on the barrier merit I - mu (sum p log W + log w) from aP down; (t, W, w, parts) or None."""
    mi0, bar0, (_, _, Lk) = parts
    phi = mi0 - mu * bar0
    with np.errstate(divide="ignore", invalid="ignore"):
        gW = np.where(pb.F, pb.p[:, None] * (Lk - mu / np.where(pb.F, W, 1.0)), 0.0)
    slope = min(float(np.sum(gW * dW)) - mu * dw / w, 0.0)
    t = aP
    while t > 1e-12:
        Wt = W + t * dW
        wt = w + t * dw
        if wt > 0 and np.all(Wt[pb.F] > 0):
            got = _merit_parts(pb, Wt, wt)
            if got[0] - mu * got[1] <= phi + 1e-4 * t * slope + 1e-15 * max(1.0, abs(phi)):
                return t, Wt, wt, got
        t *= 0.5
    return None


def _best_bound(pb: _Problem, W, Lk, nu, lam) -> float:
    """The informed dual at slope lam with alpha = nu or alpha = the W-mean of L + lam c, whichever is larger."""
    return max(pb.bound(nu, lam), pb.bound(np.sum(W * (Lk + lam * pb.c), axis=1), lam))


def _target(comp: float, step: float, goal: float, m: float) -> float:
    """The next barrier parameter: a cut by _SIGMA's factor for the last step length, superlinear after long ones."""
    s1, f1, s2, f2, f3 = _SIGMA
    sigma = f1 if step >= s1 else (f2 if step >= s2 else f3)
    return max(min(sigma * comp, comp ** 1.5 if step >= s1 else comp), 1e-3 * goal / m)


def _iterate(pb: _Problem, point: tuple, mu: float, parts: tuple):
    """One primal-dual Newton step at mu with its line search: (point, merit parts, step length) or None.

    ``point`` is (W, w, z, lam, nu); the primal takes the Armijo step, the
    bound multipliers their own fraction-to-the-boundary step.
    """
    W, w, z, lam, nu = point
    d = _newton(pb, W, z, lam, w, parts[2][2], nu, mu)
    if d is None:
        return None
    dW, dnu, _ = d
    dw = pb.Bt - pb.cost(W + dW) - w
    with np.errstate(divide="ignore", invalid="ignore"):
        Wd = np.where(pb.F, W, 1.0)
        dz = np.where(pb.F, mu / Wd - z - z / Wd * dW, 0.0)
    dlam = (mu - lam * w - lam * dw) / w
    aP = min(1.0, 0.995 * _max_step(W[pb.F], dW[pb.F]), 0.995 * (-w / dw if dw < 0 else math.inf))
    aD = min(1.0, 0.995 * _max_step(z[pb.F], dz[pb.F]), 0.995 * (-lam / dlam if dlam < 0 else math.inf))
    got = _line_search(pb, W, w, dW, dw, mu, aP, parts)
    if got is None:
        return None
    t, W, w, parts = got
    return (W, w, z + aD * dz, lam + aD * dlam, nu + t * dnu), parts, min(t, aD)


def _informed_ipm(rows: _Rows, ctil: np.ndarray, cfin: np.ndarray, Bt: float, tol: float, slack: float,
                  polish=None, zero=None):
    """Primal-dual interior-point method; (W, mi, lb, lam, iterations, certified), or None.

    Certified means a gap of at most ``tol``; the iterations aim at
    ``_GOAL tol`` (superlinear near the end), and the caller's ``polish``
    (W, lam) -> (bound, slope, channel or None, its information) is tried
    when the gap is below ``_POLISH_GAP`` and stalls or the complementarity
    is below the goal. ``zero()`` -> an exact zero-information channel within
    budget or None, asked once when the information falls below ``_ZERO_MI``.
    The bound is evaluated only once the complementarity (the gap of a
    centred point) is below ``_BOUND_FROM``.
    """
    goal = _GOAL * tol
    pb = _Problem(rows, ctil, cfin, Bt)
    W, w = pb.start()
    mu = 0.1
    lam = mu / w
    z = np.where(pb.F, mu / np.where(pb.F, W, 1.0), 0.0)
    parts = _merit_parts(pb, W, w)
    nu = np.sum(W * (parts[2][2] + lam * pb.c - z), axis=1)
    best = (math.inf, None)
    lb, lam_b = -math.inf, 0.0
    hist: list[float] = []
    polished, step, it = 0, 1.0, 0
    for it in range(1, _MAXITER + 1):
        mi, Lk = parts[0], parts[2][2]
        if mi < best[0] and pb.cost(W) <= Bt + slack:
            best = (mi, W)
        if zero is not None and best[0] <= _ZERO_MI:
            W0, zero = zero(), None  # the optimum may be 0, a degenerate face approached only linearly
            if W0 is not None and pb.mi(W0) <= tol:  # certified by the trivial bound I >= 0
                return W0, pb.mi(W0), 0.0, 0.0, it, True
        comp = (float(np.sum(pb.p[:, None] * W * z)) + lam * w) / pb.m
        if comp * pb.m <= _BOUND_FROM:
            b = _best_bound(pb, W, Lk, nu, lam)
            if b > lb:
                lb, lam_b = b, lam
            hist.append(best[0] - lb)
            stalled = len(hist) > 4 and hist[-1] > 0.5 * hist[-4]
            if hist[-1] > goal and polish is not None and polished < 2 and hist[-1] <= _POLISH_GAP and (
                    stalled or comp * pb.m <= 0.1 * goal):
                polished += 1
                b, sb, Xp, mip = polish(W, lam)
                lb, lam_b = (b, sb) if b > lb else (lb, lam_b)
                best = (mip, Xp) if Xp is not None and mip < best[0] else best
            if best[0] - lb <= goal:
                break
            if len(hist) > 6 and hist[-1] > 0.5 * hist[-6]:  # stalled
                break
        mu = _target(comp, step, goal, pb.m)
        got = _iterate(pb, (W, w, z, lam, nu), mu, parts)
        if got is None:
            break
        (W, w, z, lam, nu), parts, step = got
    if best[1] is None:
        return None
    Wn = _normalised(pb, best[1])
    mi = pb.mi(Wn)
    return Wn, mi, lb, lam_b, it, mi - lb <= tol


def _normalised(pb: _Problem, W: np.ndarray) -> np.ndarray:
    """The rows of W summed to one (they drift by rounding), pulled toward the cheapest outputs if that costs too much."""
    Wn = W / W.sum(axis=1, keepdims=True)
    over = pb.cost(Wn) - pb.Bt
    if over > 0:  # by rounding only: mix in the zero-cost channel by the (tiny) fraction needed
        cheap = pb.F & (pb.c == 0.0)
        Wc = cheap / cheap.sum(axis=1, keepdims=True)
        e = min(2.0 * over / pb.cost(Wn), 1.0)
        Wn = (1.0 - e) * Wn + e * Wc
    return Wn


def _mix_from_channel(rows: _Rows, W: np.ndarray, floor: float = 1e-9):
    """Atoms (y, one row per group) and weights whose mixing variable is the channel's: m_u(x, y) = q(y) P(x | u, y).

    At every output the groups' conditional laws of x are coupled
    comonotonically (one atom per interval between their cumulative
    breakpoints). Entries of W below ``floor`` are ignored.
    """
    Wt = np.where(W >= floor, W, 0.0)
    J = rows.p[:, None] * Wt
    ys, sels, lws = [], [], []
    for y in np.nonzero(J.sum(axis=0) > 0)[0]:
        cums, idxs = [], []
        for idx in rows.groups:
            m = J[idx, y]
            keep = m > 0
            if not np.any(keep):  # the group has no mass here: its largest row (its term is ~0)
                keep = rows.p[idx] == rows.p[idx].max()
                m = keep.astype(float)
            m = m[keep] / m[keep].sum()
            cums.append(np.cumsum(m))
            idxs.append(idx[keep])
        br = np.unique(np.concatenate([[0.0]] + [np.minimum(c, 1.0) for c in cums]))
        br[-1] = 1.0
        br = np.unique(br)
        mid = 0.5 * (br[1:] + br[:-1])
        wt = np.diff(br)
        good = wt > 0
        mid, wt = mid[good], wt[good]
        sel = np.column_stack([ix[np.minimum(np.searchsorted(c, mid), c.size - 1)] for c, ix in zip(cums, idxs)])
        q = J[:, y].sum()
        ys.append(np.full(mid.size, y, dtype=np.intp))
        sels.append(sel)
        lws.append(np.log(wt * q))
    return np.concatenate(ys), np.vstack(sels).astype(np.intp), np.concatenate(lws)
