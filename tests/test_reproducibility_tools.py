"""Tests of the reproducibility helpers: paths, portable checks and result records."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mi_lib import checks, paths, records
from mi_lib.plotting import save_figure


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.OUTPUT_ENV, str(tmp_path))
    return tmp_path


def test_repo_root_from_any_working_directory(tmp_path, monkeypatch):
    root = paths.repo_root()
    monkeypatch.chdir(tmp_path)
    assert paths.repo_root() == root
    assert (root / "mi_lib").is_dir() and paths.data_dir() == root / "notebooks" / "data"


def test_outputs_redirected_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.OUTPUT_ENV, raising=False)
    root = paths.repo_root()
    assert paths.figures_dir() == root / "figures" and paths.results_dir() == root / "notebooks" / "results"
    monkeypatch.setenv(paths.OUTPUT_ENV, str(tmp_path))
    assert paths.figures_dir() == tmp_path / "figures" and paths.results_dir() == tmp_path / "results"
    assert paths.data_dir() == root / "notebooks" / "data"  # inputs are never redirected
    monkeypatch.setenv(paths.OUTPUT_ENV, "relative/dir")
    with pytest.raises(ValueError, match="absolute"):
        paths.output_dir()


def test_save_figure_goes_to_scratch(scratch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    pdf, png = save_figure(fig, "probe")
    plt.close(fig)
    assert pdf == scratch / "figures" / "probe.pdf" and png.exists()
    with pytest.raises(ValueError):
        save_figure(fig, "../outside")


def test_agree_reports_tolerance_not_digits():
    v = checks.agree("two routes", [1.0, 2.0], [1.0 + 1e-15, 2.0], atol=1e-12)
    assert str(v) == "two routes: agree to < 1e-12"
    assert str(checks.agree("r", 1.0, 1.0 + 1e-9, rtol=1e-6)) == "r: agree to < 1e-6 relative"
    assert str(checks.agree("inf", np.inf, np.inf, atol=1e-12)).endswith("agree to < 1e-12")
    with pytest.raises(AssertionError, match="differ by"):
        checks.agree("bad", 1.0, 1.1, atol=1e-3)
    for a, b in ((1.0, np.inf), (np.inf, 1.0), (np.inf, -np.inf)):
        with pytest.raises(AssertionError):
            checks.agree("finite vs infinite", a, b, rtol=1e-6)
    with pytest.raises(AssertionError):
        checks.agree("nan", math.nan, math.nan, atol=1.0)
    with pytest.raises(ValueError):
        checks.agree("no tol", 1.0, 1.0)
    with pytest.raises(TypeError):
        checks.agree("complex", 1j, 1j, atol=1.0)


def test_verdicts_are_strict_as_printed():
    """'< tol' means strictly below: a value equal to the tolerance fails, exact equality agrees."""
    with pytest.raises(AssertionError):
        checks.within("gap", [1e-12], 1e-12)
    with pytest.raises(AssertionError):
        checks.agree("x", 1.0 + 2.0**-20, 1.0, atol=2.0**-20)
    with pytest.raises(ValueError):
        checks.within("gap", [0.0], 0.0)
    assert str(checks.agree("zero", 0.0, 0.0, rtol=1e-12)) == "zero: agree to < 1e-12 relative"


def test_within_and_holds():
    assert str(checks.within("gap", [1e-14, -3e-13], 1e-12)) == "gap: < 1e-12"
    with pytest.raises(AssertionError):
        checks.within("gap", [1e-14, math.nan], 1e-12)
    assert str(checks.holds("bound below value", np.array([True, True]))) == "bound below value: holds"
    with pytest.raises(AssertionError, match="1 of 2"):
        checks.holds("x", np.array([True, False]))
    with pytest.raises(TypeError):
        checks.holds("x", np.array([1, 0]))
    assert checks.format_tol(5e-3) == "0.005" and checks.format_tol(2.5e-9) == "2.5e-9"


def test_rounded_and_bound():
    assert records.rounded(0.1 + 0.2, 3) == 0.3
    assert records.rounded(-1e-30, 2) == -1e-30 and records.rounded(-0.0, 2) == 0.0
    assert records.bound(1e-12) == "< 1e-12"
    for bad in (0, 9, 2.0, True):
        with pytest.raises((TypeError, ValueError)):
            records.rounded(1.0, bad)
    with pytest.raises(ValueError):
        records.rounded(math.inf, 3)


def _entry(number):
    return {"item": "x", "status": "confirmed", "meaning": "m", "unit": "nats", "number": number}


def test_write_record_rejects_unrounded_and_bad_entries(scratch):
    with pytest.raises(ValueError, match="significant digits"):
        records.write_record("98_probe", [_entry(0.1 + 0.2)])
    with pytest.raises(ValueError, match="status"):
        records.write_record("98_probe", [{**_entry(1.0), "status": "fine"}])
    for bad in ("1e-12", "< foo", "<1e-12", "< 1e-012"):
        with pytest.raises(ValueError, match="bound"):
            records.write_record("98_probe", [_entry(bad)])
    with pytest.raises(ValueError):
        records.write_record("probe", [_entry(1.0)])


def test_write_record_in_scratch_must_match_the_committed_one(scratch, monkeypatch, tmp_path_factory):
    tracked = tmp_path_factory.mktemp("tracked")
    monkeypatch.setattr(records, "tracked_results_dir", lambda: tracked)
    entries = [_entry(records.rounded(0.123456789, 4)), _entry(records.bound(1e-12))]
    with pytest.raises(AssertionError, match="differs from the committed"):
        records.write_record("98_probe", entries)  # nothing committed yet
    (tracked / "98.json").write_text((scratch / "results" / "98.json").read_text())
    path = records.write_record("98_probe", entries)
    assert json.loads(path.read_text())["entries"][0]["number"] == 0.1235
    with pytest.raises(AssertionError):
        records.write_record("98_probe", [_entry(0.1234)])
    monkeypatch.setattr(records, "tracked_results_dir", lambda: tracked)
    assert records.read_records()["98.json"]["notebook"] == "98_probe"


def test_committed_records_are_portable():
    for name, record in records.read_records().items():
        for i, entry in enumerate(record["entries"]):
            records._check_entry(entry, i)
