"""The README "Speed" table, generated from the committed benchmark results.

Reads ``benchmarks/results/``: ``speed.json`` (``bench_discrete_suite.py
--json``, with machine, versions and date), and when present ``dit.json``
(``bench_dit_rate_distortion.py``), ``gaussian.json``
(``bench_gaussian_vs_meshgrid.py``) and ``ksg.json``
(``bench_ksg_vs_sklearn.py``); writes the table between the marker comments
``<!-- speed-table:start -->`` and ``<!-- speed-table:end -->`` of README.md.
``tests/test_speed_table.py`` checks that the README holds exactly what this
script generates, so the two cannot drift. Needs only the standard library::

    python benchmarks/speed_table.py           # rewrite README.md
    python benchmarks/speed_table.py --check   # exit 1 if README.md is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
START, END = "<!-- speed-table:start -->", "<!-- speed-table:end -->"


def _x(r: float) -> str:
    """A time ratio, 2 significant digits (3 from 100 on)."""
    if r >= 1000:
        return f"~{float(f'{r:.2g}'):,.0f}×".replace(",", " ")
    return f"{r:.0f}×" if r >= 10 else f"{r:.2g}×"


def _e(v: float) -> str:
    return f"{v:.0e}" if v == v else "n/a"


def discrete_rows(speed: dict) -> list[str]:
    rows = []
    for name, s in speed["families"].items():
        worst = f"{_x(s['worst_ratio'])} at {s['worst_at'].strip()}"
        slower = f"; slower on {len(s['slower'])} of {s['n']}" if s["slower"] else ""
        acc = (f"max \\|mi − Clarabel\\| {_e(s['max_rel_err_vs_clarabel_optimal'])}·H(U) "
               f"({s['n_clarabel_optimal']} of {s['n']} 'optimal'); gaps ≤ {_e(s['max_gap'])}; "
               f"bound violations {len(s['bound_violations'])}; not converged {len(s['not_converged'])}")
        desc = s["description"].rstrip(".").replace("|", "\\|")
        rows.append(f"| {desc} (`{name}`, {s['n']} problems) | cvxpy + Clarabel "
                    f"| {_x(s['median_ratio'])} ({worst}{slower}) | {acc} |")
    g = speed.get("grid21")
    if g:
        rows.append(f"| problem (21), same {g['n']} problems | the paper's 100⁴ grid search "
                    f"| {_x(g['median_ratio'])} ({_x(g['worst_ratio'])}) "
                    f"| ours ≤ grid minimum at every point (to {max(g['max_ours_minus_grid'], 0.0):.0e}) |")
    return rows


def other_rows() -> list[str]:
    rows = []
    if (RESULTS / "dit.json").exists():
        d = json.loads((RESULTS / "dit.json").read_text())
        s = d["summary"]
        rows.append(f"| rate-distortion R(D): {len(d['sources'])} sources (Hamming 2/4/8 letters, squared error), "
                    f"{s['n']} slopes | dit {d['meta']['dit']} `blahut_arimoto` (defaults) "
                    f"| {_x(s['median_ratio'])} ({_x(s['worst_ratio'])}) "
                    f"| dit off by up to {s['max_abs_err_dit']:.0e} nats; ours within "
                    f"{s['max_abs_err_ours_vs_exact']:.0e} of the closed forms |")
    if (RESULTS / "gaussian.json").exists():
        g = json.loads((RESULTS / "gaussian.json").read_text())
        rows.append(f"| program (4), {g['n']} points | the paper's {g['res']} × {g['res']} meshgrid "
                    f"| {_x(g['median_ratio'])} ({_x(g['worst_ratio'])}) "
                    f"| closed form, {g['violations']} violations |")
    if (RESULTS / "ksg.json").exists():
        k = json.loads((RESULTS / "ksg.json").read_text())
        r = [row["ratio"] for row in k["rows"]]
        ns = " … ".join(f"{row['n']:.0e}".replace("e+0", "e") for row in (k["rows"][0], k["rows"][-1]))
        rows.append(f"| KSG estimator, N = {ns} | scikit-learn | {min(r):.2g}–{max(r):.2g}× "
                    f"| agree to {max(row['diff'] for row in k['rows']):.0e} nats |")
    return rows


TARGET_WORST, TARGET_MEDIAN = 10.0, 30.0
"""Issue 10's targets against cvxpy + Clarabel: worst problem of every family, median."""


def targets(speed: dict) -> str:
    """One generated paragraph: which families meet issue 10's targets, and by how much the others miss."""
    fams = speed["families"]
    named = {k: f for k, f in fams.items() if k != "random"}
    met = [k for k, f in named.items() if f["worst_ratio"] >= TARGET_WORST and f["median_ratio"] >= TARGET_MEDIAN]
    missed = [f"`{k}` {_x(f['median_ratio'])} ({_x(f['worst_ratio'])})" for k, f in named.items() if k not in met]
    text = (f"Against issue 10's targets (at least {TARGET_WORST:g}× Clarabel on the worst problem of every family "
            f"and {TARGET_MEDIAN:g}× at the median, never slower on the random suite): "
            f"{len(met)} of {len(named)} families meet both ({', '.join(f'`{k}`' for k in met) or 'none'})"
            + (f"; short are {', '.join(missed)} (median, worst)." if missed else "."))
    if "random" in fams:
        slow = fams["random"]["slower"]
        text += f" On the random suite mi_lib is slower than Clarabel on {len(slow)} of {fams['random']['n']} problems."
    solve_only = [f.get("median_ratio_solve_only") for f in named.values()]
    if all(v is not None for v in solve_only):
        text += (f" Against Clarabel's solve time alone (without cvxpy's model building) the family medians are "
                 f"{_x(min(solve_only))} to {_x(max(solve_only))}.")
    return text


def startup() -> str:
    """One generated sentence on the one-off costs per process (``bench_startup.py``), if measured."""
    if not (RESULTS / "startup.json").exists():
        return ""
    st = json.loads((RESULTS / "startup.json").read_text())
    return (f"One-off costs per Python process (`benchmarks/bench_startup.py`, median of {st['repeats']} fresh "
            f"processes): `import mi_lib` {st['import_s'] * 1e3:.0f} ms; the first calls of the three "
            f"finite-alphabet solvers {st['first_calls_empty_cache_s']:.2g} s with an empty compilation cache "
            f"(the first use on a machine) and {st['first_calls_warm_cache_s']:.2g} s with the cache filled.")


BEFORE_NUMBA = "speed_before_numba.json"
"""The same suite run with the last pure-NumPy solvers (mi_lib f9a0719, committed before numba came in)."""


def numba_gain(speed: dict) -> list[str]:
    """A generated table: each family's ratios and mi_lib's median time before numba and in this run."""
    path = RESULTS / BEFORE_NUMBA
    if not path.exists():
        return []
    old = json.loads(path.read_text())
    m = old["meta"]
    rows = [f"What the compiled kernels buy (why numba is a dependency): the same suite with the last pure-NumPy "
            f"solvers (mi_lib {m['mi_lib_commit'][:7]}, run of {m['date'][:10]} on the same machine) and in "
            f"this run.", "",
            "| family | pure NumPy: median (worst) | mi_lib time, median | with numba: median (worst) "
            "| mi_lib time, median |", "| --- | --- | --- | --- | --- |"]
    for name, new in speed["families"].items():
        if name not in old["families"]:
            continue
        o = old["families"][name]
        rows.append(f"| `{name}` | {_x(o['median_ratio'])} ({_x(o['worst_ratio'])}) | "
                    f"{o['median_t_ours'] * 1e3:.2g} ms | {_x(new['median_ratio'])} ({_x(new['worst_ratio'])}) | "
                    f"{new['median_t_ours'] * 1e3:.2g} ms |")
    return rows


def table() -> str:
    """The generated block (without the markers)."""
    speed = json.loads((RESULTS / "speed.json").read_text())
    m = speed["meta"]
    head = (f"Generated by `benchmarks/speed_table.py` from `benchmarks/results/*.json`; suite run of "
            f"{m['date'][:10]} on {m['machine']}, numpy {m['numpy']}, cvxpy {m['cvxpy']}, "
            f"Clarabel {m['clarabel']}, mi_lib as of commit {m['mi_lib_last_change'][:7]}, load average "
            f"{m['load_average_start'][0]:.1f} at the start and {m['load_average_end'][0]:.1f} at the end. "
            f"Ratio = peer time / mi_lib time (> 1: mi_lib faster), median over problems; "
            f"in brackets the worst problem."
            + (" Each family is timed after one untimed call of both solvers (one-off import, cache and "
               "compilation costs are not per-problem costs)." if m.get("warm_up") else ""))
    lines = ["| problem | peer | median ratio (worst) | accuracy |", "| --- | --- | --- | --- |"]
    tail = [targets(speed)] + ([startup()] if startup() else [])
    gain = numba_gain(speed)
    return "\n".join([head, "", *lines, *discrete_rows(speed), *other_rows(), "", "\n\n".join(tail),
                      *([""] + gain if gain else [])])


def render(readme: str) -> str:
    """``readme`` with the block between the markers replaced by :func:`table`."""
    i, j = readme.index(START) + len(START), readme.index(END)
    return readme[:i] + "\n" + table() + "\n" + readme[j:]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only check that README.md is up to date")
    args = ap.parse_args(argv)
    old = README.read_text()
    new = render(old)
    if args.check:
        print("README speed table up to date" if new == old else "README speed table is stale")
        return int(new != old)
    README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
