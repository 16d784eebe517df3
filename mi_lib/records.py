"""Result records: each notebook's key numbers for the claims ledger.

Every notebook ends by writing ``NN.json`` (its two-digit prefix) through
:func:`write_record`; the ledger notebook reads them back with
:func:`read_records`. A record holds only numbers that are the same on every
machine: a measured value rounded to the significant digits its check
guarantees (:func:`rounded`), or, for rounding-level quantities such as a
residual or the difference between two routes, the tolerance that was asserted
(:func:`bound`, stored as the string ``"< 1e-12"``).

When ``$MI_LIB_OUTPUT_DIR`` is set (``make test`` sets it), the record goes to
the scratch directory and is compared with the committed one in
``notebooks/results/``; a difference raises ``AssertionError``, so stale or
machine-dependent records fail the test suite instead of being committed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from .checks import format_tol
from .paths import output_dir, results_dir, tracked_results_dir

__all__ = ["STATUSES", "bound", "read_records", "rounded", "write_record"]

STATUSES = ("confirmed", "corrected", "refuted", "extended", "pending")
"""The status words a ledger entry may carry."""

MAX_DIGITS = 8
"""At most this many significant digits may be recorded."""

_KEYS = {"item", "status", "meaning", "unit", "number"}


def rounded(value: Any, digits: int) -> float:
    """Round ``value`` to ``digits`` significant digits (the precision its check guarantees).

    Parameters
    ----------
    value : float
        A finite real number.
    digits : int
        Number of significant digits, 1 to :data:`MAX_DIGITS`.

    Returns
    -------
    float
        ``float(format(value, f".{digits}g"))``; ``-0.0`` becomes ``0.0``.
    """
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)):
        raise TypeError(f"digits must be an integer; got {digits!r}")
    if not 1 <= digits <= MAX_DIGITS:
        raise ValueError(f"digits must be between 1 and {MAX_DIGITS}; got {digits}")
    if isinstance(value, (bool, complex, np.complexfloating)):
        raise TypeError(f"value must be a real number; got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"value must be finite; got {value!r}")
    return float(format(x, f".{int(digits)}g")) + 0.0


def bound(tol: float) -> str:
    """Return the record entry for a rounding-level quantity asserted below ``tol``: ``"< 1e-12"``."""
    return f"< {format_tol(tol)}"


def _significant_digits(x: float) -> int:
    """Digits in the shortest round-trip representation of ``x`` (``0.0063`` has 2)."""
    mantissa = repr(abs(x)).split("e")[0].replace(".", "")
    return len(mantissa.strip("0"))


def _check_entry(entry: dict, index: int) -> dict:
    if set(entry) != _KEYS:
        raise ValueError(f"entry {index} must have exactly the keys {sorted(_KEYS)}; got {sorted(entry)}")
    if entry["status"] not in STATUSES:
        raise ValueError(f"entry {index} ({entry['item']}): status must be one of {STATUSES}")
    for key in ("item", "meaning", "unit"):
        if not isinstance(entry[key], str):
            raise TypeError(f"entry {index}: {key} must be a string")
    number = entry["number"]
    if isinstance(number, str):
        try:
            exact = number == bound(float(number[2:])) and number.startswith("< ")
        except ValueError:
            exact = False
        if not exact:
            raise ValueError(f"entry {index} ({entry['item']}): a string number must come from bound(); got {number!r}")
        return dict(entry)
    if isinstance(number, (bool, complex, np.complexfloating)) or not isinstance(number, (int, float, np.number)):
        raise TypeError(f"entry {index} ({entry['item']}): number must be real or bound(...)")
    x = float(number)
    if not math.isfinite(x):
        raise ValueError(f"entry {index} ({entry['item']}): number must be finite")
    if _significant_digits(x) > MAX_DIGITS:
        raise ValueError(
            f"entry {index} ({entry['item']}): {x!r} has more than {MAX_DIGITS} significant digits; "
            "round it with rounded(value, digits) to what its check guarantees"
        )
    return {**entry, "number": int(x) if isinstance(number, (int, np.integer)) else x}


def _render(notebook: str, entries: list[dict]) -> str:
    record = {"notebook": notebook, "entries": [_check_entry(e, i) for i, e in enumerate(entries)]}
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def write_record(notebook: str, entries: list[dict]) -> Path:
    """Write a notebook's ledger entries to ``NN.json`` and return the path written.

    Parameters
    ----------
    notebook : str
        The notebook's name without suffix, e.g. ``"02_gaussian_attack"``; its
        first two characters name the file.
    entries : list of dict
        Each with exactly the keys ``item``, ``status`` (one of
        :data:`STATUSES`), ``meaning``, ``unit`` and ``number`` (a real number
        with at most :data:`MAX_DIGITS` significant digits, or ``bound(tol)``).

    Returns
    -------
    Path
        The file written (in the scratch directory when ``$MI_LIB_OUTPUT_DIR``
        is set).

    Raises
    ------
    AssertionError
        When writing to the scratch directory and the record differs from the
        committed one: the stored outputs are stale or not portable.
    """
    if not (isinstance(notebook, str) and len(notebook) > 3 and notebook[:2].isdigit() and notebook[2] == "_"):
        raise ValueError(f"notebook must look like 'NN_name'; got {notebook!r}")
    text = _render(notebook, list(entries))
    target = results_dir() / f"{notebook[:2]}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    if output_dir() is not None:
        committed = tracked_results_dir() / target.name
        old = committed.read_text() if committed.exists() else None
        if old != text:
            raise AssertionError(
                f"the record of {notebook} differs from the committed {committed.name}:\n"
                f"committed: {old}\nnow:       {text}\nrerun `make reproduce` and commit, "
                "or round the entry to what its check guarantees"
            )
    return target


def read_records() -> dict[str, dict]:
    """Read every notebook's record, keyed by file name (``"02.json"``), in order.

    A record written to the scratch directory in this run (``make test``) takes
    precedence over the committed one of the same name.

    Returns
    -------
    dict
        File name to the parsed record.
    """
    files: dict[str, Path] = {p.name: p for p in sorted(tracked_results_dir().glob("[0-9][0-9].json"))}
    scratch = output_dir()
    if scratch is not None and (scratch / "results").is_dir():
        files.update({p.name: p for p in sorted((scratch / "results").glob("[0-9][0-9].json"))})
    return {name: json.loads(files[name].read_text()) for name in sorted(files)}
