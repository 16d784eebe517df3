"""Run every benchmark script in this folder, one after the other (``make bench``).

Each ``bench_*.py`` prints its own table of paired timings (median ratios) and
accuracies; scripts that need an optional extra (cvxpy with Clarabel) say so and
skip themselves when it is missing. Nothing here is a test: timings depend on the
machine and are reported, never asserted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    status = 0
    for script in sorted(here.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        status |= subprocess.call([sys.executable, str(script)])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
