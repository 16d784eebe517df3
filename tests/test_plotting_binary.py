"""The Figure 6 drawing of notebook 05 (mi_lib.plotting.binary)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mi_lib  # noqa: E402
from mi_lib import plotting  # noqa: E402

PANELS = {"a": [(.45, .05, .05, .45), (.25, .25, .25, .25)], "c": [(.47, .47, .03, .03)]}
EPS = np.round(np.arange(0.01, 0.37 + 1e-9, 0.04), 3)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_figure6_panels_draw_the_certified_optimum_and_the_paper_points():
    paper = {(.45, .05, .05, .45): (EPS, np.ones(EPS.size))}
    fig = plotting.figure6_panels(PANELS, EPS, paper=paper)
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 2
    x, y = fig.axes[0].lines[0].get_data()
    assert np.allclose(y, [mi_lib.binary_flip_attack(PANELS["a"][0], e).mi for e in x])
    crosses = [ln for ax in fig.axes for ln in ax.lines if ln.get_marker() == "x" and ln.get_xdata().size]
    assert len(crosses) == 1 and np.allclose(crosses[0].get_ydata(), 1.0)
    assert fig.axes[1].get_ylim() == pytest.approx((-0.005, 0.05))  # a flat panel keeps a readable scale


def test_figure6_panels_without_paper():
    fig = plotting.figure6_panels({"b": [(.70, .10, .10, .10)]}, EPS)
    assert len(fig.axes) == 1 and not any(ln.get_marker() == "x" for ln in fig.axes[0].lines)


@pytest.mark.parametrize("panels, eps", [
    ({"a": [(.5, .5, .1, 0.0)]}, EPS),           # not a pmf
    ({"a": [(.5, .5)]}, EPS),                      # wrong length
    ({"a": []}, EPS),
    ([(.25, .25, .25, .25)], EPS),                 # not a mapping
    ({"a": [(.25, .25, .25, .25)]}, [0.1]),         # one budget
    ({"a": [(.25, .25, .25, .25)]}, [0.2, 0.1]),    # decreasing
    ({"a": [(.25, .25, .25, .25)]}, [0.1, 1j]),
])
def test_bad_input_is_rejected(panels, eps):
    with pytest.raises((TypeError, ValueError)):
        plotting.figure6_panels(panels, eps)
