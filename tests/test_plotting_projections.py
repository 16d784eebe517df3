"""Tests of mi_lib.plotting.projections (the drawings of notebooks 03 and 04)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mi_lib  # noqa: E402
from mi_lib import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_exported():
    for name in ("falling_bar_search", "mi_curves", "figure45_two_conventions", "marchenko_pastur_figure"):
        assert name in plotting.__all__ and callable(getattr(plotting, name))


def test_falling_bar_search_draws_the_level_and_one_acceptance():
    s, D = [3.0, 2.2, 2.2, 1.0, 0.4, 0.0], 4.0
    fig = plotting.falling_bar_search(s, D)
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 3
    tau = mi_lib.falling_bar(s, D)[0]
    levels = [line.get_ydata()[0] for line in fig.axes[0].lines]
    assert any(np.isclose(v, tau) for v in levels)
    accepted = [line for line in fig.axes[1].lines if line.get_marker() == "o"]
    assert len(accepted) == 1 and np.isclose(accepted[0].get_ydata()[0], tau)
    x, y = fig.axes[2].lines[-1].get_data()
    assert np.isclose(x[0], tau) and np.isclose(y[0], D)


@pytest.mark.parametrize("s, D", [([3.0, 1.0], 0.0), ([3.0, 1.0], 4.0), ([3.0, -1.0], 1.0), ([], 1.0)])
def test_falling_bar_search_rejects(s, D):
    with pytest.raises(ValueError):
        plotting.falling_bar_search(s, D)


def test_mi_curves_one_line_per_curve():
    curves = {0.5: ([1, 2, 3], [3.0, 2.0, 0.0]), 0.1: ([1, 2], [1.0, 0.0])}
    fig = plotting.mi_curves(curves, "test")
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and ax.get_title() == "test"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2])  # sorted by n/m
    with pytest.raises(ValueError):
        plotting.mi_curves({}, "empty")
    with pytest.raises(ValueError):
        plotting.mi_curves({0.5: ([1, 2], [1.0])}, "lengths")
    with pytest.raises(TypeError):
        plotting.mi_curves(curves, 3)


def _toy(keys):
    x = np.arange(1.0, 11.0)
    return {k: (x, 10.0 / x) for k in keys}


def test_figure45_two_conventions_layout():
    keys = [(m, t) for m in (50, 250) for t in (1, 5, 9)]
    fig = plotting.figure45_two_conventions(_toy(keys), _toy(keys), _toy(keys), number=4, shape="wide")
    assert len(fig.axes) == 4  # 2 rows x 2 panel sizes
    top, bottom = fig.axes[0], fig.axes[2]
    assert "m = 50" in top.get_title() and "corrected" in bottom.get_title()
    # 3 curves + 3 point sets (+ legend proxy) on top; the bottom drops the paper's first point
    crosses = [ln for ln in bottom.lines if ln.get_marker() == "x" and len(ln.get_xdata())]
    assert all(len(ln.get_xdata()) == 9 for ln in crosses) and len(crosses) == 3


def test_figure45_two_conventions_rejects():
    keys = [(50, 1)]
    with pytest.raises(ValueError):
        plotting.figure45_two_conventions(_toy(keys), _toy([(50, 2)]), _toy(keys), number=4, shape="")
    with pytest.raises(ValueError):
        plotting.figure45_two_conventions(_toy(keys), _toy(keys), _toy(keys), number=3, shape="")


def test_marchenko_pastur_figure_from_small_spectra():
    from mi_lib.projection_routes import projection_matrix

    spectra, curves = {}, {}
    fractions = np.arange(1, 11) / 10
    for t in (5, 15):
        H = projection_matrix(60, t, 1)
        s = np.linalg.svd(H, compute_uv=False) ** 2
        spectra[(60, t)] = s
        curves[(60, t)] = (fractions * s.sum(), [mi_lib.projection_attack_from_spectrum(s, d * s.sum()).mi for d in fractions])
    fig = plotting.marchenko_pastur_figure(curves, spectra, m_values=(60,), histograms=((60, 5), (60, 15)))
    assert len(fig.axes) == 3
    assert "n/m = 1.5" in fig.axes[2].get_title()
    with pytest.raises(ValueError):
        plotting.marchenko_pastur_figure(curves, spectra, d_show=(0.15,), m_values=(60,), histograms=((60, 5), (60, 15)))
    with pytest.raises(ValueError):
        plotting.marchenko_pastur_figure(curves, spectra, m_values=(60,), histograms=((60, 5), (60, 10)))
    with pytest.raises(ValueError):
        plotting.marchenko_pastur_figure(curves, spectra, m_values=(), histograms=((60, 5), (60, 15)))
