"""Tests of the drawings of notebook 00 (mi_lib.plotting.framework)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mi_lib.plotting import figure1_block_diagram, figure2_binary_channel, informed_versus_blind_gaussian  # noqa: E402


def test_figure1_block_diagram_has_five_blocks_and_the_adder():
    fig = figure1_block_diagram()
    (ax,) = fig.axes
    assert not ax.axison and tuple(fig.get_size_inches()) == (9.0, 4.2)
    assert len(ax.patches) == 6  # five boxes and the adder circle
    texts = [t.get_text() for t in ax.texts]
    assert "+" in texts and any("attacker" in t for t in texts) and any("informed attacker" in t for t in texts)
    plt.close(fig)


def test_figure2_binary_channel_labels_every_edge():
    fig = figure2_binary_channel()
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    # four pairs, two edges each: the edge into Y != X carries p_i, the other 1 - p_i
    for i in range(1, 5):
        assert texts.count(f"$p_{i}$") == 1 and texts.count(f"$1 - p_{i}$") == 1
    assert sum(t.startswith("$(") and t.endswith(")$") and len(t) == 7 for t in texts) == 4
    plt.close(fig)


def test_informed_versus_blind_gaussian_draws_the_closed_forms():
    D = np.linspace(0.05, 1.5, 30)
    fig = informed_versus_blind_gaussian(2.0, D)
    informed, blind = fig.axes[0].get_lines()
    np.testing.assert_allclose(informed.get_xdata(), D / 2.0)
    np.testing.assert_allclose(informed.get_ydata(), 0.5 * np.log(np.maximum(2.0 / D, 1.0)), atol=1e-14)
    np.testing.assert_allclose(blind.get_ydata(), 0.5 * np.log1p(2.0 / D), atol=1e-14)
    assert np.all(blind.get_ydata() >= informed.get_ydata())  # the blind attacker never does better
    plt.close(fig)


@pytest.mark.parametrize("a2, budgets", [(0.0, [0.1, 0.2]), (np.nan, [0.1, 0.2]), (1.0, [0.1, np.inf]),
                                         (1.0, [0.1]), (1.0, [[0.1, 0.2]]), (1.0, [0.0, 0.5]), ("1", [0.1, 0.2])])
def test_informed_versus_blind_gaussian_rejects_bad_input(a2, budgets):
    with pytest.raises((ValueError, TypeError)):
        informed_versus_blind_gaussian(a2, budgets)
