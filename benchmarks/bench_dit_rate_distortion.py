"""Rate-distortion: dit's Blahut-Arimoto routine against ``discrete_attack`` and the closed forms.

With U = X the informed attack ``min I(U;Y) s.t. E d(X, Y) <= D`` is the
rate-distortion function R(D). dit computes R(D) by Blahut-Arimoto in
``dit.rate_distortion.blahut_arimoto.blahut_arimoto(p_x, beta, distortion)``,
called here at its defaults (100 iterations, 100 restarts, run serially:
``DIT_OPT_JOBS=1``). It works in bits and is parametrised by a slope beta
(q(y|x) proportional to q(y) 2^(-beta d(x,y))), not by D: it returns a pair
(rate, distortion), and every comparison is made at the distortion D it
returns, with its rate converted to nats.

Sources: uniform binary (R = log 2 - h(D)), binary with p = 0.2
(R = h(p) - h(D) for D <= p), uniform 4- and 8-letter Hamming
(R = log M - h(D) - D log(M - 1) for D <= 1 - 1/M), and a non-uniform
5-letter source with squared-error distortion (no closed form: the reference
is ``discrete_attack``'s value, certified within its gap).

Timing: paired, interleaved (dit, ours, dit, ours, dit, ours), median of 3 per
problem; ratio = dit time / our time. Reported, never asserted. Run::

    python benchmarks/bench_dit_rate_distortion.py [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DIT_OPT_JOBS", "1")  # dit's restarts serially, like our single-threaded solver

import numpy as np  # noqa: E402

try:
    import dit  # noqa: E402
    from dit.rate_distortion.blahut_arimoto import blahut_arimoto  # noqa: E402
except ImportError:
    print("bench_dit_rate_distortion: dit not installed (optional extra 'bench'); skipped.")
    sys.exit(0)

from mi_lib.discrete import discrete_attack  # noqa: E402

REPEATS = 3
LN2 = math.log(2.0)


def h(t):
    return -sum(z * math.log(z) for z in (t, 1.0 - t) if z > 0)


def hamming_exact(p, D):
    """Closed forms in nats: uniform M-ary Hamming, and binary with any p; None otherwise."""
    M = len(p)
    if np.allclose(p, 1.0 / M):
        return math.log(M) - h(D) - D * math.log(M - 1) if D <= 1 - 1 / M else 0.0
    if M == 2:
        pm = min(p)
        return h(pm) - h(D) if D <= pm else 0.0
    return None


def sources():
    """(name, p_x, distortion matrix, exact-R function or None, betas)."""
    ham = lambda M: 1.0 - np.eye(M)  # noqa: E731
    x5 = np.arange(5.0)
    sq = (x5[:, None] - x5[None, :]) ** 2
    return [
        ("binary uniform, Hamming", np.array([0.5, 0.5]), ham(2), hamming_exact, (0.5, 1, 2, 4, 8)),
        ("binary p = 0.2, Hamming", np.array([0.2, 0.8]), ham(2), hamming_exact, (1, 2, 4, 8)),
        ("uniform 4-letter, Hamming", np.full(4, 0.25), ham(4), hamming_exact, (1, 2, 4, 8)),
        ("uniform 8-letter, Hamming", np.full(8, 0.125), ham(8), hamming_exact, (1, 2, 4, 8)),
        ("5-letter (.05 .2 .5 .2 .05), squared error", np.array([0.05, 0.2, 0.5, 0.2, 0.05]), sq, None,
         (0.5, 1, 2, 4)),
    ]


def run_one(p, dmat, exact, beta):
    """Interleaved timings of dit at slope beta and ours at dit's distortion; one row."""
    t_dit, t_ours = [], []
    for _ in range(REPEATS):
        np.random.seed(0)  # dit draws its restarts from numpy's global generator
        t0 = time.perf_counter()
        rd, _ = blahut_arimoto(p, beta, distortion=lambda px, q: dmat)
        t_dit.append(time.perf_counter() - t0)
        D = float(rd.distortion)
        t0 = time.perf_counter()
        res = discrete_attack(np.diag(p), dmat, D)
        t_ours.append(time.perf_counter() - t0)
    ref = exact(p, D) if exact is not None else None
    r_dit = float(rd.rate) * LN2
    return {"beta": beta, "D": D, "rate_dit": r_dit, "rate_ours": res.mi, "lower_bound": res.lower_bound,
            "gap": res.gap, "exact": ref,
            "err_dit": r_dit - (ref if ref is not None else res.mi),
            "err_ours": (res.mi - ref) if ref is not None else None,
            "t_dit": statistics.median(t_dit), "t_ours": statistics.median(t_ours),
            "ratio": statistics.median(t_dit) / statistics.median(t_ours)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args(argv)
    print(f"Rate-distortion: dit {dit.__version__} blahut_arimoto (defaults, serial) vs discrete_attack;"
          f" errors in nats at dit's D; ratio = dit time / ours, median of {REPEATS} interleaved repeats")
    out = {"meta": {"dit": dit.__version__, "numpy": np.__version__, "repeats": REPEATS,
                    "dit_call": "blahut_arimoto(p_x, beta, distortion) at defaults, DIT_OPT_JOBS=1"},
           "sources": {}}
    all_ratios = []
    for name, p, dmat, exact, betas in sources():
        rows = [run_one(p, dmat, exact, b) for b in betas]
        out["sources"][name] = rows
        all_ratios += [r["ratio"] for r in rows]
        print(name)
        for r in rows:
            ex = f"{r['exact']:.6f}" if r["exact"] is not None else "   -    "
            eo = f"{r['err_ours']:+.1e}" if r["err_ours"] is not None else "   -    "
            print(f"  beta {r['beta']:4g}  D {r['D']:.4f}  exact {ex}  dit - ref {r['err_dit']:+.1e}"
                  f"  ours - exact {eo}  gap {r['gap']:.0e}  ratio {r['ratio']:7.1f}x")
    errs = [abs(r["err_dit"]) for rows in out["sources"].values() for r in rows]
    ours = [abs(r["err_ours"]) for rows in out["sources"].values() for r in rows if r["err_ours"] is not None]
    out["summary"] = {"n": len(errs), "median_ratio": statistics.median(all_ratios), "worst_ratio": min(all_ratios),
                      "max_abs_err_dit": max(errs), "median_abs_err_dit": statistics.median(errs),
                      "max_abs_err_ours_vs_exact": max(ours),
                      "max_gap": max(r["gap"] for rows in out["sources"].values() for r in rows)}
    s = out["summary"]
    print(f"all: median ratio {s['median_ratio']:.1f}x (worst {s['worst_ratio']:.1f}x); |dit error| max "
          f"{s['max_abs_err_dit']:.1e} (median {s['median_abs_err_dit']:.1e}); ours vs closed form max "
          f"{s['max_abs_err_ours_vs_exact']:.1e}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
