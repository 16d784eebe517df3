"""Reference optima for the finite-alphabet attack solvers, from a generic conic solver.

Writes ``benchmarks/data/reference_discrete.json``, read by
``tests/test_discrete.py``. Every reference value is computed *without*
``mi_lib``: each problem is written directly as a convex program in cvxpy
(mutual information as a sum of ``rel_entr`` terms, which cvxpy turns into
exponential cones) and solved by Clarabel at tight tolerances; for problem (21)
a brute-force grid minimum over [0, 1]^4 is stored as well (an upper bound on
the optimum that needs no solver at all).

Run (optional extra ``bench``: cvxpy, clarabel)::

    python benchmarks/make_reference_discrete.py

The file records the script name, package versions, the date and the solver
settings.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import platform
import sys
from pathlib import Path

import numpy as np

try:
    import clarabel
    import cvxpy as cp
except ImportError:  # pragma: no cover - optional extra
    print("cvxpy and clarabel are needed (pip install cvxpy clarabel); nothing written.")
    sys.exit(0)

import scipy.sparse as sps
from discrete_problems import FIG6, gauss_pm1_informed, pm1_informed

OUT = Path(__file__).resolve().parent / "data" / "reference_discrete.json"
SETTINGS = {
    "solver": "CLARABEL",
    "tol_gap_abs": 1e-10,
    "tol_gap_rel": 1e-10,
    "tol_feas": 1e-10,
    "tol_ktratio": 1e-8,
    "max_iter": 500,
}



def solve(prob: "cp.Problem") -> tuple[float, str, int]:
    prob.solve(**SETTINGS)
    return float(prob.value), str(prob.status), int(prob.solver_stats.num_iters or 0)


def informed_value(p_ux: np.ndarray, cost: np.ndarray, budget: float) -> tuple[float, str, int]:
    """min I(U;Y) over channels W(y|u,x) with expected cost <= budget (only allowed pairs are variables)."""
    nU, nX = p_ux.shape
    rows = [(u, x) for u in range(nU) for x in range(nX) if p_ux[u, x] > 0]
    allowed = np.isfinite(cost)
    var_index = []
    for k, (u, x) in enumerate(rows):
        for y in np.nonzero(allowed[x])[0]:
            var_index.append((k, u, x, int(y)))
    nv = len(var_index)
    ny = cost.shape[1]
    w = cp.Variable(nv, nonneg=True)
    # p(u, y) = sum_x p(u, x) W(y | u, x)
    P = sps.coo_matrix(
        ([p_ux[u, x] for (_, u, x, _) in var_index], ([u * ny + y for (_, u, _, y) in var_index], range(nv))),
        shape=(nU * ny, nv),
    ).tocsr()
    R = sps.coo_matrix(([1.0] * nv, ([k for (k, _, _, _) in var_index], range(nv))), shape=(len(rows), nv)).tocsr()
    c = np.array([p_ux[u, x] * cost[x, y] for (_, u, x, y) in var_index])
    puy = P @ w
    pu = p_ux.sum(axis=1)
    qy = sum(puy[u * ny : (u + 1) * ny] for u in range(nU))
    terms = [cp.sum(cp.rel_entr(puy[u * ny : (u + 1) * ny], pu[u] * qy)) for u in range(nU) if pu[u] > 0]
    prob = cp.Problem(cp.Minimize(sum(terms)), [R @ w == 1, c @ w <= budget])
    return solve(prob)


def zero_mi_budget(p_ux: np.ndarray, cost: np.ndarray) -> tuple[float, str]:
    """Cheapest expected cost of a channel with I(U;Y) = 0 (every p(y|u) equal), as a linear program."""
    nU, nX = p_ux.shape
    ny = cost.shape[1]
    rows = [(u, x) for u in range(nU) for x in range(nX) if p_ux[u, x] > 0]
    allowed = np.isfinite(cost)
    vi = [(k, u, x, int(y)) for k, (u, x) in enumerate(rows) for y in np.nonzero(allowed[x])[0]]
    nv = len(vi)
    w = cp.Variable(nv, nonneg=True)
    q = cp.Variable(ny, nonneg=True)
    pu = p_ux.sum(axis=1)
    # p(y | u) = sum_x p(x|u) W(y|u,x) = q(y) for every u
    P = sps.coo_matrix(
        ([p_ux[u, x] / pu[u] for (_, u, x, _) in vi], ([u * ny + y for (_, u, _, y) in vi], range(nv))),
        shape=(nU * ny, nv),
    ).tocsr()
    R = sps.coo_matrix(([1.0] * nv, ([k for (k, _, _, _) in vi], range(nv))), shape=(len(rows), nv)).tocsr()
    c = np.array([p_ux[u, x] * cost[x, y] for (_, u, x, y) in vi])
    cons = [R @ w == 1] + [P[u * ny:(u + 1) * ny] @ w == q for u in range(nU) if pu[u] > 0]
    prob = cp.Problem(cp.Minimize(c @ w), cons)
    prob.solve(**SETTINGS)
    return float(prob.value), str(prob.status)


def blind_value(p_ux: np.ndarray, x_idx: np.ndarray, kappa: np.ndarray, budget: float) -> tuple[float, str, int]:
    """min I(U; X + E) over laws of E on a grid (lattice offsets x_idx), E[E^2] <= budget."""
    nU, nX = p_ux.shape
    n = kappa.size
    ny = int(x_idx.max() - x_idx.min()) + n
    off = x_idx - x_idx.min()
    pi = cp.Variable(n, nonneg=True)
    pu = p_ux.sum(axis=1)
    terms = []
    blocks = []
    for u in range(nU):
        if pu[u] <= 0:
            continue
        rows_, cols_, vals_ = [], [], []
        for x in range(nX):
            if p_ux[u, x] > 0:
                rows_.extend(off[x] + np.arange(n))
                cols_.extend(range(n))
                vals_.extend([p_ux[u, x]] * n)
        A = sps.coo_matrix((vals_, (rows_, cols_)), shape=(ny, n)).tocsr()
        blocks.append((u, A @ pi))
    qy = sum(b for _, b in blocks)
    for u, puy in blocks:
        terms.append(cp.sum(cp.rel_entr(puy, pu[u] * qy)))
    prob = cp.Problem(cp.Minimize(sum(terms)), [cp.sum(pi) == 1, kappa @ pi <= budget])
    return solve(prob)


def grid_min_21(joint, eps: float, n: int = 41) -> float:
    """Brute-force minimum of (21) over an n^4 grid of flip probabilities (feasible points only)."""
    a, b, c, d = joint
    t = np.linspace(0.0, 1.0, n)
    best = math.inf
    p1, p2 = np.meshgrid(t, t, indexing="ij")
    p1, p2 = p1.ravel(), p2.ravel()
    for p3 in t:
        for p4 in t:
            cost = a * p1 + b * p2 + c * p3 + d * p4
            ok = cost <= eps + 1e-15
            if not np.any(ok):
                continue
            j = np.stack(
                [a * (1 - p1) + b * p2, a * p1 + b * (1 - p2), c * (1 - p3) + d * p4 + 0 * p1, c * p3 + d * (1 - p4) + 0 * p1]
            )[:, ok]
            pu0, pu1 = a + b, c + d
            q0 = j[0] + j[2]
            q1 = j[1] + j[3]
            mi = np.zeros(j.shape[1])
            for val, pu, q in ((j[0], pu0, q0), (j[1], pu0, q1), (j[2], pu1, q0), (j[3], pu1, q1)):
                pos = val > 0
                mi[pos] += val[pos] * np.log(val[pos] / (pu * q[pos]))
            best = min(best, float(mi.min()))
    return best


def main() -> None:
    cases = []
    # problem (21): Figure 6 pmfs through the informed formulation, plus the brute-force grid
    ham = np.array([[0.0, 1.0], [1.0, 0.0]])
    for panel, pmfs in FIG6.items():
        for joint in pmfs:
            for eps in (0.01, 0.05, 0.09, 0.13, 0.21, 0.29, 0.37):
                val, status, its = informed_value(np.array(joint).reshape(2, 2), ham, eps)
                cases.append(
                    {
                        "id": f"fig6{panel}-{'-'.join(f'{t:.2f}' for t in joint)}-eps{eps:.2f}",
                        "kind": "binary",
                        "joint": list(joint),
                        "budget": eps,
                        "reference_mi": max(val, 0.0),
                        "status": status,
                        "iterations": its,
                        "grid41_min": grid_min_21(joint, eps) if panel != "c" and eps in (0.05, 0.21) else None,
                    }
                )
                print(cases[-1]["id"], cases[-1]["reference_mi"], status)
    # informed, +-1 signal, squared cost on a lattice (small grid for the tests, 801 points for the benchmark)
    for A, n in ((1.0, 41), (2.0, 801)):
        p, c = pm1_informed(A, n)
        for D in (0.05, 0.2, 0.5, 0.8):
            val, status, its = informed_value(p, c, D)
            cases.append(
                {"id": f"pm1-informed-A{A}-n{n}-D{D}", "kind": "pm1_informed", "A": A, "n": n, "budget": D,
                 "reference_mi": max(val, 0.0), "status": status, "iterations": its}
            )
            print(cases[-1]["id"], val, status)
    # informed, U != X, generic costs with forbidden pairs
    rng = np.random.default_rng(20260101)
    p_ux = rng.dirichlet(np.ones(6)).reshape(2, 3)
    cost = rng.uniform(0.0, 2.0, size=(3, 4))
    cost[0, 3] = np.inf
    cost[2, 0] = np.inf
    px = p_ux.sum(axis=0)
    bmin = float(px @ np.min(cost, axis=1))
    for B in (round(bmin + 0.05, 6), round(bmin + 0.2, 6), round(bmin + 0.5, 6)):
        val, status, its = informed_value(p_ux, cost, B)
        cases.append(
            {"id": f"informed-generic-B{B}", "kind": "informed", "p_ux": p_ux.tolist(),
             "cost": [[(None if not math.isfinite(v) else v) for v in row] for row in cost], "budget": B,
             "reference_mi": max(val, 0.0), "status": status, "iterations": its}
        )
        print(cases[-1]["id"], val, status)
    # informed, U = +-1 observed through Gaussian noise, X quantised on a grid: masses spanning hundreds of
    # orders of magnitude (the regime where the constrained Newton method stalled); budgets on both sides
    # of the zero-information point, whose cost is stored too (a linear program)
    for h, sigma, budgets in ((0.1, 0.25, (0.1, 0.5, 0.999, 1.0)), (0.2, 0.1, (0.05, 0.6)), (0.1, 0.1, (0.9,)),
                              (0.05, 0.5, (0.3,))):
        p, c = gauss_pm1_informed(h, sigma)
        b0, b0_status = zero_mi_budget(p, c)
        for B in budgets:
            val, status, its = informed_value(p, c, B)
            cases.append(
                {"id": f"gauss-informed-h{h}-s{sigma}-B{B}", "kind": "gauss_informed", "h": h, "sigma": sigma,
                 "budget": B, "reference_mi": max(val, 0.0), "status": status, "iterations": its,
                 "zero_mi_budget": b0, "zero_mi_status": b0_status}
            )
            print(cases[-1]["id"], val, status, "zero-MI budget", b0, b0_status)
    # blind, +-1 signal (U = X) and a noisy observation (U != X)
    for lo, hi, n, D in ((-2.0, 2.0, 81, 0.3), (-2.0, 2.0, 81, 1.0), (-1.0, 1.0, 41, 0.5), (-3.0, 3.0, 121, 0.8)):
        e = np.linspace(lo, hi, n)
        h = e[1] - e[0]
        x_idx = np.round((np.array([-1.0, 1.0]) - lo) / h).astype(int)
        val, status, its = blind_value(np.diag([0.5, 0.5]), x_idx, e * e, D)
        cases.append(
            {"id": f"pm1-blind-[{lo},{hi}]-n{n}-D{D}", "kind": "blind", "p_ux": [[0.5, 0.0], [0.0, 0.5]],
             "x_values": [-1.0, 1.0], "e_values": {"lo": lo, "hi": hi, "n": n}, "budget": D,
             "reference_mi": max(val, 0.0), "status": status, "iterations": its}
        )
        print(cases[-1]["id"], val, status)
    p_noisy = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    for D in (0.2, 0.6):
        e = np.linspace(-1.5, 1.5, 31)
        h = e[1] - e[0]
        xv = np.array([-1.0, 0.0, 1.0])
        x_idx = np.round((xv - e[0]) / h).astype(int)
        val, status, its = blind_value(p_noisy, x_idx, e * e, D)
        cases.append(
            {"id": f"noisy-blind-D{D}", "kind": "blind", "p_ux": p_noisy.tolist(), "x_values": xv.tolist(),
             "e_values": {"lo": -1.5, "hi": 1.5, "n": 31}, "budget": D,
             "reference_mi": max(val, 0.0), "status": status, "iterations": its}
        )
        print(cases[-1]["id"], val, status)
    out = {
        "provenance": {
            "script": "benchmarks/make_reference_discrete.py",
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cvxpy": cp.__version__,
            "clarabel": clarabel.__version__,
            "solver_settings": SETTINGS,
            "notes": "mutual information in nats; reference_mi is the Clarabel optimum (clipped at 0); "
            "grid41_min is a brute-force minimum of problem (21) over a 41^4 grid of flip probabilities "
            "(an upper bound on the optimum); zero_mi_budget is the cheapest cost of a zero-information "
            "channel (a linear program solved by Clarabel), beyond which the optimum is 0.",
        },
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
