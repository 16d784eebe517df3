"""A random reference family for the finite-alphabet solvers, solved by two conic solvers.

Writes ``benchmarks/data/reference_random.json``, read by
``tests/test_discrete_reference_random.py`` (which needs no cvxpy). Problems
are drawn by the generators of ``suite.py`` (``random_informed`` and
``random_blind``: U != X, costs with forbidden pairs, budgets at the minimum
feasible cost, just above it, interior and non-binding) from
``numpy.random.default_rng(SEED)``; draws larger than the caps below are
skipped so the stored data stay small. Each problem is solved *without*
``mi_lib`` by cvxpy with Clarabel (interior point) and with SCS (first order),
both at tight tolerances (``SETTINGS``). A problem is kept only when both
report 'optimal' and their values agree to ``AGREE * H(U)``; the dropped ones
are counted with the reason.

At the minimum budget every feasible attack uses only cheapest pairs (informed:
the outputs of least cost of each x; blind: the perturbations of least e^2), so
there the program is solved in that equivalent restricted form (no budget
constraint), which both solvers handle far better than an active budget with
an empty interior.

Run (optional extra ``bench``)::

    python benchmarks/make_reference_random.py
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

try:
    import clarabel  # noqa: E402
    import cvxpy as cp  # noqa: E402
    import scs  # noqa: E402
except ImportError:  # pragma: no cover - optional extra
    print("cvxpy, clarabel and scs are needed (requirements-bench.txt); nothing written.")
    sys.exit(0)

import cvx_formulations as cf  # noqa: E402
import suite  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "reference_random.json"
SEED = 20261211
COUNT = 80
MAX_Y_INFORMED = 24
MAX_N_BLIND = 60
AGREE = 1e-7
SETTINGS = {
    "CLARABEL": {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10, "tol_ktratio": 1e-8,
                 "max_iter": 500},
    "SCS": {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iters": 50_000},
}


def restricted(pb: suite.Problem) -> suite.Problem:
    """At the minimum budget: the same problem on the cheapest pairs only, budget constraint slack."""
    d = dict(pb.data)
    if pb.kind == "informed":
        c = np.asarray(d["cost"], float)
        cheapest = c == c.min(axis=1, keepdims=True)
        d["cost"] = np.where(cheapest, 0.0, np.inf)
        return suite.Problem(pb.family, pb.label, pb.kind, 1.0, d)
    e = np.asarray(d["e_values"], float)
    d["e_values"] = e[np.argmin(e * e)][None]  # the grid h (k0 + j) has one point of least |e|
    return suite.Problem(pb.family, pb.label, pb.kind, 2.0 * float(d["e_values"][0] ** 2) + 1.0, d)


def at_minimum(pb: suite.Problem) -> bool:
    return pb.label.endswith(" min")


def draw(rng, i):
    """Next problem of the stream, or ``None`` when over the size caps."""
    pb = (suite.random_informed if rng.random() < 0.6 else suite.random_blind)(rng, i)
    if pb.kind == "informed" and np.asarray(pb.data["cost"]).shape[1] > MAX_Y_INFORMED:
        return None
    if pb.kind == "blind" and np.asarray(pb.data["e_values"]).size > MAX_N_BLIND:
        return None
    return pb


def main() -> None:
    rng = np.random.default_rng(SEED)
    cases, dropped, skipped, i = [], [], 0, 0
    while len(cases) < COUNT:
        pb = draw(rng, i)
        i += 1
        if pb is None:
            skipped += 1
            continue
        solved = restricted(pb) if at_minimum(pb) else pb
        (vc, sc, _), (vs, ss, _) = (cf.solve_cvx(solved, s, SETTINGS[s]) for s in ("CLARABEL", "SCS"))
        scale = pb.entropy_u()
        entry = {"draw": i - 1, **pb.to_json(), "entropy_u": scale, "clarabel": {"value": vc, "status": sc},
                 "scs": {"value": vs, "status": ss},
                 "formulation": "restricted to cheapest pairs (minimum budget)" if at_minimum(pb) else "direct"}
        if sc != "optimal" or ss != "optimal":
            dropped.append({"draw": i - 1, "label": pb.label, "reason": f"status clarabel {sc}, scs {ss}"})
        elif abs(vc - vs) > AGREE * scale:
            dropped.append({"draw": i - 1, "label": pb.label,
                            "reason": f"solvers disagree: |clarabel - scs| = {abs(vc - vs):.2e} > {AGREE:g} H(U)"})
        else:
            entry["reference"] = max(vc, 0.0)
            cases.append(entry)
        print(pb.label, vc, sc, vs, ss, "kept" if "reference" in entry else "DROPPED", flush=True)
    out = {
        "provenance": {
            "script": "benchmarks/make_reference_random.py",
            "generator": "benchmarks/suite.py random_informed / random_blind, stream numpy.random.default_rng(seed); "
                         "'draw' is the index in the stream (each draw first picks the kind)",
            "seed": SEED, "caps": {"informed_max_y": MAX_Y_INFORMED, "blind_max_n": MAX_N_BLIND},
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "numpy": np.__version__, "cvxpy": cp.__version__,
            "clarabel": clarabel.__version__, "scs": scs.__version__, "solver_settings": SETTINGS,
            "agreement": f"kept iff both solvers report 'optimal' and |clarabel - scs| <= {AGREE:g} H(U)",
            "skipped_over_size_caps": skipped, "dropped": dropped,
            "notes": "mutual information in nats; reference = Clarabel value clipped at 0; costs null = inf "
                     "(forbidden pair); blind cost is e^2; entropy_u = H(U), the scale of every value.",
        },
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    body = ",\n".join(json.dumps(c) for c in cases)
    head = json.dumps(out["provenance"], indent=1)
    OUT.write_text('{\n"provenance": ' + head + ',\n"cases": [\n' + body + "\n]\n}\n")
    print(f"wrote {OUT}: {len(cases)} kept, {len(dropped)} dropped, {skipped} over the size caps")


if __name__ == "__main__":
    main()
