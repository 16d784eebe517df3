"""The figures of notebook 02 (mi_lib.plotting.gaussian)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mi_lib  # noqa: E402
from mi_lib import plotting  # noqa: E402
from mi_lib.gaussian_program import half_information_budgets, paper_figure3  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def paper():
    return paper_figure3()


def test_figure3_panels_draw_the_exact_minimum(paper):
    fig = plotting.figure3_panels((1.0, 0.75, 0.5, 0.25), "t", paper=paper)
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 4
    x, y = fig.axes[1].lines[0].get_data()  # panel (b), sigma^2 = 0.1: the solid I* line
    assert np.allclose(y[::100], [mi_lib.gaussian_attack(0.75, 0.1, d).mi for d in x[::100]])
    crosses = [ln for ax in fig.axes for ln in ax.lines if ln.get_marker() == "x"]
    assert sum(ln.get_xdata().size for ln in crosses) == 490


def test_figure3_panels_without_paper_marks_the_budgets():
    fig = plotting.figure3_panels((0.1, 0.3, 0.7, 0.9), "t", budgets=(0.1, 0.5))
    dots = [ln for ln in fig.axes[0].lines if ln.get_marker() == "o"]
    assert len(dots) == 10 and all(ln.get_xdata().size == 2 for ln in dots)
    assert np.all(dots[0].get_ydata() == 0.0)  # a^2 = 0.1 <= both budgets


def test_rho2_versus_mi_shows_the_paper_points(paper):
    fig = plotting.rho2_versus_mi(paper)
    assert len(fig.axes) == 2
    x, y = fig.axes[1].lines[0].get_data()
    assert np.allclose(y[::50], [mi_lib.gaussian_attack(a2, 0.1, 0.1).rho2 for a2 in x[::50]])
    assert fig.axes[1].lines[2].get_xdata().size == 4  # one paper point per panel


def test_blind_versus_informed_marks_the_half_budgets():
    fig = plotting.blind_versus_informed([(1.0, 0.1), (1.0, 0.5)], D_max=1.0)
    dots = [ln for ln in fig.axes[1].lines if ln.get_marker() == "o"]
    assert np.allclose(dots[0].get_xdata(), half_information_budgets(1.0, 0.1)[1:])
    assert np.allclose(dots[0].get_ydata(), 0.5)


@pytest.mark.parametrize("call", [
    lambda p: plotting.figure3_panels((1.0, 0.5), "t"),
    lambda p: plotting.figure3_panels((1.0, 0.5, 0.3, -0.1), "t"),
    lambda p: plotting.figure3_panels((1.0, 0.5, 0.3, 0.2), 3),
    lambda p: plotting.figure3_panels((1.0, 0.5, 0.3, 0.2j), "t"),
    lambda p: plotting.figure3_panels((1.0, 0.5, 0.3, 0.2), "t", paper={"a2": [1.0]}),
    lambda p: plotting.rho2_versus_mi({k: v[:3] if k == "y" else v for k, v in p.items()}),
    lambda p: plotting.blind_versus_informed("ab"),
    lambda p: plotting.blind_versus_informed([(1.0, 0.0)]),
    lambda p: plotting.blind_versus_informed([(1.0, 0.1)], D_max=0.0),
])
def test_bad_input_is_rejected(paper, call):
    with pytest.raises((TypeError, ValueError)):
        call(paper)


def test_gaussian_geometry_draws_the_angles_below_the_zero_budget():
    fig = plotting.gaussian_geometry(1.0, 0.35, 0.3)
    assert sum(type(p).__name__ == "Arc" for p in fig.axes[0].patches) == 2
    fig = plotting.gaussian_geometry(1.0, 0.35, 1.5)  # D >= a^2: no tangent, no angles
    assert not any(type(p).__name__ == "Arc" for p in fig.axes[0].patches)
