"""The kernel warm-up of ``make env`` (``mi_lib._warmup``) takes every solver path and certifies each solve."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from mi_lib._warmup import warm_up


def test_warm_up_solves_certify():
    results = warm_up()
    assert len(results) == 5
    for r in results:
        assert r.converged and r.gap <= 1e-10
        assert r.lower_bound <= r.mi


def _tool():
    path = Path(__file__).resolve().parent.parent / "tools" / "warm_kernels.py"
    spec = importlib.util.spec_from_file_location("warm_kernels_tool", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_stale_kernel_cache_is_dropped_when_any_kernel_source_changes(tmp_path, monkeypatch):
    """numba keys a cached kernel by its own file only; the tool drops the cache when any kernel source changes."""
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    tool = _tool()
    pkg = tmp_path / "pkg"
    (pkg / "__pycache__").mkdir(parents=True)
    (pkg / "_a_kernels.py").write_text("import numba\n")
    (pkg / "_b_kernels.py").write_text("import numba\nfrom ._a_kernels import f\n")
    (pkg / "plain.py").write_text("x = 1\n")
    cached = [pkg / "__pycache__" / n for n in ("_b_kernels.g-3.py311.nbi", "_b_kernels.g-3.py311.1.nbc")]
    for f in cached:
        f.write_text("")
    other = pkg / "__pycache__" / "plain.cpython-311.pyc"
    other.write_text("")
    assert [p.name for p in tool.kernel_sources(pkg)] == ["_a_kernels.py", "_b_kernels.py", "plain.py"]
    assert tool.clear_if_stale(pkg) == 2  # no digest yet: everything is recompiled
    for f in cached:
        f.write_text("")
    assert tool.clear_if_stale(pkg) == 0 and all(f.exists() for f in cached)  # unchanged sources: kept
    (pkg / "_a_kernels.py").write_text("import numba\n# changed\n")  # only the callee's file changes
    assert tool.clear_if_stale(pkg) == 2 and not any(f.exists() for f in cached) and other.exists()
    for f in cached:
        f.write_text("")
    (pkg / "plain.py").write_text("x = 2\n")  # a constant a kernel may have frozen
    assert tool.clear_if_stale(pkg) == 2


def test_kernel_cache_dir_follows_numba_cache_dir(tmp_path, monkeypatch):
    tool = _tool()
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "cache"))
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "_k.py").write_text("import numba\n\n@numba.njit(cache=True)\ndef f(x):\n    return x + 1\n")
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import _k; _k.f(1)", str(pkg)],
                   check=True, env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")})
    where = tool.cache_dir(pkg)
    assert where.parent == tmp_path / "cache" and list(where.glob("_k.f-*.nbi"))  # where numba put it
