"""The student edition removes every solution and every output, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from make_student import PROMPT  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--no-run", "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_has_no_solution_and_no_output(student_dir, path):
    full = nbformat.read(path, as_version=4)
    student = nbformat.read(student_dir / path.name, as_version=4)
    assert len(student.cells) == len(full.cells)
    solutions = [c for c in full.cells if "solution" in c.metadata.get("tags", [])]
    assert solutions, f"{path.name} has no solution cell tagged 'solution'"
    for full_cell, cell in zip(full.cells, student.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        assert "solution" not in cell.metadata.get("tags", [])
        if "solution" in full_cell.metadata.get("tags", []):
            assert cell.cell_type == "code" and cell.source == PROMPT, "a solution cell survived"
        else:
            assert cell.source == full_cell.source and cell.cell_type == full_cell.cell_type
