"""Run every benchmark script in this folder, one after the other (``make bench``).

Each ``bench_*.py`` prints its own table of paired timings (median ratios) and
accuracies; scripts that need an optional extra (cvxpy with Clarabel, dit) say so
and skip themselves when it is missing. Nothing here is a test: timings depend on
the machine and are reported, never asserted.

With ``--results DIR`` every script also writes its JSON into ``DIR`` (the names
``speed_table.py`` reads: ``speed.json``, ``dit.json``, ``gaussian.json``,
``ksg.json``, ``startup.json``); ``--results benchmarks/results`` followed by
``python benchmarks/speed_table.py`` refreshes the committed results and the
README table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

JSON_NAMES = {
    "bench_discrete_suite.py": "speed.json",
    "bench_dit_rate_distortion.py": "dit.json",
    "bench_gaussian_vs_meshgrid.py": "gaussian.json",
    "bench_ksg_vs_sklearn.py": "ksg.json",
    "bench_startup.py": "startup.json",
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", type=Path, help="write each script's JSON results into this folder")
    args = ap.parse_args(argv)
    here = Path(__file__).resolve().parent
    status = 0
    for script in sorted(here.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        extra = []
        if args.results is not None and script.name in JSON_NAMES:
            extra = ["--json", str(args.results / JSON_NAMES[script.name])]
        status |= subprocess.call([sys.executable, str(script), *extra])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
