"""Generate the cached random-matrix spectra used by notebook 04 (Figs. 4 and 5).

For every m in M_VALUES and every aspect ratio alpha = t/10, t in ALPHA_TENTHS,
draw H in R^{n x m}, n = t*m/10, with i.i.d. N(0, 1/m) entries (paper §5) and
store the eigenvalues of the smaller Gram matrix (H H^T if n <= m, else H^T H),
i.e. the min(n, m) squared singular values of H, in descending order and clipped
at 0. Each matrix has its own random stream,

    np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(m, t))),

so any single spectrum can be regenerated on its own (notebook 04 does this for
m = 10 and m = 50 with ``mi_lib.projection_routes.regenerate_spectrum``, the same
recipe written out again, and compares with the cache to 1e-12).

Output: notebooks/data/spectra.npz (compressed) with one array per matrix,
key "m{m}_a{t:02d}", plus provenance: seed, numpy version, m values, alpha
tenths, the generation rule and ``recipe_sha256``, a hash of everything that
determines the spectra (seed, m values, alpha tenths, rule and the source of
``spectrum``).

The cache is rebuilt only when its recipe changes: if the stored hash equals
the current one the script does nothing (``make reproduce`` therefore leaves
the file alone). With ``--force``, or when the recipe changed, it recomputes
every spectrum and compares it with the stored one at a relative tolerance of
1e-10 (eigenvalues of the same matrix differ in the last bits between BLAS
kernels); if all agree, the stored arrays are kept (and only the provenance is
rewritten if the hash changed), so the committed file changes only when the
spectra really do. Run with one BLAS thread (``make reproduce`` sets it):

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python tools/make_spectra.py
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "notebooks" / "data" / "spectra.npz"

SEED = 20200728
M_VALUES = (10, 50, 250, 1250, 2500)
ALPHA_TENTHS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19)
RULE = (
    "H = rng.standard_normal((t*m//10, m)) / sqrt(m) with "
    "rng = default_rng(SeedSequence(seed, spawn_key=(m, t))); "
    "spectrum = max(eigvalsh(smaller Gram matrix)[::-1], 0)"
)


def spectrum(m: int, tenths: int, seed: int = SEED) -> np.ndarray:
    """Squared singular values of one random H, descending (see module docstring)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(m, tenths)))
    n = tenths * m // 10
    H = rng.standard_normal((n, m)) / np.sqrt(m)
    G = H @ H.T if n <= m else H.T @ H
    return np.maximum(np.linalg.eigvalsh(G)[::-1], 0.0)


RTOL = 1e-10
"""Relative tolerance (to the largest eigenvalue) at which a recomputed spectrum equals the stored one."""


def recipe_hash() -> str:
    """SHA-256 of everything that determines the spectra."""
    recipe = {
        "seed": SEED,
        "m_values": list(M_VALUES),
        "alpha_tenths": list(ALPHA_TENTHS),
        "rule": RULE,
        "spectrum_source": inspect.getsource(spectrum),
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def _stored(path: Path) -> dict[str, np.ndarray] | None:
    if not path.exists():
        return None
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def _same_spectra(new: dict[str, np.ndarray], old: dict[str, np.ndarray]) -> bool:
    for key, arr in new.items():
        prev = old.get(key)
        if prev is None or prev.shape != arr.shape:
            return False
        scale = max(float(np.max(np.abs(arr), initial=0.0)), 1.0)
        if not np.all(np.abs(arr - prev) <= RTOL * scale):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    parser.add_argument("--force", action="store_true", help="recompute even if the recipe is unchanged")
    args = parser.parse_args(argv)
    digest = recipe_hash()
    old = _stored(args.out)
    if old is not None and not args.force and str(old.get("recipe_sha256", "")) == digest:
        print(f"{args.out.name} is up to date (recipe {digest[:12]})")
        return 0
    arrays: dict[str, np.ndarray] = {}
    for m in M_VALUES:
        for t in ALPHA_TENTHS:
            arrays[f"m{m}_a{t:02d}"] = spectrum(m, t)
    version = np.__version__
    if old is not None and _same_spectra(arrays, old):
        if str(old.get("recipe_sha256", "")) == digest:
            print(f"{args.out.name}: recomputed spectra agree with the stored ones to {RTOL:g}; file kept")
            return 0
        arrays = {k: old[k] for k in arrays}  # keep the stored digits; only provenance changes
        version = str(old.get("numpy_version", version))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        seed=np.int64(SEED),
        numpy_version=np.str_(version),
        m_values=np.array(M_VALUES, dtype=np.int64),
        alpha_tenths=np.array(ALPHA_TENTHS, dtype=np.int64),
        rule=np.str_(RULE),
        recipe_sha256=np.str_(digest),
        **arrays,
    )
    print(f"wrote {len(arrays)} spectra to {args.out} (recipe {digest[:12]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
