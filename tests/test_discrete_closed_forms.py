"""Closed forms of notebook 09 (and the noiseless limit of notebook 07) against the certified solvers.

* informed attack on equiprobable +-1 under a power budget: log 2 - h_b((1 - sqrt(1 - D))/2);
* the same with an amplitude limit |E| <= 1: (1 - D) log 2 (Y != 0 reveals X, and P(Y = 0) <= D);
* equiprobable 4-PAM under |E| <= d/2 (half the spacing): max(2 - 5D, 1) log 2;
* the noiseless limit t_inf of notebook 07: the root of log 2 - h_b((1 - sqrt(1 - t))/2) = 0.05;
* Blahut-Arimoto, written here, brackets the informed 4-PAM optimum (an algorithm that shares no code with mi_lib).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import xlogy

from mi_lib import discrete_attack

LOG2 = math.log(2.0)
GAP = 1e-9


def _hb(p: float) -> float:
    return float(-xlogy(p, p) - xlogy(1 - p, 1 - p))


def _pm1(h: float = 0.025):
    y = np.arange(-round(3 / h), round(3 / h) + 1) * h
    x = np.array([-1.0, 1.0])
    return np.diag([0.5, 0.5]), x, y, (y[None, :] - x[:, None]) ** 2


def _pam():
    hp = 1 / (10 * math.sqrt(5))
    x = np.array([-30, -10, 10, 30]) * hp
    y = np.arange(-90, 91) * hp
    return np.diag(np.full(4, 0.25)), x, y, (y[None, :] - x[:, None]) ** 2, hp


@pytest.mark.parametrize("a", [0.9, 0.75, 0.5])
def test_pm1_power_budget_closed_form_at_lattice_aligned_budgets(a):
    p, _, _, cost = _pm1()
    D = 1 - a * a
    res = discrete_attack(p, cost, D)
    assert res.gap < GAP
    assert abs(res.mi - (LOG2 - _hb((1 - a) / 2))) < GAP


@pytest.mark.parametrize("D", [0.1, 0.25, 0.6, 1.0])
def test_pm1_amplitude_one_is_erasure(D):
    p, x, y, cost = _pm1()
    cost_amp = np.where(np.abs(y[None, :] - x[:, None]) <= 1 + 1e-12, cost, np.inf)
    res = discrete_attack(p, cost_amp, D)
    assert res.gap < GAP
    assert abs(res.mi - (1 - D) * LOG2) < 1e-8
    w = res.channel[[0, 1], [0, 1]]
    assert abs(0.5 * w[:, np.isclose(y, 0.0)].sum() - D) < 1e-6  # the converse's P(Y = 0) <= D is tight


@pytest.mark.parametrize("D", [0.04, 0.12, 0.2, 0.5])
def test_pam_half_spacing_amplitude_closed_form(D):
    p, x, y, cost, hp = _pam()
    cost_amp = np.where(np.abs(y[None, :] - x[:, None]) <= 10 * hp + 1e-12, cost, np.inf)
    res = discrete_attack(p, cost_amp, D)
    assert res.gap < GAP
    assert abs(res.mi - max(2 - 5 * D, 1) * LOG2) < 1e-8


def test_noiseless_limit_of_notebook_06():
    target = 0.05
    t_closed = brentq(lambda t: LOG2 - _hb((1 - math.sqrt(1 - t)) / 2) - target, 1e-9, 1 - 1e-12, xtol=1e-15)
    y = np.linspace(-1.0, 1.0, 801)
    cost = (y[None, :] - np.array([-1.0, 1.0])[:, None]) ** 2
    res = discrete_attack(np.diag([0.5, 0.5]), cost, t_closed)
    # the lattice can only help the attacker less: at the closed-form budget it sits just above the target
    assert target - GAP <= res.mi < target + 1e-6
    assert abs(t_closed - 0.9016781) < 1e-7


@pytest.mark.parametrize("s", [1.0, 2.0, 4.0])
def test_blahut_arimoto_brackets_the_informed_pam_optimum(s):
    p, _, _, cost, _ = _pam()
    px, K = np.full(4, 0.25), np.exp(-s * cost)
    q = np.full(cost.shape[1], 1 / cost.shape[1])
    for _ in range(20000):
        q = px @ (q * K / (K @ q)[:, None])
    c = K @ q
    W = q * K / c[:, None]
    D = px @ np.sum(W * cost, axis=1)
    upper = px @ np.sum(xlogy(W, W) - xlogy(W, q[None, :]), axis=1)
    lower = -s * D - px @ np.log(c) - np.log(np.max((px / c) @ K))
    res = discrete_attack(p, cost, D)
    assert lower - GAP <= res.mi <= upper + GAP
    assert upper - lower < 1e-4
