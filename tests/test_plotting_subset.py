"""Tests of the drawings of notebook 06 (mi_lib.plotting.subset)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mi_lib.plotting import subset_budget_curves, subset_which_coordinate  # noqa: E402

D = np.linspace(0.0, 1.1, 12)
CURVES = np.vstack([2.0 - D, 1.8 - 0.5 * D])


def test_subset_which_coordinate():
    fig = subset_which_coordinate([1.0, 0.2], [0.1, 0.05], D, CURVES, 0.4)
    ax = fig.axes[0]
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[2].get_ydata(), CURVES.min(axis=0))  # best of the two
    assert lines[0].get_label() == "attack coordinate 0 ($s=1$, $n=0.1$)"
    assert ax.get_xlim() == (0.0, 1.1)
    assert ax.texts[0].get_text() == "$D^* = 0.400$"
    plt.close(fig)


@pytest.mark.parametrize("args", [
    ([1.0, 0.2, 0.3], [0.1, 0.05, 0.1], D, CURVES, 0.4),
    ([1.0, 0.2], [0.1, 0.05], D, CURVES[:, :-1], 0.4),
    ([1.0, 0.2], [0.1, 0.05], D, CURVES, 2.0),
    ([1.0, 0.2], [0.1, 0.05], D, CURVES, np.nan),
    ([1.0, np.nan], [0.1, 0.05], D, CURVES, 0.4),
    ([1.0, 0.2], [0.1, 0.05], D, np.where(CURVES > 1.9, np.inf, CURVES), 0.4),
])
def test_subset_which_coordinate_rejects_bad_input(args):
    with pytest.raises((ValueError, TypeError)):
        subset_which_coordinate(*args)


def test_subset_budget_curves():
    opt = {k: np.full(D.size, 3.0 - k) for k in range(1, 4)}
    loss = {k: np.full(D.size, 0.1 * k) for k in range(1, 3)}
    fig = subset_budget_curves(D, opt, loss)
    left, right = fig.axes
    assert len(left.get_lines()) == 3 and len(right.get_lines()) == 2
    assert "m = 3" in left.get_title()
    plt.close(fig)


@pytest.mark.parametrize("opt, loss", [
    ({1: np.zeros(12), 2: np.zeros(12)}, {1: np.zeros(12), 2: np.zeros(12)}),
    ({1: np.zeros(12), 3: np.zeros(12)}, {1: np.zeros(12)}),
    ({1: np.zeros(12), 2: np.zeros(11)}, {1: np.zeros(12)}),
    ({1: np.zeros(12), 2: np.full(12, np.nan)}, {1: np.zeros(12)}),
    ([np.zeros(12), np.zeros(12)], {1: np.zeros(12)}),
])
def test_subset_budget_curves_rejects_bad_input(opt, loss):
    with pytest.raises((ValueError, TypeError)):
        subset_budget_curves(D, opt, loss)
