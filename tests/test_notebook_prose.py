"""Prose cannot go stale: every computed number in a notebook's text has a computed source.

A decimal number with three or more significant digits in a markdown cell is a
result, and results come from the computation. So it must also appear in the
notebook's code (a constant the computation uses, or an assertion that checks
the printed value) or in its stored outputs (printed or displayed from a
variable). Mathematical constants that a reader is expected to know are listed
in ``CONSTANTS``; anything else that fails here was typed by hand.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

CONSTANTS = {
    "0.693": "log 2",
    "0.6931": "log 2",
    "1.443": "1 / log 2",
    "3.14159": "pi",
    "2.718": "e",
    "1.4427": "1 / log 2",
}

# A decimal with a dot: 0.0823, 99.50, 2.60, .25 (but not part of a longer token
# such as a version number 2.4.6 or an identifier).
DECIMAL = re.compile(r"(?<![\w.])(\d*\.\d+)(?![\w.]*\d)")


# Identifiers that look like decimals: arXiv numbers, DOIs, section numbers such as §3.2.1.
IDENTIFIER = re.compile(r"arXiv:\s*\d+\.\d+(v\d+)?|10\.\d{4,}/\S+|§\s*[\d.]+", re.IGNORECASE)


def significant_digits(token: str) -> int:
    """Significant digits of a decimal literal: ``0.0823`` has 3, ``99.50`` has 4."""
    return len(token.replace(".", "").lstrip("0"))


def strip_comments(code: str) -> str:
    """Python source without its comments: a number that only a comment states is not computed."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.COMMENT]
        return tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):  # e.g. a cell magic: drop whole-line comments
        return "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("#"))


def _texts(path: Path) -> tuple[str, str]:
    nb = json.loads(path.read_text())
    markdown, computed = [], []
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            markdown.append(src)
            continue
        computed.append(strip_comments(src))
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                computed.append("".join(out["text"]))
            elif out["output_type"] in ("execute_result", "display_data"):
                for mime in ("text/plain", "text/markdown", "text/html", "text/latex"):
                    if mime in out["data"]:
                        computed.append("".join(out["data"][mime]))
    return "\n".join(markdown), "\n".join(computed)


def unsourced_numbers(markdown: str, computed: str) -> list[str]:
    """Decimal results (3+ significant digits) in ``markdown`` that appear nowhere in ``computed``."""
    missing = []
    for match in DECIMAL.finditer(IDENTIFIER.sub(" ", markdown)):
        token = match.group(1)
        if significant_digits(token) < 3 or token in CONSTANTS:
            continue
        if not re.search(rf"(?<![\d.]){re.escape(token)}(?!\d)", computed):
            missing.append(token)
    return sorted(set(missing))


def test_detector_finds_typed_numbers():
    md = "The model keeps 10 features at 99.50 % and breaks at radius 2.60; log 2 is 0.693; 0.5 is short."
    assert unsourced_numbers(md, "print(f'{acc:.2f}')\n98.46") == ["2.60", "99.50"]
    assert unsourced_numbers(md, "99.50 %\nradius 2.60") == []
    assert unsourced_numbers("version 2.4.6 and x_1.25, arXiv:2007.14042v1, §3.2.1", "") == []
    assert significant_digits("0.0823") == 3 and significant_digits(".25") == 2


def test_a_number_in_a_comment_is_not_a_source():
    code = "x = solve()  # about 0.0823 nats\ny = '0.125'  # a string is code\n"
    assert unsourced_numbers("we find 0.0823 and 0.125", strip_comments(code)) == ["0.0823"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_computed_number_in_prose_has_a_computed_source(path):
    markdown, computed = _texts(path)
    missing = unsourced_numbers(markdown, computed)
    assert not missing, (
        f"{path.name}: these numbers in the text appear in no code or output; print them from the "
        f"computation, assert them in code, or list a true mathematical constant in CONSTANTS: {missing}"
    )


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def test_readme_findings_come_from_the_notebooks():
    """Every decimal in README "What we found" (2+ significant digits) appears in a notebook or the ledger."""
    findings = _section((ROOT / "README.md").read_text(), "## What we found")
    computed = "\n".join(_texts(p)[1] for p in NOTEBOOKS)
    computed += "\n" + (ROOT / "notebooks" / "results" / "LEDGER.md").read_text()
    missing = []
    for match in DECIMAL.finditer(IDENTIFIER.sub(" ", findings)):
        token = match.group(1)
        if significant_digits(token) >= 2 and token not in CONSTANTS:
            if not re.search(rf"(?<![\d.]){re.escape(token)}(?!\d)", computed):
                missing.append(token)
    assert not missing, f'README "What we found" quotes numbers no notebook computes: {sorted(set(missing))}'
