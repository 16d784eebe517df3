"""The README "Speed" table is what benchmarks/speed_table.py makes of the committed results;
the bench extra of pyproject.toml is pinned in requirements-bench.txt.

No benchmark is run here (timings are never asserted): only the generated text is compared,
so the table and the JSON files it comes from cannot drift apart.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _speed_table():
    spec = importlib.util.spec_from_file_location("speed_table", ROOT / "benchmarks" / "speed_table.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_speed_table_is_generated():
    st = _speed_table()
    readme = (ROOT / "README.md").read_text()
    assert readme.count(st.START) == 1 and readme.count(st.END) == 1
    assert st.render(readme) == readme, "README speed table is stale: run python benchmarks/speed_table.py"


def test_speed_table_detects_an_edited_row():
    st = _speed_table()
    readme = (ROOT / "README.md").read_text()
    i = readme.index(st.START) + len(st.START)
    edited = readme[:i] + "\n| made-up row | peer | 99× | none |" + readme[i:]
    assert st.render(edited) != edited
    assert st.render(edited) == readme


def test_speed_table_lists_every_family_and_the_random_suite():
    st = _speed_table()
    import json

    speed = json.loads((st.RESULTS / "speed.json").read_text())
    assert not speed["meta"]["quick"]
    block = st.table()
    for name in speed["families"]:
        assert f"(`{name}`," in block
    assert "random" in speed["families"] and "dit" in block and "meshgrid" in block and "scikit-learn" in block


def test_bench_extra_is_pinned():
    """Every package of pyproject's bench extra is pinned in requirements-bench.txt or the lock, within its range."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["bench"]
    pins = {}
    for name in ("requirements-lock.txt", "requirements-bench.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if line and not line.startswith("#"):
                req = Requirement(line)
                pins[req.name.lower()] = next(iter(req.specifier)).version
    for spec in extra:
        req = Requirement(spec)
        assert req.name.lower() in pins, f"{req.name} of the bench extra is pinned nowhere"
        assert req.specifier.contains(pins[req.name.lower()]), f"{req.name}=={pins[req.name.lower()]} not in {spec}"


def test_targets_paragraph_names_the_short_families_only_when_there_are_some():
    st = _speed_table()
    fam = {"worst_ratio": 12.0, "median_ratio": 31.0, "median_ratio_solve_only": 5.0}
    short = {"worst_ratio": 12.0, "median_ratio": 29.0, "median_ratio_solve_only": 4.0}
    met = st.targets({"families": {"a": fam, "b": dict(fam)}})
    assert "2 of 2 families meet both (`a`, `b`)." in met and "short are" not in met
    one = st.targets({"families": {"a": fam, "b": short}})
    assert "1 of 2 families meet both (`a`); short are `b` 29× (12×) (median, worst)." in one
