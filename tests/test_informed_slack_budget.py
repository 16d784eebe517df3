"""Informed attacker when the budget does not bind but the minimum is above 0 (amplitude limits, pathology S1).

The slope search must then stop at a tiny slope (a solution within budget is
certified by the dual at that slope) instead of dividing the slope over and
over. Values are closed forms; the number of slope solves reported in the
result (``evaluations``) must stay small.

* U = X uniform on {-1, +1}, |E| <= A < 1: the reachable outputs of the two
  letters are disjoint, so every channel gives I = log 2.
* U = X uniform on {-1, 0, 1}, |E| <= 0.6: only {-1, 0} or {0, 1} can share an
  output; merging those and sending 0 to each side with probability a gives
  I(a) = h((1 + a) / 3) - h(a) / 3, minimal at a = 1/2: (2/3) log 2, within
  budget from B = (0.36 + 0.16 + 0.16) / 3 on.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mi_lib import discrete_attack

LOG2 = math.log(2.0)


def _lattice(x, amp: float, h: float, reach: float):
    y = np.arange(-round(reach / h), round(reach / h) + 1) * h
    d = y[None, :] - np.asarray(x, dtype=float)[:, None]
    c = d**2
    c[np.abs(d) > amp + 1e-9] = np.inf
    return c


@pytest.mark.parametrize("amp, budget", [(0.5, 1.0), (0.5, 0.2), (0.8, 2.0), (0.8, 0.7)])
def test_disjoint_reach_is_log2_in_few_solves(amp, budget):
    c = _lattice([-1.0, 1.0], amp, 0.01, 1.0 + amp)
    res = discrete_attack(np.diag([0.5, 0.5]), c, budget)
    assert abs(res.mi - LOG2) <= 1e-12
    assert res.lower_bound <= LOG2 + 1e-12
    assert 0.0 <= res.gap <= 1e-10
    assert res.cost <= budget
    assert res.evaluations <= 4


@pytest.mark.parametrize("budget", [0.23, 0.3, 1.0, 10.0])
@pytest.mark.parametrize("unit", [1.0, 2.0**-30, 1e12])
def test_three_letters_amplitude_limited(budget, unit):
    c = _lattice([-1.0, 0.0, 1.0], 0.6, 0.1, 1.6) * unit
    res = discrete_attack(np.eye(3) / 3, c, budget * unit)
    exact = 2.0 / 3.0 * LOG2
    assert abs(res.mi - exact) <= 1e-9
    assert res.lower_bound <= exact + 1e-12
    assert 0.0 <= res.gap <= 1e-10
    assert res.cost <= budget * unit * (1 + 1e-12)
    assert res.evaluations <= 4
