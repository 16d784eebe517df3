"""The lecture diagrams and their slider versions (no browser, no notebook needed)."""

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
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("a2, s2, D", [(1.0, 0.35, 0.3), (1.0, 0.1, 0.0), (0.5, 2.0, 0.6), (1.0, 0.1, 5.0)])
def test_gaussian_geometry_marks_the_library_optimum(a2, s2, D):
    fig = plotting.gaussian_geometry(a2, s2, D)
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 2
    att = mi_lib.gaussian_attack(a2, s2, D)
    x, y = fig.axes[1].lines[-1].get_data()
    assert np.allclose([x[0], y[0]], [att.x, att.y])


@pytest.mark.parametrize("D", [0.0, 1.5, 5.2, 6.0])
def test_falling_bar_diagram_spends_the_budget(D):
    spectrum = [3.0, 1.5, 1.0, 0.5, 0.0]
    fig = plotting.falling_bar_diagram(spectrum, D)
    heights = [p.get_height() for p in fig.axes[0].patches[len(spectrum):]]
    assert np.isclose(sum(heights), D)


def test_binary_flip_curves_and_bad_pmf():
    fig = plotting.binary_flip_curves(0.45, 0.05, 0.05)
    mi = fig.axes[0].lines[0].get_ydata()
    assert np.all(np.diff(mi) <= 1e-12) and mi[0] > 0
    with pytest.raises(ValueError):
        plotting.binary_flip_curves(0.6, 0.3, 0.3)
    with pytest.raises(TypeError):
        plotting.binary_flip_curves(0.4 + 0j, 0.1, 0.1)


def test_blind_noise_law_on_spacing_two():
    fig = plotting.blind_noise_law(0.25)
    stem = fig.axes[0].containers[0]
    support = np.asarray(stem.markerline.get_xdata())
    assert np.allclose(np.diff(np.sort(support)) % 2.0, 0.0, atol=1e-9)


def test_interactive_slider_redraws():
    widget = plotting.interactive(plotting.gaussian_geometry, a2=(0.2, 2.0, 0.05, 1.0),
                                  s2=(0.05, 2.0, 0.05, 0.35), D=(0.0, 2.0, 0.05, 0.3))
    first = widget.result
    slider = {w.description: w for w in widget.kwargs_widgets}["D"]
    slider.value = 0.9
    assert widget.result is not first and isinstance(widget.result, matplotlib.figure.Figure)
    x, _ = widget.result.axes[1].lines[-1].get_data()
    assert np.isclose(x[0], mi_lib.gaussian_attack(1.0, 0.35, 0.9).x)
    with pytest.raises(ValueError):
        plotting.interactive(plotting.gaussian_geometry, D=(0.0, 1.0, 0.1))


def test_every_notebook_slider_redraws_at_its_extremes():
    """The slider specs of notebooks 03, 05 and 09, moved to both ends of every range."""
    specs = [
        (lambda D: plotting.falling_bar_diagram([3.0, 1.5, 1.0, 0.5, 0.0], D), {"D": (0.0, 6.0, 0.1, 2.0)}),
        (plotting.binary_flip_curves, {"a": (0.0, 0.7, 0.01, 0.45), "b": (0.0, 0.15, 0.01, 0.05),
                                       "c": (0.0, 0.15, 0.01, 0.05)}),
        (plotting.blind_noise_law, {"D": (0.05, 4.0, 0.05, 0.25)}),
    ]
    for draw, sliders in specs:
        widget = plotting.interactive(draw, **sliders)
        for slider in widget.kwargs_widgets:
            for value in (slider.min, slider.max):
                slider.value = value
                assert isinstance(widget.result, matplotlib.figure.Figure), (sliders, slider.description, value)
                plt.close("all")
