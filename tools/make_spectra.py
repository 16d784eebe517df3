"""Generate the cached random-matrix spectra used by notebook 03 (Figs. 4 and 5).

For every m in M_VALUES and every aspect ratio alpha = t/10, t in ALPHA_TENTHS,
draw H in R^{n x m}, n = t*m/10, with i.i.d. N(0, 1/m) entries (paper §5) and
store the eigenvalues of the smaller Gram matrix (H H^T if n <= m, else H^T H),
i.e. the min(n, m) squared singular values of H, in descending order and clipped
at 0. Each matrix has its own random stream,

    np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(m, t))),

so any single spectrum can be regenerated on its own (notebook 03 does this for
m = 10 and m = 50 and compares with the cache exactly).

Output: notebooks/data/spectra.npz (compressed) with one array per matrix,
key "m{m}_a{t:02d}", plus provenance: seed, numpy version, m values, alpha
tenths and the generation rule. Run with one BLAS thread (``make reproduce``
sets it) so the result does not depend on the machine's core count:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python tools/make_spectra.py
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    args = parser.parse_args(argv)
    arrays: dict[str, np.ndarray] = {}
    for m in M_VALUES:
        for t in ALPHA_TENTHS:
            arrays[f"m{m}_a{t:02d}"] = spectrum(m, t)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        seed=np.int64(SEED),
        numpy_version=np.str_(np.__version__),
        m_values=np.array(M_VALUES, dtype=np.int64),
        alpha_tenths=np.array(ALPHA_TENTHS, dtype=np.int64),
        rule=np.str_(RULE),
        **arrays,
    )
    print(f"wrote {len(arrays)} spectra to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
