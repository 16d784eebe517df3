"""A notebook runs the same with the kernel started in the repository root.

Some IDEs, and ``jupyter lab`` started from the root, start kernels there rather
than in ``notebooks/``. Paths come from :mod:`mi_lib.paths`, so this must not
matter; here one notebook is executed from the root (outputs redirected to a
scratch directory) and must not touch any file of the working tree: neither a
new file (``git status``) nor a rewrite of an existing one, even a byte-identical
one (modification times of everything under ``figures/`` and ``notebooks/``).
CI runs every notebook this way (``make check-root``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _status() -> str:
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout


def _mtimes() -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns
            for d in (ROOT / "figures", ROOT / "notebooks") for p in d.rglob("*") if p.is_file()}


def test_notebook_runs_with_kernel_in_repository_root():
    before, stamps = _status(), _mtimes()
    env = {k: v for k, v in os.environ.items() if k != "MI_LIB_OUTPUT_DIR"}
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "reproduce.py"), "--check", "--kernel-cwd", "root", "00"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 notebooks executed" in run.stdout
    assert _status() == before, "executing from the root created or changed files in the working tree"
    assert _mtimes() == stamps, "executing from the root rewrote files under figures/ or notebooks/"
