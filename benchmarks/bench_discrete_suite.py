"""Finite-alphabet attack solvers against cvxpy + Clarabel on the problem suite (``suite.py``).

For every problem: paired, interleaved timings (ours, cvxpy, ours, cvxpy, ...;
median of 3 repeats per method; the cvxpy time is build + solve wall time),
ratio = cvxpy time / our time (> 1: ``mi_lib`` is faster). Per family: median
ratio, worst ratio and the problem (budget) where it occurs; for the random
suite also the problems where ``mi_lib`` is slower (ratio < 1).

Accuracy, every value relative to the problem's scale H(U) (0 <= I <= H(U)):
max |mi - Clarabel| where Clarabel reports 'optimal'; on every problem with a
finite Clarabel value, ``lower_bound <= value + slack * H(U)`` (slack 1e-7 for
'optimal', 1e-5 otherwise: a suboptimal Clarabel point can only sit *above*
the optimum, an infeasible one slightly below); max certified gap; problems
whose solve did not converge (``ConvergenceWarning``).

Problem (21) is also compared with the paper's grid search (100 points per
axis on [0, 1]^4, one full pass per pmf charged to every budget) unless
``--no-grid`` or ``--quick``.

Run from any worktree (imports are relative to this folder; ``mi_lib`` is
whatever ``PYTHONPATH`` provides)::

    PYTHONPATH=$PWD python benchmarks/bench_discrete_suite.py --quick
    python benchmarks/bench_discrete_suite.py --family blind_S2 --family random
    python benchmarks/bench_discrete_suite.py --json benchmarks/results/speed.json

Timings are reported, never asserted. Skips (exit 0) without cvxpy/clarabel.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

try:
    import clarabel  # noqa: E402
    import cvxpy as cp  # noqa: E402
except ImportError:
    print("bench_discrete_suite: cvxpy/clarabel not installed (optional extra 'bench'); skipped.")
    sys.exit(0)

import cvx_formulations as cf  # noqa: E402
import suite  # noqa: E402
from grid21 import grid_search_21  # noqa: E402

REPEATS = 3
QUICK_RANDOM = 100
SLACK = {"optimal": 1e-7}
SLACK_OTHER = 1e-5


def run_problem(pb, repeats=REPEATS):
    """Interleaved timings of ``mi_lib`` and cvxpy + Clarabel on one problem; one result row."""
    t_ours, t_cvx, solve_t = [], [], []
    res, caught, cvx = None, [], None
    for _ in range(repeats):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            res = suite.solve_ours(pb)
            t_ours.append(time.perf_counter() - t0)
        caught = [str(x.message)[:120] for x in w]
        t0 = time.perf_counter()
        cvx = cf.solve_cvx(pb, "CLARABEL")
        t_cvx.append(time.perf_counter() - t0)
        solve_t.append(cvx[2])
    val, status, _ = cvx
    to, tc = statistics.median(t_ours), statistics.median(t_cvx)
    return {
        "family": pb.family, "label": pb.label, "kind": pb.kind, "budget": pb.budget,
        "scale": pb.entropy_u(), "t_ours": to, "t_cvx": tc, "ratio": tc / to,
        "ratio_solve_only": statistics.median(solve_t) / to,
        "mi": res.mi, "lower_bound": res.lower_bound, "gap": res.gap, "converged": bool(res.converged),
        "warnings": caught, "clarabel_value": val, "clarabel_status": status,
    }


def warm_up(pb) -> None:
    """One untimed call of each solver before a family is timed.

    Both sides have one-off costs that a user pays once per process, not per
    problem: imports and caches of cvxpy, and the loading (or, with an empty
    cache, the compilation) of mi_lib's numba kernels. Those are reported
    separately in README, not mixed into the per-problem ratios.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        suite.solve_ours(pb)
        cf.solve_cvx(pb, "CLARABEL")


def summarise(rows):
    """Timing and accuracy summary of one family (or of the random suite)."""
    ratios = [r["ratio"] for r in rows]
    worst = min(rows, key=lambda r: r["ratio"])
    opt = [r for r in rows if r["clarabel_status"] == "optimal"]
    errs = [abs(r["mi"] - max(r["clarabel_value"], 0.0)) / max(r["scale"], 1e-300) for r in opt]
    viol, below_inaccurate = [], []
    for r in rows:
        v = r["clarabel_value"]
        if np.isfinite(v):
            slack = SLACK.get(r["clarabel_status"], SLACK_OTHER) * max(r["scale"], 1e-300)
            if r["lower_bound"] > v + slack:
                line = f"{r['label']} ({r['clarabel_status']}: lb - value = {r['lower_bound'] - v:+.2e})"
                (viol if r["clarabel_status"] == "optimal" else below_inaccurate).append(line)
    statuses = {}
    for r in rows:
        statuses[r["clarabel_status"]] = statuses.get(r["clarabel_status"], 0) + 1
    return {
        "n": len(rows),
        "median_ratio": statistics.median(ratios),
        "worst_ratio": worst["ratio"], "worst_at": worst["label"], "worst_budget": worst["budget"],
        "median_ratio_solve_only": statistics.median(r["ratio_solve_only"] for r in rows),
        "median_t_ours": statistics.median(r["t_ours"] for r in rows),
        "max_t_ours": max(r["t_ours"] for r in rows),
        "slower": [f"{r['label']} ({r['ratio']:.2f}x)" for r in rows if r["ratio"] < 1.0],
        "n_clarabel_optimal": len(opt),
        "max_rel_err_vs_clarabel_optimal": max(errs, default=float("nan")),
        "max_abs_err_vs_clarabel_optimal": max((abs(r["mi"] - max(r["clarabel_value"], 0.0)) for r in opt),
                                               default=float("nan")),
        "clarabel_statuses": statuses,
        "bound_violations": viol,
        "clarabel_inaccurate_below_bound": below_inaccurate,
        "max_gap": max(r["gap"] for r in rows),
        "max_rel_gap": max(r["gap"] / max(r["scale"], 1e-300) for r in rows),
        "not_converged": [r["label"] for r in rows if not r["converged"]],
    }


def grid_comparison():
    """Problem (21): the paper's 100^4 grid search against ``binary_flip_attack``, per Figure 6 pmf."""
    pmfs = [p for panel in suite.FIG6.values() for p in panel]
    ratios, diffs, grid_times = [], [], []
    for joint in pmfs:
        t0 = time.perf_counter()
        gmin = grid_search_21(joint, suite.EPS21)
        t_grid = time.perf_counter() - t0
        grid_times.append(t_grid)
        for eps, gm in zip(suite.EPS21, gmin):
            pb = suite.Problem("flip21", "", "flip", eps, {"joint": joint})
            ts = []
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                res = suite.solve_ours(pb)
                ts.append(time.perf_counter() - t0)
            ratios.append(t_grid / statistics.median(ts))
            diffs.append(res.mi - gm)
    return {"n": len(ratios), "median_ratio": statistics.median(ratios), "worst_ratio": min(ratios),
            "median_grid_seconds_per_pmf": statistics.median(grid_times),
            "max_ours_minus_grid": max(diffs), "min_ours_minus_grid": min(diffs)}


def environment():
    """Machine, versions, date and the ``mi_lib`` under test (path and git commit)."""
    import mi_lib

    here = Path(mi_lib.__file__).resolve().parent
    def git(*args):
        try:
            return subprocess.run(["git", "-C", str(here), *args], capture_output=True, text=True,
                                  check=True).stdout.strip() or "unknown"
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    commit, last_change = git("rev-parse", "HEAD"), git("log", "-1", "--format=%H", "--", ".")
    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "unknown")
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs ({cpu}), {platform.system()}",
        "python": platform.python_version(), "numpy": np.__version__, "cvxpy": cp.__version__,
        "clarabel": clarabel.__version__, "mi_lib_path": str(here), "mi_lib_commit": commit,
        "mi_lib_last_change": last_change,
        "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        "clarabel_settings": cf.SETTINGS["CLARABEL"], "repeats": REPEATS, "warm_up": "one untimed call of each solver per family",
        "load_average_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def print_summary(name, s):
    print(f"{name:18s} n={s['n']:3d}  median {s['median_ratio']:7.1f}x  worst {s['worst_ratio']:6.2f}x"
          f" at [{s['worst_at'].strip()}]  slower {len(s['slower'])}  ours median {s['median_t_ours'] * 1e3:.1f} ms"
          f" max {s['max_t_ours'] * 1e3:.0f} ms")
    print(f"{'':18s} max |mi - Clarabel|/H(U) {s['max_rel_err_vs_clarabel_optimal']:.1e}"
          f" ({s['n_clarabel_optimal']} 'optimal'; statuses {s['clarabel_statuses']})"
          f"  max gap {s['max_gap']:.1e}  bound violations {len(s['bound_violations'])}"
          f"  not converged {len(s['not_converged'])}")
    if s["clarabel_inaccurate_below_bound"]:
        print(f"{'':18s} Clarabel value below our bound where it is not 'optimal' (its point is infeasible):")
    for line in (s["bound_violations"] + s["clarabel_inaccurate_below_bound"]
                 + [f"not converged: {x}" for x in s["not_converged"]]):
        print(f"{'':20s}{line}")
    if name == "random":
        for line in s["slower"]:
            print(f"{'':20s}slower: {line}")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--family", action="append", choices=[*suite.FAMILIES, "random"],
                    help="run only this family (repeatable); 'random' is the random suite")
    ap.add_argument("--quick", action="store_true", help="a subset for iteration loops (< 2 minutes)")
    ap.add_argument("--random-count", type=int, default=None, help=f"random problems (default 300, quick {QUICK_RANDOM})")
    ap.add_argument("--no-grid", action="store_true", help="skip the 100^4 grid search of problem (21)")
    ap.add_argument("--json", type=Path, help="write the results (summaries and every problem) here")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    names = args.family or [*suite.FAMILIES, "random"]
    env = environment()
    print(f"mi_lib from {env['mi_lib_path']} (commit {env['mi_lib_commit'][:10]}); {env['machine']};"
          f" load average {env['load_average_start']}")
    print(f"ratio = (cvxpy build + Clarabel solve) / mi_lib, median of {REPEATS} interleaved repeats;"
          f" {'quick subset' if args.quick else 'full suite'}")
    out = {"meta": {**env, "quick": args.quick}, "families": {}, "problems": []}
    for name in names:
        if name == "random":
            count = args.random_count or (QUICK_RANDOM if args.quick else 300)
            pbs = suite.random_suite(count)
            doc = (f"random suite: {count} problems (informed and blind, U != X, inf costs, boundary budgets),"
                   f" numpy.random.default_rng({suite.RANDOM_SEED})")
        else:
            pbs = suite.FAMILIES[name](args.quick)
            doc = suite.FAMILIES[name].__doc__.strip().split("\n")[0]
        warm_up(pbs[0])
        rows = [run_problem(pb) for pb in pbs]
        out["families"][name] = {"description": doc, **summarise(rows)}
        out["problems"] += rows
        print_summary(name, out["families"][name])
        sys.stdout.flush()
    if "flip21" in names and not (args.quick or args.no_grid):
        g = grid_comparison()
        out["grid21"] = g
        print(f"flip21 vs the paper's 100^4 grid search: median {g['median_ratio']:.0f}x (worst {g['worst_ratio']:.0f}x),"
              f" grid {g['median_grid_seconds_per_pmf']:.1f} s per pmf; ours - grid min in"
              f" [{g['min_ours_minus_grid']:+.1e}, {g['max_ours_minus_grid']:+.1e}]")
    out["meta"]["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        problems = out.pop("problems")
        text = json.dumps(out, indent=1, default=float)[:-2]  # one problem per line below
        rows = ",\n".join(json.dumps(r, default=float) for r in problems)
        args.json.write_text(text + ',\n "problems": [\n' + rows + "\n ]\n}\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
