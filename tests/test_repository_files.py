"""The files a user expects beside the code: licences, citation, changelog."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_licences_present_and_consistent_with_pyproject():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text()
    assert "CC BY 4.0" in (ROOT / "LICENSE-TEXT.md").read_text()


def test_citation_file_cites_companion_and_paper():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    for key in ("cff-version", "message", "title", "authors"):
        assert cff.get(key), key
    paper = cff["references"][0]
    assert "arXiv:2007.14042" in str(paper["identifiers"])
    assert [a["family-names"] for a in paper["authors"]] == ["Yi", "Mudumbai", "Xu"]


def test_changelog_has_an_entry():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert text.startswith("# Changelog") and "## " in text


def test_committed_ledger_matches_the_ledger_notebook():
    """notebooks/results/LEDGER.md is the table that notebook 11 displays (both come from one run)."""
    import json

    nb = json.loads((ROOT / "notebooks" / "11_claims_ledger.ipynb").read_text())
    shown = [
        "".join(out["data"]["text/markdown"])
        for cell in nb["cells"] if cell["cell_type"] == "code"
        for out in cell.get("outputs", []) if "text/markdown" in out.get("data", {})
    ]
    table = next(t for t in shown if t.startswith("| item |"))
    committed = (ROOT / "notebooks" / "results" / "LEDGER.md").read_text()
    assert committed.split("\n\n", 1)[1].strip() == table.strip()


def test_readme_has_no_placeholders():
    import re

    assert not re.search(r"\b(TIME|TODO|TBD|FIXME)_?[A-Z]*\b", (ROOT / "README.md").read_text())
