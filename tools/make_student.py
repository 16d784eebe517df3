"""Write the student edition of the notebooks and check that each still runs (``make student``).

The notebooks in ``notebooks/`` are the single source: their exercise solutions
live in code cells tagged ``solution``. The student edition, written to
``build/student/`` (not tracked), is a copy of every lecture in which

* each solution cell is replaced by an empty code cell with a short prompt,
* every stored output is removed (the students run the notebook themselves),
* the notebook metadata records that it was generated, and from which file.

Each student notebook is then executed top to bottom in a fresh kernel (figures
and result records go to a temporary directory, so nothing tracked changes);
a lecture whose later cells depend on a solution fails here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from reproduce import run  # noqa: E402  (the same executor as make reproduce)

PROMPT = "# Your answer to the exercise above: write and run your code here.\n"


def student_copy(nb: nbformat.NotebookNode, source_name: str) -> tuple[nbformat.NotebookNode, int]:
    """Return the student edition of ``nb`` and the number of solution cells replaced."""
    out = nbformat.v4.new_notebook(metadata=dict(nb.metadata))
    out.metadata["mi_lib_student_edition"] = {"generated_from": f"notebooks/{source_name}"}
    replaced = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            new = nbformat.v4.new_code_cell(PROMPT, metadata={"tags": ["exercise"]})
            replaced += 1
        else:
            new = nbformat.from_dict(dict(cell))
            if new.cell_type == "code":
                new.outputs = []
                new.execution_count = None
        new.pop("id", None)
        out.cells.append(new)
    return out, replaced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student", help="output folder")
    parser.add_argument("--no-run", action="store_true", help="write the copies without executing them")
    parser.add_argument("--timeout", type=int, default=1200, help="per-cell timeout in seconds")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    sources = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    written = []
    for src in sources:
        nb = nbformat.read(src, as_version=4)
        student, replaced = student_copy(nb, src.name)
        nbformat.validate(student)
        target = args.out / src.name
        nbformat.write(student, target)
        written.append(target)
        print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
              f"{replaced} solution cell(s) replaced", flush=True)
    if args.no_run:
        return 0
    with tempfile.TemporaryDirectory(prefix="mi_lib_student_") as scratch:
        os.environ["MI_LIB_OUTPUT_DIR"] = scratch
        for i, path in enumerate(written, 1):
            print(f"[{i}/{len(written)}] running {path.name} ...", end=" ", flush=True)
            start = time.perf_counter()
            try:
                run(path, args.timeout, write=False)
            except CellExecutionError as exc:
                print("FAILED")
                print("\n".join(str(exc).splitlines()[:40]), file=sys.stderr)
                return 1
            print(f"ok in {time.perf_counter() - start:5.1f} s", flush=True)
    print(f"all {len(written)} student notebooks run top to bottom; they are in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
