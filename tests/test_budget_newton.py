"""The budget's slope inside the Newton system (``mi_lib._budget_newton``).

Closed form: U = X uniform on q letters, Hamming cost, Y = X's alphabet:
I*(D) = log q - h(D) - D log(q - 1) for D <= (q - 1) / q, with the optimal
channel W(y | x) = 1 - D on the diagonal and D / (q - 1) elsewhere, and the
budget's multiplier s* = log((1 - D)(q - 1) / D) (the slope of -I*).
Stored independent optimum: the +-1 lattice problem (a tie of two supports at
the optimal slope) against cvxpy + Clarabel ('optimal', 1e-8 accuracy).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import mi_lib._informed as inf
from mi_lib import discrete_attack
from mi_lib._budget_newton import _budget_newton, _Fixed, _slope_root
from mi_lib._mixing import _informed_channel, _initial_mix, _rows_cost, _rows_mi


def _qary(q: int):
    return np.eye(q) / q, 1.0 - np.eye(q)


def _closed_form(q: int, D: float) -> tuple[float, float]:
    h = -D * math.log(D) - (1.0 - D) * math.log1p(-D)
    return math.log(q) - h - D * math.log(q - 1), math.log((1.0 - D) * (q - 1) / D)


def _run(p, c, B, s_start, maxiter=40):
    pr = inf._reduce(p, c, B)
    mix = _initial_mix(-s_start * pr.ctil, pr.rows)
    width = 1e-12 * pr.Bt  # the certificate loses s * width / 2
    out = _budget_newton(pr.rows, pr.ctil, pr.cfin, mix, s_start, pr.Bt - 0.5 * width, 1e-13, 0.25 * width,
                         maxiter=maxiter)
    return pr, out


@pytest.mark.parametrize("q, D", [(2, 0.1), (2, 0.3), (3, 0.05), (3, 0.4), (5, 0.2)])
@pytest.mark.parametrize("s_start", [0.3, 1.0, 8.0])
def test_qary_closed_form_slope_value_and_channel(q, D, s_start):
    p, c = _qary(q)
    pr, out = _run(p, c, D, s_start)
    assert out is not None
    mix, logf, lm, s, it, done = out
    assert done and it <= 12
    value, s_star = _closed_form(q, D)
    assert s == pytest.approx(s_star, rel=1e-9)  # unit exponent 0 here: the slope is in the data's units
    logK = -s * pr.ctil
    W = _informed_channel(logK, pr.rows, mix, logf)
    expect = np.where(np.eye(q, dtype=bool), 1.0 - D, D / (q - 1))
    assert np.max(np.abs(W - expect)) <= 1e-8
    cost = _rows_cost(pr.rows, W, pr.cfin)
    assert D - 1e-12 * D <= cost <= D
    mi = _rows_mi(pr.rows, W)
    H = float(pr.rows.p @ (pr.rows.logpxu - logf))
    lb = H - lm - s * D
    assert lb <= value + 1e-12 <= mi + 2e-12
    assert mi - lb <= 1e-11


@pytest.mark.parametrize("q, D", [(2, 0.1), (3, 0.25), (4, 0.5)])
def test_discrete_attack_certifies_in_one_bordered_run(q, D):
    p, c = _qary(q)
    res = discrete_attack(p, c, D, tol=1e-10)
    value, s_star = _closed_form(q, D)
    assert res.converged and res.gap <= 1e-10
    assert res.evaluations <= 3  # the first fixed-slope solve, then one bordered run (2 here; room for other CPUs)
    assert abs(res.mi - value) <= 1e-10
    assert res.multiplier == pytest.approx(s_star, rel=1e-8)
    assert res.cost <= D


def test_lattice_tie_against_stored_clarabel_optimum():
    """+-1 with 201 perturbations on [-2, 2], B = 0.9: the optimum mixes two supports at one slope."""
    e = np.linspace(-2.0, 2.0, 201)
    h = e[1] - e[0]
    y = -3.0 + h * np.arange(201 + 2 * round(1.0 / h))
    x = np.array([-1.0, 1.0])
    c = (y[None, :] - x[:, None]) ** 2
    c[np.abs(y[None, :] - x[:, None]) > 2.0 + 1e-9] = np.inf
    pr, out = _run(np.diag([0.5, 0.5]), c, 0.9, 1.0)
    mix, logf, lm, s, it, done = out
    assert done
    assert mix.y.size >= 3  # more atoms than one support has: a mixture at the tie
    W = _informed_channel(-s * pr.ctil, pr.rows, mix, logf)
    mi = _rows_mi(pr.rows, W)
    lb = float(pr.rows.p @ (pr.rows.logpxu - logf)) - lm - s * pr.Bt
    assert _rows_cost(pr.rows, W, pr.cfin) <= pr.Bt
    assert mi - lb <= 1e-11
    assert abs(mi - 0.050870588597776045) <= 1e-8  # cvxpy + Clarabel, status 'optimal'


def test_slope_root_exists_exactly_inside_the_cost_range():
    p, c = _qary(3)
    pr = inf._reduce(p, c, 0.3)
    mix = _initial_mix(-1.0 * pr.ctil, pr.rows)
    fx = _Fixed(pr.rows, pr.ctil, mix)
    c_inf, c_zero = fx.limits()
    assert c_inf == 0.0 and c_zero == pytest.approx(2.0 / 3.0)
    costs = [fx.at(s)[2] for s in (0.1, 1.0, 3.0, 10.0)]
    assert all(a > b for a, b in zip(costs, costs[1:]))  # dC/ds = -V < 0
    for target in (0.01, 0.3, 0.6):
        got = _slope_root(pr.rows, pr.ctil, pr.cfin, mix, 1.0, target, 1e-14)
        assert got is not None and abs(got[3] - target) <= 1e-14
    for target in (0.7, 2.0 / 3.0 + 1e-9):
        assert _slope_root(pr.rows, pr.ctil, pr.cfin, mix, 1.0, target, 1e-14) is None
