"""Figures of the lecture on real data (mi_lib.plotting.realdata)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mi_lib import plotting  # noqa: E402
from mi_lib import realdata as rd  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sandwich():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    cov = A @ A.T + np.eye(4)
    mu = np.array([1.0, 0.5, 0.0, 0.2])
    return rd.mi_sandwich(mu, cov, [0.05, 0.2], ridge=(0.0, np.inf), hx=0.5, hy=0.25, tail=3.0)


def test_sandwich_figure_draws_bounds(sandwich):
    fig = plotting.sandwich_figure({"task": sandwich}, {"task": 0.5})
    up = fig.axes[0].lines[0].get_ydata()
    assert np.allclose(up, [s.upper_mi for s in sandwich])
    with pytest.raises(ValueError):
        plotting.sandwich_figure({"task": sandwich}, {})
    with pytest.raises(ValueError):
        plotting.sandwich_figure({"task": [1, 2]}, {"task": 0.5})


def test_attacked_digits_panels():
    rng = np.random.default_rng(1)
    X = rng.random((4, 64))
    Xa = X + 0.1
    fig = plotting.attacked_digits(X, Xa, np.arange(4.0), list("abcd"), "title")
    assert len(fig.axes) == 12
    with pytest.raises(ValueError):
        plotting.attacked_digits(X, Xa[:3], np.arange(4.0), list("abcd"), "t")
    with pytest.raises(ValueError):
        plotting.attacked_digits(X[:, :10], Xa[:, :10], np.arange(4.0), list("abcd"), "t")


def test_accuracy_curves_start_at_clean_accuracy(sandwich):
    correct = np.array([True, True, False, True])
    radius = np.array([0.3, 1.0, 0.0, 0.5])
    results = {"task": {"l2 logistic": {"correct": correct, "radius": radius}}}
    fig = plotting.accuracy_curves(results, {"task": sandwich}, {"task": 0.1}, np.linspace(0, 2, 11),
                                   np.geomspace(1e-3, 2, 20))
    assert len(fig.axes) == 2
    assert np.isclose(fig.axes[0].lines[0].get_ydata()[0], 0.75)
    with pytest.raises(ValueError):
        plotting.accuracy_curves(results, {"task": sandwich}, {}, [0.0], [0.1])


def test_sparsity_figure_relative_to_nearest_mean():
    rows = [{"nearest mean": 2.0, "l2 logistic": 1.6, "MLP (32 ReLU)": 1.5, ("l1", 0.1): (3, 1.0, 0.9)},
            {"nearest mean": 1.8, "l2 logistic": 1.5, "MLP (32 ReLU)": 1.4, ("l1", 0.1): (4, 0.8, 0.9)}]
    fig = plotting.sparsity_figure({"a": rows}, (0.1,), d=64)
    offsets = fig.axes[0].collections[0].get_offsets()
    assert np.allclose(offsets[:, 0], [3, 4]) and np.allclose(offsets[:, 1], [0.5, 0.8 / 1.8])
    with pytest.raises(ValueError):
        plotting.sparsity_figure({"a": [{"nearest mean": 1.0}]}, (0.1,))
    with pytest.raises(ValueError):
        plotting.sparsity_figure({"a": rows}, (0.1,), d=0)
