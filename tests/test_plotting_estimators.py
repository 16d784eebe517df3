"""Tests of the drawings of notebook 01 (mi_lib.plotting.estimators)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mi_lib.plotting import estimator_bias_spread, estimator_redundancy_failure  # noqa: E402


def _errors(n_sizes=3, reps=5, kinds=("a", "b")):
    rng = np.random.default_rng(0)
    return {k: rng.normal(size=(n_sizes, reps)) for k in kinds}


def test_estimator_bias_spread_draws_mean_and_sd():
    sizes = np.array([100, 1000, 10000])
    errors = _errors()
    fig = estimator_bias_spread(sizes, errors)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "5 repetitions" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    # the first estimator's points: the mean error, offset by -2% in N
    first = ax.containers[0].lines[0]
    np.testing.assert_allclose(first.get_xdata(), sizes * 0.98)
    np.testing.assert_allclose(first.get_ydata(), errors["a"].mean(axis=1))
    plt.close(fig)


@pytest.mark.parametrize("sizes, errors", [
    ([100, 1000, 10000], {}),
    ([100, 1000, 10000], [np.zeros((3, 5))]),
    ([100, 1000], _errors()),
    ([100, -1, 10000], _errors()),
    ([100, 1000, 10000], {"a": np.full((3, 5), np.nan)}),
    ([100, 1000, 10000], {"a": np.zeros((3, 1))}),
    ([100, 1000, 10000], {"a": np.zeros((3, 5)), "b": np.zeros((3, 4))}),
])
def test_estimator_bias_spread_rejects_bad_input(sizes, errors):
    with pytest.raises((ValueError, TypeError)):
        estimator_bias_spread(sizes, errors)


def test_estimator_redundancy_failure():
    copies = np.array([1, 2, 4, 8])
    exact = 0.5 * np.log1p(copies)
    fig = estimator_redundancy_failure(copies, exact, exact * 0.5, exact * 0.99, 2000)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3 and ax.get_xscale() == "log"
    np.testing.assert_allclose(lines[0].get_ydata(), exact)
    assert "N = 2000" in lines[2].get_label()
    plt.close(fig)


@pytest.mark.parametrize("args", [
    ([1, 2], [0.1, 0.2], [0.1], [0.1, 0.2], 10),
    ([1, 2], [0.1, np.inf], [0.1, 0.2], [0.1, 0.2], 10),
    ([0, 2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], 10),
    ([1, 2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], 0),
    ([1, 2], [0.1, 0.2], [0.1, 0.2], [0.1, 0.2], 10.0),
])
def test_estimator_redundancy_failure_rejects_bad_input(args):
    with pytest.raises((ValueError, TypeError)):
        estimator_redundancy_failure(*args)
