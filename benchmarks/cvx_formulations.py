"""The finite-alphabet attack problems as cvxpy programs, independent of ``mi_lib``.

Mutual information is written as a sum of ``rel_entr`` terms,
``I(U;Y) = sum_u sum_y rel_entr(p(u,y), p(u) q(y))`` with ``q(y) = sum_u p(u,y)``,
which is jointly convex and which cvxpy turns into exponential cones; the
variables are the attack (informed: the channel entries of the allowed pairs;
blind: the law of the perturbation), every constraint is linear. Solved by
Clarabel (interior point) or SCS (first order), each at tight tolerances.

Used by ``bench_discrete_suite.py`` (timings: build + solve wall time) and
``make_reference_random.py`` (reference values from two solvers).
"""

from __future__ import annotations

import warnings

import cvxpy as cp
import numpy as np
import scipy.sparse as sps

SETTINGS = {
    "CLARABEL": {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10},
    "SCS": {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iters": 200_000},
}
"""Solver options (the Clarabel ones are those of the older benchmark and of ``reference_discrete.json``)."""


def _mi_expr(blocks, pu):
    """``sum_u sum_y rel_entr(p(u, y), p(u) q(y))`` for affine ``p(u, .)`` expressions."""
    qy = sum(b for _, b in blocks)
    return sum(cp.sum(cp.rel_entr(b, pu[u] * qy)) for u, b in blocks)


def informed_problem(p_ux, cost, budget) -> cp.Problem:
    """min I(U;Y) over W(y|u,x) on the allowed pairs (finite cost), sum p(u,x) W c <= budget."""
    p_ux, cost = np.asarray(p_ux, float), np.asarray(cost, float)
    nU, nX = p_ux.shape
    ny = cost.shape[1]
    rows = [(u, x) for u in range(nU) for x in range(nX) if p_ux[u, x] > 0]
    vi = [(k, u, x, int(y)) for k, (u, x) in enumerate(rows) for y in np.nonzero(np.isfinite(cost[x]))[0]]
    nv = len(vi)
    w = cp.Variable(nv, nonneg=True)
    P = sps.coo_matrix(([p_ux[u, x] for (_, u, x, _) in vi], ([u * ny + y for (_, u, _, y) in vi], range(nv))),
                       shape=(nU * ny, nv)).tocsr()
    R = sps.coo_matrix(([1.0] * nv, ([k for (k, _, _, _) in vi], range(nv))), shape=(len(rows), nv)).tocsr()
    c = np.array([p_ux[u, x] * cost[x, y] for (_, u, x, y) in vi])
    puy = P @ w
    pu = p_ux.sum(axis=1)
    blocks = [(u, puy[u * ny:(u + 1) * ny]) for u in range(nU) if pu[u] > 0]
    return cp.Problem(cp.Minimize(_mi_expr(blocks, pu)), [R @ w == 1, c @ w <= budget])


def blind_problem(p_ux, x_values, e_values, budget) -> cp.Problem:
    """min I(U; X + E) over laws pi of E on ``e_values``, sum pi(e) e^2 <= budget.

    ``x_values`` and ``e_values`` must lie on one lattice of the spacing of
    ``e_values``: Y = X + E is indexed by ``round((x - min x) / h) + j``.
    """
    p_ux = np.asarray(p_ux, float)
    x, e = np.asarray(x_values, float), np.asarray(e_values, float)
    order = np.argsort(e)
    e = e[order]
    n = e.size
    if n > 1:
        off = np.round((x - x.min()) / float(e[1] - e[0])).astype(int)
    else:  # one perturbation: distinct letters, distinct outputs
        off = np.argsort(np.argsort(x))
    ny = int(off.max()) + n
    pi = cp.Variable(n, nonneg=True)
    pu = p_ux.sum(axis=1)
    blocks = []
    for u in np.nonzero(pu > 0)[0]:
        r, col, val = [], [], []
        for k in np.nonzero(p_ux[u] > 0)[0]:
            r.extend(off[k] + np.arange(n))
            col.extend(range(n))
            val.extend([p_ux[u, k]] * n)
        A = sps.coo_matrix((val, (r, col)), shape=(ny, n)).tocsr()
        blocks.append((int(u), A @ pi))
    return cp.Problem(cp.Minimize(_mi_expr(blocks, pu)), [cp.sum(pi) == 1, (e * e) @ pi <= budget])


def build(pb) -> cp.Problem:
    """The cvxpy problem of a ``suite.Problem``."""
    if pb.kind == "blind":
        d = pb.data
        return blind_problem(d["p_ux"], d["x_values"], d["e_values"], pb.budget)
    p, c = pb.informed_form()
    return informed_problem(p, c, pb.budget)


def solve_cvx(pb, solver: str = "CLARABEL", settings: dict | None = None) -> tuple[float, str, float]:
    """Build and solve ``pb``; returns ``(value, status, solver time)`` (value ``nan`` if none).

    Solver warnings ("solution may be inaccurate") are silenced: the status
    says it. A solver error is returned as status ``"error"``.
    """
    prob = build(pb)
    opts = SETTINGS[solver] if settings is None else settings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prob.solve(solver=solver, **opts)
        except cp.error.SolverError as exc:
            return float("nan"), "error", float("nan")
    val = prob.value
    val = float(val) if val is not None and np.isfinite(val) else float("nan")
    t = prob.solver_stats.solve_time if prob.solver_stats is not None else None
    return val, str(prob.status), float(t) if t is not None else float("nan")
