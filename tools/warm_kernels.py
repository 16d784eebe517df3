"""Compile mi_lib's numba kernels once, so that the first notebook or test does not (``make env``).

Prints one line with the time taken and whether every warm-up solve certified
its result. Run with the project's Python: ``.venv/bin/python tools/warm_kernels.py``.
"""

from __future__ import annotations

import time

from mi_lib._warmup import warm_up


def main() -> int:
    t0 = time.perf_counter()
    results = warm_up()
    ok = all(r.converged for r in results)
    print(f"mi_lib kernels compiled or loaded from numba's cache in {time.perf_counter() - t0:.1f} s;"
          f" warm-up solves certified: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
