"""Figures of the lecture on discrete signals (mi_lib.plotting.discrete)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mi_lib import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_informed_binary_law_draws_three_panels():
    y = np.linspace(-1, 1, 5)
    W = np.array([[0.1, 0.0, 0.0, 0.0, 0.9], [0.9, 0.0, 0.0, 0.0, 0.1]])[::-1]
    D = np.linspace(0.1, 0.9, 5)
    fig = plotting.informed_binary_law(y, W, 0.25, D, np.sqrt(1 - D), (1 - np.sqrt(1 - D)) / 2)
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 3
    x, pts = fig.axes[2].lines[2].get_data()
    assert np.allclose(x, D) and np.allclose(pts, np.sqrt(1 - D))
    with pytest.raises(ValueError):
        plotting.informed_binary_law(y, W[:, :3], 0.25, D, D, D)
    with pytest.raises(ValueError):
        plotting.informed_binary_law(y, W, 1.5, D, D, D)
    with pytest.raises(ValueError):
        plotting.informed_binary_law(y, W, 0.25, D, D[:3], D)


def test_blind_noise_laws_spacing_two_in_every_panel():
    fig = plotting.blind_noise_laws((0.25, 2.0))
    assert len(fig.axes) == 2
    for ax in fig.axes:
        support = np.sort(np.asarray(ax.containers[0].markerline.get_xdata()))
        assert np.allclose(np.diff(support), 2.0, atol=1e-9)
    with pytest.raises(ValueError):
        plotting.blind_noise_laws((0.25, -1.0))
    with pytest.raises(TypeError):
        plotting.blind_noise_laws((0.25 + 1j,))


def test_curve_figures_plot_their_data_and_check_lengths():
    D = np.linspace(0.1, 1.0, 10)
    f = np.exp(-D)
    fig = plotting.binary_mi_curves(D, f, f + 0.1, f + 0.2, D[::2], f[::2])
    assert np.allclose(fig.axes[0].lines[2].get_ydata(), f + 0.1)
    with pytest.raises(ValueError):
        plotting.binary_mi_curves(D, f, f[:5], f, D, f)
    fig = plotting.binary_bayes_errors(D, f / 4, f / 4, f / 5, D, f / 3, f / 6, f / 7)
    assert len(fig.axes[0].lines) == 6
    with pytest.raises(ValueError):
        plotting.binary_bayes_errors(D, f, f, f, D, f, f, [np.nan] * 10)
    pts = np.column_stack([D[:3], f[:3], f[:3], f[:3]])
    fig = plotting.pam_curves(D, {"a": f, "b": f + 0.1}, f + 0.2, pts, pts[:, :2])
    assert np.allclose(fig.axes[0].lines[1].get_ydata(), f + 0.1)
    with pytest.raises(ValueError):
        plotting.pam_curves(D, {}, f, pts, pts)
    with pytest.raises(ValueError):
        plotting.pam_curves(D, {"a": f}, f, pts[:, :2], pts)
