r"""Certified lower bounds of the finite-alphabet solvers (private module).

One lemma: for :math:`a_u(y) \ge 0` with :math:`\sum_u p(u) a_u(y) \le 1`
for every :math:`y`, :math:`I(U;Y) \ge \mathbb{E}\log a_U(Y)` for every joint
law with those marginals. With Lagrangian relaxation of the budget (slope
:math:`s`):

* informed dual (:func:`_informed_value`, :func:`_informed_bound_from_channel`):
  :math:`I^*(B) \ge \sum p(u,x)\alpha_{u,x} - sB - \log\max_y \sum_u p(u)
  \max_x e^{\alpha_{u,x} - s c(x,y)}` for any :math:`\alpha`;
* blind dual (:func:`_blind_step`): one Blahut–Arimoto-type step from a
  full-support law gives :math:`I^*(B) \ge -\log Z - \log R - sB`.

Both hold for any choice of the auxiliary quantities; the solvers only make
them tight. Proofs: ``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._blind_lattice import _Blind, _blind_outputs, _group_rows
from ._logdomain import _FLOOR, _log, _lse
from ._mixing import _Rows, _informed_gradient


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
    """pi'(e) ~ pi(e) exp(-g(e) - s e^2) and the bound -log Z - log R (``notes/discrete_solvers.md``)."""
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
    loggp, goff, _ = _group_rows(m)
    acc = np.full((G, m.ny), -np.inf)
    for g in range(G):
        for o in goff[g]:
            sl = slice(int(o), int(o) + ne)
            acc[g, sl] = np.maximum(acc[g, sl], lrho)
    fin = np.isfinite(logq)
    terms = loggp[:, None] + logV[:, fin] - logq[fin][None, :] + acc[:, fin]
    logR = float(np.max(_lse(terms, axis=0)))
    cost = float(np.exp(ell) @ m.kappa)
    return _BStep(ell=ell, mi=mi, cost=cost, new=new, value=-lZ - logR, lrho=lrho)
