"""Static checks of the stored notebooks (what strict nbval does not look at)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec_is_python3(path):
    assert _load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_stored_without_errors_or_stderr(path):
    code = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
    assert any(c.get("outputs") for c in code), "no stored outputs: nbval would compare nothing"
    for i, cell in enumerate(code):
        src = "".join(cell["source"])
        for out in cell.get("outputs", []):
            assert out.get("name") != "stderr", f"code cell {i} stored stderr output (a warning?)"
            if out["output_type"] == "error":
                assert "NBVAL_RAISES_EXCEPTION" in src, f"code cell {i} stored an unexpected error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lecture_structure(path):
    cells = _load(path)["cells"]
    first_md = "".join(cells[0]["source"])
    assert first_md.startswith("# ") and "**Aim.**" in first_md, "the notebook must open with a title and its aim"
    first_code = next("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "default_rng(SEED)" in first_code, "the first code cell must fix the seed"
    assert "sys.path" not in "".join("".join(c["source"]) for c in cells), "import the installed mi_lib"
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "## Exercises" in text or "Exercises" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_stay_folded(path):
    """Solution cells keep source and outputs collapsed in JupyterLab until the reader opens them."""
    cells = _load(path)["cells"]
    solutions = [c for c in cells if "solution" in c.get("metadata", {}).get("tags", [])]
    assert solutions, "no solution cell tagged 'solution'"
    for cell in solutions:
        hidden = cell["metadata"].get("jupyter", {})
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), "a solution cell is not folded"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opening_box(path):
    """Aim, paper sections, prerequisites, a reading time that matches the notebook's length, take-aways."""
    import re
    import sys

    sys.path.insert(0, str(path.parent.parent / "tools"))
    from build_book import notebook_stats

    first = "".join(_load(path)["cells"][0]["source"])
    for label in ("**Aim.**", "**Paper sections:**", "**Prerequisites:**", "**Take-aways.**"):
        assert label in first, f"the opening cell lacks {label}"
    stated = re.search(r"\*\*Reading time:\*\* about (\d+) minutes", first)
    assert stated, "the opening cell must state its reading time"
    assert abs(int(stated.group(1)) - notebook_stats(path)["minutes"]) <= 3, "the stated reading time is stale"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_lecture_with_exercises(path):
    """A seminar lecture: at most about 45 minutes of reading and at least two numbered exercises."""
    import sys

    sys.path.insert(0, str(path.parent.parent / "tools"))
    from build_book import notebook_stats

    stats = notebook_stats(path)
    assert stats["minutes"] <= 45, f"{path.name} reads in {stats['minutes']} minutes: split or shorten it"
    assert stats["exercises"] >= 2, f"{path.name} has {stats['exercises']} numbered exercises"
