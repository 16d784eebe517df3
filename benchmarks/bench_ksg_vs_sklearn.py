"""Benchmark: ``mi_lib.ksg_mi`` against scikit-learn's ``mutual_info_regression``.

What is compared
----------------
Both functions implement the Kraskov-Stögbauer-Grassberger estimator
(algorithm 1, k = 3 neighbours, max norm). For each sample size N a bivariate
Gaussian sample with correlation rho = 0.6 is drawn with a fixed seed and
standardised (zero mean, unit variance per column); both estimators get the
same standardised sample. Each adds its own 1e-10-scale tie-breaking noise
(fixed seeds), so the estimates can differ only through that noise.

Timing: within one process the two calls alternate ``--reps`` times (ours, then
sklearn's), each call timed with ``time.perf_counter``. Reported: the median
time of each, the median of the per-pair ratio sklearn/ours (> 1 means ours is
faster), both estimates, their absolute difference and the true value
-1/2 log(1 - rho^2).

Targets (SPEC section 5)
------------------------
* agreement within 1e-3 nats at N = 1e4;
* ours at least as fast (median ratio >= 1) at N = 1e5.

How to run
----------
    python benchmarks/bench_ksg_vs_sklearn.py
    python benchmarks/bench_ksg_vs_sklearn.py --reps 9 --sizes 1000 10000 100000 300000

Requires scikit-learn (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

import numpy as np
from sklearn.feature_selection import mutual_info_regression

from mi_lib.estimators import ksg_mi

RHO = 0.6
K = 3


def _sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Standardised bivariate Gaussian sample with correlation ``RHO``."""
    g = np.random.default_rng(seed)
    x = g.standard_normal(n)
    y = RHO * x + math.sqrt(1.0 - RHO**2) * g.standard_normal(n)
    return (x - x.mean()) / x.std(), (y - y.mean()) / y.std()


def _sklearn_mi(x2d: np.ndarray, y: np.ndarray) -> float:
    return float(mutual_info_regression(x2d, y, n_neighbors=K, random_state=0)[0])


def _timed(fn, *args, **kwargs) -> tuple[float, float]:
    t0 = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - t0, float(value)


def _run(n: int, reps: int) -> dict[str, float]:
    x, y = _sample(n, seed=20240607)
    x2d = x[:, None]
    ours_t, theirs_t, ratios = [], [], []
    ours = theirs = math.nan
    for _ in range(reps):
        t_o, ours = _timed(ksg_mi, x, y, k=K, rng=0)
        t_s, theirs = _timed(_sklearn_mi, x2d, y)
        ours_t.append(t_o)
        theirs_t.append(t_s)
        ratios.append(t_s / t_o)
    return {
        "n": n,
        "ours_s": statistics.median(ours_t),
        "sklearn_s": statistics.median(theirs_t),
        "ratio": statistics.median(ratios),
        "ours": ours,
        "sklearn": theirs,
        "diff": abs(ours - theirs),
        "true": -0.5 * math.log(1.0 - RHO**2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5, help="paired runs per size (default 5)")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10000, 100000], help="sample sizes N"
    )
    parser.add_argument("--json", type=Path, help="also write the rows here (read by speed_table.py)")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be at least 1")

    header = (
        f"{'N':>8} {'ours [s]':>10} {'sklearn [s]':>12} {'ratio sk/ours':>14} "
        f"{'ours [nat]':>12} {'sklearn [nat]':>14} {'|diff|':>10} {'true [nat]':>11}"
    )
    print(f"KSG (k={K}) vs sklearn mutual_info_regression; bivariate Gaussian rho={RHO}; "
          f"{args.reps} paired reps; medians")
    print(header)
    print("-" * len(header))
    rows = []
    for n in args.sizes:
        r = _run(n, args.reps)
        rows.append({k: (float(v) if k != "n" else int(v)) for k, v in r.items()})
        print(
            f"{r['n']:>8d} {r['ours_s']:>10.4f} {r['sklearn_s']:>12.4f} {r['ratio']:>14.2f} "
            f"{r['ours']:>12.6f} {r['sklearn']:>14.6f} {r['diff']:>10.2e} {r['true']:>11.6f}"
        )
    print("targets: |diff| <= 1e-3 nats at N = 1e4; ratio >= 1 at N = 1e5")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"k": K, "rho": RHO, "reps": args.reps, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
