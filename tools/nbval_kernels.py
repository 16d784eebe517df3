"""Run the notebooks under strict nbval again with other CPU kernels (CI's "second machine").

The stored notebook outputs must not depend on the CPU. ``make test`` checks
them with this machine's default OpenBLAS kernel and numpy's full SIMD
dispatch; this script re-runs only the notebooks with up to ``--count`` other
settings, each an older OpenBLAS kernel (``OPENBLAS_CORETYPE``) together with
numpy's dispatch limited to the matching instruction set
(``NPY_DISABLE_CPU_FEATURES``):

    Haswell      AVX2 + FMA kernels, numpy limited to X86_V3 (AVX2)
    Sandybridge  AVX kernels,        numpy limited to its X86_V2 baseline
    Nehalem      SSE4.2 kernels,     numpy limited to its X86_V2 baseline

A setting is used only if the CPU supports it and it changes the BLAS kernel
that threadpoolctl reports; the script checks that the kernel really changed
before it runs pytest, and fails if fewer than ``--count`` settings apply.
Usage (``make test-kernels``; CI runs it after ``make test``)::

    python tools/nbval_kernels.py --count 2 -- <pytest arguments>
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (OpenBLAS core type, numpy features to disable, CPU flags it needs)
SETTINGS = (
    ("Haswell", "X86_V4 AVX512_ICL AVX512_SPR", {"avx2", "fma"}),
    ("Sandybridge", "X86_V3 X86_V4 AVX512_ICL AVX512_SPR", {"avx"}),
    ("Nehalem", "X86_V3 X86_V4 AVX512_ICL AVX512_SPR", {"sse4_2"}),
)

PROBE = r"""
import json
import numpy as np
import scipy.linalg  # loads SciPy's own OpenBLAS too
import threadpoolctl
blas = sorted({i.get("architecture", "?") for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"})
try:
    from numpy.lib import _utils_impl
    active = [f.rstrip("*") for f in _utils_impl._opt_info().split() if f.endswith("*")]
except Exception:  # private numpy helper: report what we can
    active = ["unknown"]
print(json.dumps({"blas": blas, "numpy_dispatch": active}))
"""


def cpu_flags() -> set[str]:
    """Flags of the first CPU in /proc/cpuinfo (empty where there is none)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def probe(env: dict[str, str]) -> dict:
    """BLAS kernels and active numpy SIMD dispatch targets of a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2, help="number of other kernel settings (default 2)")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="arguments for pytest after --")
    args = parser.parse_args(argv)
    pytest_args = [a for a in args.pytest_args if a != "--"] or ["notebooks", "--nbval"]
    if platform.machine() not in {"x86_64", "AMD64"}:
        print(f"no alternative kernels defined for {platform.machine()}", file=sys.stderr)
        return 2
    base_env = dict(os.environ)
    default = probe(base_env)
    print(f"default: BLAS kernel {', '.join(default['blas'])}; numpy dispatch {' '.join(default['numpy_dispatch']) or 'baseline only'}")
    flags = cpu_flags()
    chosen = []
    for coretype, disabled, needs in SETTINGS:
        if not needs <= flags or coretype.lower() in {b.lower() for b in default["blas"]}:
            continue
        env = {**base_env, "OPENBLAS_CORETYPE": coretype, "NPY_DISABLE_CPU_FEATURES": disabled}
        seen = probe(env)
        if {b.lower() for b in seen["blas"]} != {coretype.lower()}:
            print(f"skip {coretype}: OpenBLAS reports {seen['blas']}", file=sys.stderr)
            continue
        chosen.append((coretype, env, seen))
        if len(chosen) == args.count:
            break
    if len(chosen) < args.count:
        print(f"only {len(chosen)} of {args.count} kernel settings apply on this CPU", file=sys.stderr)
        return 2
    status = 0
    for coretype, env, seen in chosen:
        print(f"\n== notebooks under BLAS kernel {', '.join(seen['blas'])}, "
              f"numpy dispatch {' '.join(seen['numpy_dispatch']) or 'baseline only'}", flush=True)
        with tempfile.TemporaryDirectory(prefix="mi_lib_kernel_") as scratch:
            env = {**env, "MI_LIB_OUTPUT_DIR": scratch}
            run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *pytest_args], env=env, cwd=ROOT)
        status = status or run.returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())
