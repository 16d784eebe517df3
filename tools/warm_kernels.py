"""Compile mi_lib's numba kernels once, so that the first notebook or test does not (``make env``).

numba keys a cached kernel by its own source file only: when a kernel calls a
kernel of another file (most of mi_lib's do) and only that other file
changes (or a constant it imports from a plain module), the stale machine
code would still be loaded. So this tool first compares a digest of every
top-level mi_lib module with the digest
stored beside the cache at the last run; if they differ, it removes mi_lib's
cached kernels (``*.nbi``, ``*.nbc``) so that everything is compiled afresh.
Then it runs the warm-up solves and stores the digest.

Prints one line with the time taken and whether every warm-up solve certified
its result. Run with the project's Python: ``.venv/bin/python tools/warm_kernels.py``.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

PACKAGE = Path(os.path.abspath(__file__)).parent.parent / "mi_lib"  # unresolved, as numba takes it
DIGEST_NAME = "mi_lib-kernels.sha256"


def kernel_sources(package: Path = PACKAGE) -> list[Path]:
    """Every module of ``package``: a kernel also freezes the constants it imports from modules without
    numba (``_logdomain._FLOOR``, the coset core's thresholds), so any change may make the cache stale."""
    return sorted(package.glob("*.py"))


def digest(paths: list[Path]) -> str:
    """SHA-256 over the names and contents of ``paths``."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def cache_dir(package: Path = PACKAGE) -> Path:
    """Where numba caches the kernels of ``package``: its ``__pycache__`` (a writable checkout), or the
    directory numba derives under ``NUMBA_CACHE_DIR`` (the folder's name and the SHA-1 of its path)."""
    root = os.environ.get("NUMBA_CACHE_DIR", "")
    if not root:
        return package / "__pycache__"
    folder = os.path.abspath(package)
    return Path(root) / f"{os.path.basename(folder)}_{hashlib.sha1(folder.encode()).hexdigest()}"


def clear_if_stale(package: Path = PACKAGE) -> int:
    """Remove the package's cached kernels when the kernel sources changed since the stored digest.

    Returns the number of cache files removed (0 when the digest matches).
    Writes the new digest (creating the cache directory if needed).
    """
    where = cache_dir(package)
    stamp = where / DIGEST_NAME
    now = digest(kernel_sources(package))
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == now:
        return 0
    removed = 0
    if where.is_dir():
        for f in list(where.glob("*.nbi")) + list(where.glob("*.nbc")):
            f.unlink()
            removed += 1
    where.mkdir(parents=True, exist_ok=True)
    stamp.write_text(now + "\n", encoding="utf-8")
    return removed


def main() -> int:
    t0 = time.perf_counter()
    removed = clear_if_stale()
    from mi_lib._warmup import warm_up

    results = warm_up()
    ok = all(r.converged for r in results)
    fresh = f" (kernel sources changed: {removed} stale cache files removed)" if removed else ""
    print(f"mi_lib kernels compiled or loaded from numba's cache in {time.perf_counter() - t0:.1f} s{fresh};"
          f" warm-up solves certified: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
