"""Closed form of program (4) versus the paper's 2-D meshgrid search (§5, Fig. 3).

The paper solves program (4) at every (a², σ², D) of Fig. 3 by evaluating the
objective on a meshgrid over x ∈ [-sqrt(a² D), sqrt(a² D)],
y ∈ [-sqrt(σ² D), sqrt(σ² D)], keeping the points with x²/a² + y²/σ² <= D and
taking the smallest. This script runs that search next to
``mi_lib.gaussian.gaussian_attack`` at the same points and reports

* paired timings (grid, then closed form, at each point, in one process) and
  the median ratio grid/closed form;
* the number of points where the closed form is not <= grid + 1e-12 (must be 0)
  and the largest excess of the grid value over the exact optimum;
* the exact optimum (MI and the objective rho² of (4)) at the points read off
  Fig. 3 in SPEC §1, which shows that the figure plots rho², not the MI (E5).

Resolution: the default 1001 × 1001 grid (odd, so x = 0 and y = 0 are grid
points) is the scale of a plain meshgrid and costs 10⁶ objective evaluations
per point. The optimum sits on the ellipse (for D < a²), and the nearest
feasible grid point is within about one grid step h of it, so the grid value
exceeds the optimum by O(h) — the excess column shows how much.

Run from the repository root::

    python benchmarks/bench_gaussian_vs_meshgrid.py            # all 800 points
    python benchmarks/bench_gaussian_vs_meshgrid.py --quick    # panel points only
    python benchmarks/bench_gaussian_vs_meshgrid.py --res 2001 --repeat 500
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

import numpy as np

from mi_lib.gaussian import gaussian_attack

A2_FIGURE = (1.0, 0.75, 0.5, 0.25)  # panels of Fig. 3
A2_TEXT = (0.1, 0.3, 0.7, 0.9)  # values stated in the text of §5
SIGMA2 = tuple(round(0.1 * i, 1) for i in range(1, 11))
BUDGETS = tuple(round(0.1 * i, 1) for i in range(1, 11))

# Values read off Fig. 3 (SPEC §1), for comparison only: (a², σ², D) -> value.
FIG3_READ = {
    (1.0, 0.1, 0.1): 0.67, (1.0, 0.1, 0.3): 0.43, (1.0, 0.1, 0.5): 0.25, (1.0, 0.1, 0.9): 0.02,
    (0.75, 0.1, 0.1): 0.58, (0.5, 0.1, 0.1): 0.45, (0.25, 0.1, 0.1): 0.19,
}


def grid_min_mi(a2: float, s2: float, D: float, res: int) -> float:
    """The paper's method: minimum of (4) over a res × res meshgrid, as MI in nats."""
    x = np.linspace(-math.sqrt(a2 * D), math.sqrt(a2 * D), res)
    y = np.linspace(-math.sqrt(s2 * D), math.sqrt(s2 * D), res)
    X, Y = np.meshgrid(x, y, indexing="ij")
    feasible = X * X / a2 + Y * Y / s2 <= D
    V = a2 + s2 + D + 2.0 * X + 2.0 * Y
    keep = feasible & (V > 0)
    xs, vs = X[keep], V[keep]
    rho2 = (a2 + xs) ** 2 / (a2 * vs)
    r = float(rho2.min())
    return -0.5 * math.log1p(-r) if r < 1.0 else math.inf


def closed_form_mi(a2: float, s2: float, D: float) -> float:
    return gaussian_attack(a2, s2, D).mi


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--res", type=int, default=1001, help="grid points per axis (default 1001)")
    ap.add_argument("--repeat", type=int, default=200,
                    help="closed-form calls per timing sample (default 200)")
    ap.add_argument("--quick", action="store_true",
                    help="only σ² = 0.1 and 1.0 (all a² and D), for a fast check")
    ap.add_argument("--json", type=Path, help="also write the summary here (read by speed_table.py)")
    args = ap.parse_args(argv)

    s2_values = (0.1, 1.0) if args.quick else SIGMA2
    points = [(a2, s2, D) for a2 in A2_FIGURE + A2_TEXT for s2 in s2_values for D in BUDGETS]

    # warm-up (imports, caches) outside the timed loop
    grid_min_mi(1.0, 0.1, 0.1, 11)
    closed_form_mi(1.0, 0.1, 0.1)

    ratios, excess, violations = [], [], 0
    per_panel: dict[float, list[float]] = {}
    for a2, s2, D in points:
        t0 = time.perf_counter()
        g = grid_min_mi(a2, s2, D, args.res)
        t_grid = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            c = closed_form_mi(a2, s2, D)
        t_closed = (time.perf_counter() - t0) / args.repeat
        ratios.append(t_grid / t_closed)
        excess.append(g - c)
        per_panel.setdefault(a2, []).append(g - c)
        if not c <= g + 1e-12:
            violations += 1

    print(f"program (4): meshgrid {args.res}x{args.res} vs closed form, {len(points)} points")
    print()
    print(f"{'a2':>5} {'points':>6} {'max grid excess':>16} {'median excess':>14}")
    for a2 in A2_FIGURE + A2_TEXT:
        ex = per_panel[a2]
        print(f"{a2:5.2f} {len(ex):6d} {max(ex):16.3e} {statistics.median(ex):14.3e}")
    print()
    print(f"violations (closed > grid + 1e-12): {violations}")
    print(f"max grid excess over exact optimum: {max(excess):.3e} nats")
    print(f"min grid excess over exact optimum: {min(excess):.3e} nats")
    print(f"median time ratio grid/closed form: {statistics.median(ratios):.0f}x "
          f"(min {min(ratios):.0f}x, max {max(ratios):.0f}x)")
    print()
    print("Fig. 3 read-offs (SPEC §1) against the exact optimum:")
    print(f"{'a2':>5} {'s2':>5} {'D':>5} {'read':>6} {'rho2*':>9} {'MI* (nats)':>11}")
    for (a2, s2, D), val in FIG3_READ.items():
        r = gaussian_attack(a2, s2, D)
        print(f"{a2:5.2f} {s2:5.2f} {D:5.2f} {val:6.2f} {r.rho2:9.4f} {r.mi:11.4f}")
    print("(the read-off values track rho2* = objective of (4), not the MI)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "res": args.res, "n": len(points), "median_ratio": statistics.median(ratios),
            "worst_ratio": min(ratios), "violations": violations, "max_grid_excess": max(excess),
        }, indent=1) + "\n")


if __name__ == "__main__":
    main()
