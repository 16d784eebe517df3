"""Rerun tools/extract_paper_figures.py on the paper's PDF and compare with the committed data.

``make check-extraction`` (CI runs it): the PDF is read from ``--pdf`` (default: the
copy in ``../shared/reference/`` beside the repository, which is never committed),
with the pypdf version pinned in requirements-tools.txt. The four CSV files must be
byte-identical to ``notebooks/data/paper_figures/`` and the provenance equal apart
from the output directory in the recorded command. The last line reads
``N passed, M failed``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "notebooks" / "data" / "paper_figures"
PDF = ROOT.parent / "shared" / "reference" / "yi-mudumbai-xu-2020-arXiv-2007.14042v1.pdf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, default=PDF)
    args = parser.parse_args(argv)
    import pypdf

    pinned = (ROOT / "requirements-tools.txt").read_text()
    if f"pypdf=={pypdf.__version__}" not in pinned:
        print(f"pypdf {pypdf.__version__} is not the version pinned in requirements-tools.txt", file=sys.stderr)
        return 2
    if not args.pdf.is_file():
        print(f"the paper's PDF is not at {args.pdf}", file=sys.stderr)
        return 2
    old = json.loads((DATA / "provenance.json").read_text())
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="mi_lib_extract_") as out:
        subprocess.run([sys.executable, str(ROOT / "tools" / "extract_paper_figures.py"), str(args.pdf),
                        "--out", out, "--date", old["date"]], check=True)
        for f in (3, 4, 5, 6):
            same = (Path(out) / f"figure{f}.csv").read_bytes() == (DATA / f"figure{f}.csv").read_bytes()
            print(f"{'ok  ' if same else 'FAIL'} figure{f}.csv")
            passed, failed = passed + same, failed + (not same)
        new = json.loads((Path(out) / "provenance.json").read_text())
        new.pop("command"), old.pop("command")  # the output directory differs
        same = new == old
        print(f"{'ok  ' if same else 'FAIL'} provenance.json")
        passed, failed = passed + same, failed + (not same)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
