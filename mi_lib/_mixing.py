r"""Informed attacker at a fixed slope: the mixing problem and its Newton method (private module).

For a slope :math:`s \ge 0` on the budget, :math:`\min_W I(U;Y) + s\,\mathbb{E}c`
equals :math:`\min_m \sum_{u,x} p(u,x)[\log p(x|u) - \log \sum_y m_u(x,y) K(x,y)]`
with :math:`K = e^{-sc}` (a nonparametric maximum-likelihood problem over
atoms: one output letter and one input letter per :math:`u`). It is solved by
a scaled active-set Newton method (:func:`_informed_san`) in relative
coordinates, the rows brought in by decreasing :math:`p(x|u)`
(:func:`_informed_staged`); rows below ``_TAIL`` are attached at their
first-order optimum. The certificate of the fixed-slope problem is in
:mod:`mi_lib._certificates`; the derivation in ``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._logdomain import _lse


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
    gidx: np.ndarray | None = None  # the groups' rows, concatenated (for the compiled kernels)
    goff: np.ndarray | None = None  # group g is gidx[goff[g]:goff[g + 1]]


def _rows_of(p_ux: np.ndarray) -> _Rows:
    uu, xx = np.nonzero(p_ux > 0)
    p = p_ux[uu, xx]
    pu_all = p_ux.sum(axis=1)
    counts = np.bincount(uu, minlength=p_ux.shape[0])
    gu = counts.nonzero()[0]  # the u with p(u) > 0
    bounds = [0]
    for n in counts[gu].tolist():
        bounds.append(bounds[-1] + n)
    goff = np.array(bounds, dtype=np.intp)
    gidx = np.arange(uu.size, dtype=np.intp)  # nonzero lists (u, x) in row-major order: grouped by u
    groups = tuple(gidx[a:b] for a, b in zip(bounds[:-1], bounds[1:]))
    grp = uu if gu.size == counts.size else np.searchsorted(gu, uu)  # every u present: group g is u = g
    logp = np.log(p)
    return _Rows(
        u=uu,
        x=xx,
        p=p,
        logp=logp,
        logpxu=logp - np.log(pu_all[uu]),
        groups=groups,
        gu=gu,
        pu=pu_all[gu],
        grp=grp,
        gidx=gidx,
        goff=goff,
    )


def _kernels():
    """The compiled kernels (imported on first use: ``import mi_lib`` neither imports numba nor compiles)."""
    from . import _mixing_kernels

    return _mixing_kernels


def _flat_groups(rows: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """(gidx, goff): the rows of group g are ``gidx[goff[g]:goff[g + 1]]``."""
    if rows.gidx is not None:
        return rows.gidx, rows.goff
    sizes = [idx.size for idx in rows.groups]
    return (np.concatenate(rows.groups).astype(np.intp),
            np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp))


def _c(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a)


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
    return _kernels().logf_of(_c(logK), rows.x, rows.p.size, _c(mix.y), _c(mix.sel), _c(mix.lw))


def _informed_gradient(logK: np.ndarray, rows: _Rows, logf: np.ndarray):
    """log of the directional derivative D(y) of the best atom at every y, and that atom."""
    logD, sel, _ = _informed_terms(logK, rows, logf)
    return logD, sel


def _informed_terms(logK: np.ndarray, rows: _Rows, logf: np.ndarray, active: np.ndarray | None = None):
    """``log D(y)``, the best atom at every y and the per-group terms ``log max_x p(u,x) K(x,y) / f_{u,x}``.

    ``D(y) = sum_u max_x p(u, x) K(x, y) / f_{u,x}`` over the rows in
    ``active`` (all rows by default); the group terms form a (G, |Y|) array.
    """
    logp = rows.logp if active is None else np.where(active, rows.logp, -np.inf)
    gidx, goff = _flat_groups(rows)
    return _kernels().terms(_c(logK), rows.x, logp, _c(logf), gidx, goff)


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
    return _kernels().qp(_c(M), _c(q), _c(lb), _c(z0).astype(float), int(rank))


def _ratio(logp: np.ndarray, logf: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """``log p_k - log f_k`` on the rows ``sel``; -inf for a row outside the problem (p = 0 and f = 0).

    Rows not yet active have ``log p = -inf`` here and may have no atom
    (``log f = -inf``): their term in D and in the Hessian is 0, not NaN.
    """
    a = logp[sel] - logf[sel]  # callers run with invalid operations silenced (-inf - -inf)
    a[np.isnan(a)] = -np.inf
    return a


def _informed_san(
    logK: np.ndarray, rows: _Rows, mix: _Mix, tol: float, *, generate: bool = True,
    active: np.ndarray | None = None, maxiter: int = 200,
):
    """Scaled active-set Newton method (:func:`_informed_san_body`; the compiled kernel raises no floating-point warnings)."""
    return _informed_san_body(logK, rows, mix, tol, generate=generate, active=active, maxiter=maxiter)


def _informed_san_body(
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
    ms = _masses(rows, active)
    gidx, goff = _flat_groups(rows)
    y, sel, lw, logf, lm, it = _kernels().san(
        _c(logK), rows.x, gidx, goff, ms.p, ms.logp, _c(ms.act), ms.logptot, _c(mix.y), _c(mix.sel), _c(mix.lw),
        float(tol), bool(generate), int(maxiter))
    return _Mix(y, sel, lw), logf, lm, it


@dataclass(frozen=True, slots=True)
class _Masses:
    """The row masses a Newton run counts (inactive rows: mass 0, log mass -inf)."""

    p: np.ndarray
    logp: np.ndarray
    act: np.ndarray
    p_act: np.ndarray
    logptot: float


def _masses(rows: _Rows, active: np.ndarray | None) -> _Masses:
    p = rows.p if active is None else np.where(active, rows.p, 0.0)
    logp = rows.logp if active is None else np.where(active, rows.logp, -np.inf)
    act = np.ones(p.size, dtype=bool) if active is None else active
    return _Masses(p=p, logp=logp, act=act, p_act=p[act], logptot=math.log(float(p.sum())))


def _atom_logD(logp: np.ndarray, logf: np.ndarray, lL: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """log D_j = log sum over the atom's rows of p_k L_kj / f_k."""
    return _kernels().atom_logD(logp, _c(logf), _c(lL), _c(sel))


def _add_candidates(logK, rows: _Rows, ms: _Masses, logf, y, sel, lL, logDA, logD, selbest, lm):
    """Append the best atoms at the local maxima of D over the outputs and at every output near the largest.

    (Adding every output with D > 1 makes the subproblem degenerate and
    slow.) At most one atom per active row plus two are added; atoms already
    present are skipped. Returns y, sel, log L and log D of the atoms.
    """
    return _kernels().add_candidates(_c(logK), rows.x, ms.logp, _c(logf), int(ms.act.sum()), _c(y), _c(sel),
                                     _c(lL), _c(logDA), _c(logD), _c(selbest), float(lm))


def _newton_system(ms: _Masses, logf, lL, lw, sel, J0: int, logDA):
    """The scaled Newton subproblem: (M, q, log sigma, lower bounds of z).

    Each atom's row of the row-scaled Hessian ``R Pi`` is divided by its
    ``D_j``, so that ``R_jk / D_j <= 1`` even when a warm start leaves rows
    starved (the complementarity problem is unchanged); ``q = (1 - D) / D``.
    Atoms from ``J0`` on are new: their scale is the weight that would carry
    all of their most constrained row, and their lower bound is 0 (-1 for
    the others: ``w (1 + z) >= 0``).
    """
    return _kernels().newton_system(ms.logp, _c(logf), _c(lL), _c(lw), _c(sel), int(J0), _c(logDA))


def _trial_weights(lw, logsig, tz, J0: int) -> np.ndarray:
    """log weights after the step t z: w (1 + t z) for old atoms, sigma t z for new ones (-inf: removed)."""
    return _kernels().trial_weights(_c(lw), _c(logsig), _c(tz), 1.0, int(J0))


def _step_slope(logDA, logsig, z) -> float:
    """Directional derivative of F along sigma z: sum_j sigma_j (1 - D_j) z_j, in the log domain."""
    return float(_kernels().step_slope(_c(logDA), _c(logsig), _c(z)))


def _armijo(logK, rows: _Rows, ms: _Masses, y, sel, lw, logsig, z, J0: int, logDA, F0: float):
    """Armijo search on F along z: (mixture, log f, log L, kept atoms), or None without progress."""
    ok, yt, st, wt, logf_t, lL_t, keep = _kernels().armijo(
        _c(logK), rows.x, ms.p, _c(ms.act), _c(y), _c(sel), _c(lw), _c(logsig), _c(z), int(J0), _c(logDA), float(F0))
    return (_Mix(yt, st, wt), logf_t, lL_t, keep) if ok else None


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
    gidx, goff = _flat_groups(rows)
    y, sel, lw = _kernels().initial_mix(_c(logK), rows.x, rows.p, rows.logp, gidx, goff, _c(cov), _c(pl))
    return _Mix(y=y, sel=sel, lw=lw)


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


def _informed_channel(logK: np.ndarray, rows: _Rows, mix: _Mix, logf: np.ndarray) -> np.ndarray:
    """W(y | u, x) = sum over atoms at y of w K(x, y) / f_{u,x} (rows renormalised)."""
    return _kernels().channel(_c(logK), rows.x, rows.p.size, _c(mix.y), _c(mix.sel), _c(mix.lw), _c(logf))


def _informed_sensitivity(logK: np.ndarray, rows: _Rows, mix: _Mix, logf: np.ndarray, cfin: np.ndarray,
                          s: float) -> float:
    """d cost / d log s along the solution path at fixed support (nan if it is not defined)."""
    fin = np.isfinite(mix.lw)
    if not fin.any() or not np.isfinite(logf).all():
        return math.nan
    from . import _budget_kernels as bk

    sel = _c(mix.sel[fin])
    M, b, P, C, cbar, var = bk.sensitivity_system(_c(logK), _c(cfin), rows.x, rows.p.size, rows.logp, _c(logf),
                                                  _c(mix.y[fin]), sel, _c(mix.lw[fin]))
    if not (np.isfinite(P).all() and np.isfinite(M).all() and np.isfinite(b).all()):
        return math.nan  # a weight overflowed: no usable derivative
    try:
        dth = np.linalg.lstsq(M, b, rcond=1e-12)[0]
    except np.linalg.LinAlgError:  # pragma: no cover
        return math.nan
    dc = float(bk.sensitivity_value(rows.p, sel, P, C, cbar, var, dth))
    return s * dc if math.isfinite(dc) else math.nan


def _rows_mi(rows: _Rows, W: np.ndarray) -> float:
    """I(U; Y) of the channel rows W (the joint of U and Y summed over the rows of each u)."""
    gidx, goff = _flat_groups(rows)
    return float(_kernels().rows_mi(rows.p, _c(W), gidx, goff))


def _rows_cost(rows: _Rows, W: np.ndarray, cfin: np.ndarray) -> float:
    return float(np.sum(rows.p[:, None] * W * cfin[rows.x]))
