"""Tests of the drawings of notebooks 07 and 08 (mi_lib.plotting.redundancy and .compression)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mi_lib.plotting import binary_label_budgets, compression_accuracy_curves, redundancy_budget_curves  # noqa: E402
from mi_lib.redundancy import binary_copies_problem  # noqa: E402


def test_redundancy_budget_curves_draws_two_panels():
    fig = redundancy_budget_curves(1.0, 1.0, 0.2, 0.25, 0.5, n_max=100, points=10)
    left, right = fig.axes
    assert len(left.get_lines()) == 6 and len(right.get_lines()) == 6
    assert left.get_xscale() == "log" and right.get_yscale() == "log"
    plt.close(fig)


@pytest.mark.parametrize("kwargs", [dict(fraction=1.0), dict(level=-0.1), dict(n_max=1), dict(a2="1")])
def test_redundancy_budget_curves_rejects_bad_input(kwargs):
    args = dict(a2=1.0, sigma2=1.0, level=0.2, amount=0.25, fraction=0.5) | kwargs
    n_max = args.pop("n_max", 100)
    with pytest.raises((ValueError, TypeError)):
        redundancy_budget_curves(**args, n_max=n_max)


def _binary_inputs():
    x, y, p = binary_copies_problem(1.0, hx=0.5, hy=0.25)
    channel = np.zeros((2, x.size, y.size))
    channel[:, np.arange(x.size), np.searchsorted(y, x)] = 1.0  # the identity channel
    return x, y, p, channel


def test_binary_label_budgets():
    x, y, p, channel = _binary_inputs()
    fig = binary_label_budgets([1, 2, 4], [0.1, 0.2, 0.3], 0.9, sigma2=4.0, level=0.05, x=x, y=y, p=p,
                               channel=channel, n_ref=4, t_ref=0.3)
    assert len(fig.axes) == 2 and len(fig.axes[1].get_lines()) == 4
    plt.close(fig)
    with pytest.raises(ValueError):
        binary_label_budgets([1, 2], [0.1], 0.9, sigma2=4.0, level=0.05, x=x, y=y, p=p, channel=channel, n_ref=4,
                             t_ref=0.3)
    with pytest.raises(ValueError):
        binary_label_budgets([1], [0.1], 0.9, sigma2=4.0, level=0.05, x=x, y=y, p=p[:, :-1], channel=channel,
                             n_ref=4, t_ref=0.3)


def _curve(k, ne, nd):
    return dict(k=k, acc_eps=np.linspace(1, 0, ne), acc_eps_theory=np.linspace(1, 0, ne),
                acc_D=np.linspace(1, 0.5, nd), acc_D_theory=np.linspace(1, 0.5, nd), fano_acc=np.full(nd, 0.9))


def test_compression_accuracy_curves():
    eps, D = np.linspace(0, 5, 11), np.geomspace(0.1, 10, 7)
    fig = compression_accuracy_curves({"a": _curve(3, 11, 7), "b": _curve(9, 11, 7)}, eps=eps, budgets=D, n=9,
                                      sigma=1.0)
    assert len(fig.axes) == 2 and fig.axes[1].get_xscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError):
        compression_accuracy_curves({}, eps=eps, budgets=D, n=9, sigma=1.0)
    bad = _curve(3, 10, 7)
    with pytest.raises(ValueError):
        compression_accuracy_curves({"a": bad}, eps=eps, budgets=D, n=9, sigma=1.0)
    with pytest.raises(ValueError):
        compression_accuracy_curves({"a": {"k": 3}}, eps=eps, budgets=D, n=9, sigma=1.0)
