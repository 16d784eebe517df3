"""One-off costs per Python process: importing mi_lib and the first solver calls.

Each measurement runs in a fresh interpreter (``subprocess``), three times:

* ``import mi_lib`` alone;
* the first calls of the finite-alphabet solvers (``mi_lib._warmup.warm_up``:
  every solver path on a small problem), with an EMPTY
  compilation cache (``NUMBA_CACHE_DIR`` pointed at a new temporary folder): what
  the very first use on a fresh machine costs;
* the same first calls with the cache that the previous run filled: what every
  later process (a notebook kernel, a test run) pays.

Without numba installed, both first-call rows simply measure the pure-Python
first calls. These are per-process costs, reported next to the per-problem ratios
of ``bench_discrete_suite.py`` (which warms up before timing), never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

FIRST_CALLS = """
import time
t0 = time.perf_counter()
import mi_lib
t1 = time.perf_counter()
from mi_lib._warmup import warm_up
warm_up()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""

def _run(code: str, env: dict) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return [float(v) for v in out.stdout.split()]


def measure(repeats: int = 3) -> dict:
    """Median seconds of: import, first calls with an empty cache, first calls with a warm cache."""
    base = dict(os.environ)
    imp, cold, warm = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            env = {**base, "NUMBA_CACHE_DIR": cache}
            t_imp, t_cold = _run(FIRST_CALLS, env)
            _, t_warm = _run(FIRST_CALLS, env)
        imp.append(t_imp)
        cold.append(t_cold)
        warm.append(t_warm)
    try:
        import numba

        nb = numba.__version__
    except ImportError:  # pragma: no cover - numba is a dependency
        nb = None
    return {"import_s": statistics.median(imp), "first_calls_empty_cache_s": statistics.median(cold),
            "first_calls_warm_cache_s": statistics.median(warm), "repeats": repeats, "numba": nb}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args(argv)
    res = measure()
    print(f"import mi_lib {res['import_s'] * 1e3:.0f} ms; first solver calls: empty cache "
          f"{res['first_calls_empty_cache_s']:.2f} s, warm cache {res['first_calls_warm_cache_s']:.2f} s"
          f" (numba {res['numba']}; median of {res['repeats']} fresh processes)")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
