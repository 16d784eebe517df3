"""The interior-point method on the channel for small informed problems (``mi_lib._informed_ipm``).

Closed form: U = X uniform on q letters, Hamming cost: I*(D) = log q - h(D)
- D log(q - 1), multiplier log((1 - D)(q - 1) / D). Random small problems
(U != X, forbidden pairs, budgets near the minimum): the bound must hold
against the optimum found by the slope search (the interior-point method
switched off), and the channel must be feasible.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import mi_lib._informed as inf
from mi_lib import _scaling as sc
from mi_lib import discrete_attack
from mi_lib._informed_ipm import _informed_ipm, _mix_from_channel
from mi_lib._mixing import _rows_cost, _rows_mi


def _closed_form(q: int, D: float) -> tuple[float, float]:
    h = -D * math.log(D) - (1.0 - D) * math.log1p(-D)
    return math.log(q) - h - D * math.log(q - 1), math.log((1.0 - D) * (q - 1) / D)


def _ipm(p, c, B, tol=1e-10):
    pr = inf._reduce(np.asarray(p, float), np.asarray(c, float), B)
    slack = 4.0 * (pr.rows.p.size + 2) * sc.EPS * pr.Bt
    return pr, slack, _informed_ipm(pr.rows, pr.ctil, pr.cfin, pr.Bt, tol, slack)


@pytest.mark.parametrize("q, D", [(2, 0.1), (2, 0.3), (3, 0.05), (4, 0.5), (5, 0.2)])
def test_qary_closed_form(q, D):
    p, c = np.eye(q) / q, 1.0 - np.eye(q)
    pr, slack, out = _ipm(p, c, D)
    W, mi, lb, lam, it, ok = out
    value, s_star = _closed_form(q, D)
    assert ok and mi - lb <= 1e-10
    assert lb <= value + 1e-12 and abs(mi - value) <= 1e-10
    assert it <= 25  # 8-13 here; room for other BLAS
    assert np.allclose(W.sum(axis=1), 1.0, rtol=0, atol=1e-14) and np.all(W >= 0)
    assert _rows_cost(pr.rows, W, pr.cfin) <= pr.Bt + slack
    assert lam == pytest.approx(s_star, rel=1e-3)  # the iterates' slope (the caller polishes it)


def _random_problem(rng, near_min: bool):
    nU, nX, ny = int(rng.integers(2, 5)), int(rng.integers(2, 7)), int(rng.integers(2, 7))
    p = rng.dirichlet(np.full(nU * nX, 0.7)).reshape(nU, nX)
    c = rng.uniform(0.0, 2.0, (nX, ny)) * 10.0 ** rng.uniform(-3, 3)
    c[rng.random(c.shape) < 0.3] = np.inf
    for x in range(nX):
        if not np.isfinite(c[x]).any():
            c[x, rng.integers(ny)] = 1.0
    px = p.sum(axis=0)
    lo = float(px @ np.min(c, axis=1))
    hi = float(px @ np.max(np.where(np.isfinite(c), c, -np.inf), axis=1))
    t = 1e-6 if near_min else rng.uniform(0.05, 0.9)
    return p, c, lo + t * (hi - lo)


@pytest.mark.parametrize("seed", range(12))
def test_random_bound_valid_and_channel_feasible(seed, monkeypatch):
    rng = np.random.default_rng(1000 + seed)
    p, c, B = _random_problem(rng, near_min=seed % 3 == 0)
    pr, slack, out = _ipm(p, c, B)
    if pr.Bt <= 0.0 or out is None:
        pytest.fail("the draw has no interior budget")  # the generator always leaves room above the minimum
    W, mi, lb, lam, it, ok = out
    monkeypatch.setattr(inf, "_IPM_MAX_PAIRS", -1)  # the slope search alone
    ref = discrete_attack(p, c, B, tol=1e-11)
    assert ref.converged
    assert lb <= ref.mi + 1e-11  # weak duality against an independent optimum
    assert np.all(W >= 0) and np.allclose(W.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    assert _rows_cost(pr.rows, W, pr.cfin) <= pr.Bt + slack
    assert abs(_rows_mi(pr.rows, W) - mi) <= 1e-13
    if ok:
        assert mi - lb <= 1e-10 and abs(mi - ref.mi) <= 1e-10


def test_discrete_attack_small_problems_use_few_iterations():
    """Near-minimum budgets of the random suite took 26-78 steps in the slope search; the interior-point method ~10."""
    rng = np.random.default_rng(7)
    for _ in range(6):
        p, c, B = _random_problem(rng, near_min=True)
        res = discrete_attack(p, c, B)
        assert res.converged and res.gap <= 1e-10
        assert res.iterations <= 30  # room for other CPUs / BLAS


def test_mixture_of_channel_reproduces_it():
    """The atoms' mixing variable is m_u(x, y) = q(y) P(x | u, y) for every group."""
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(12)).reshape(3, 4)
    pr = inf._reduce(p, rng.uniform(0, 1, (4, 5)), 10.0)
    rows = pr.rows
    W = rng.dirichlet(np.ones(5), size=rows.p.size)
    y, sel, lw = _mix_from_channel(rows, W)
    joint = rows.p[:, None] * W
    q = joint.sum(axis=0)
    for g, idx in enumerate(rows.groups):
        m = np.zeros((rows.p.size, 5))
        np.add.at(m, (sel[:, g], y), np.exp(lw))
        Pg = joint[idx].sum(axis=0)
        expect = q[None, :] * joint[idx] / Pg[None, :]
        assert np.allclose(m[idx], expect, rtol=1e-12, atol=1e-15)
    assert math.isclose(float(np.exp(lw).sum()), 1.0, rel_tol=1e-12)


def test_zero_information_necessary_test():
    """Hall's condition on the letters' output sets: rejects the amplitude-limited 3-letter problem, never a feasible LP."""
    y = np.round(np.arange(-1.6, 1.6 + 1e-9, 0.05), 12)
    x = np.array([-1.0, 0.0, 1.0])
    c = (y[None, :] - x[:, None]) ** 2
    c[np.abs(y[None, :] - x[:, None]) > 0.6 + 1e-9] = np.inf  # every row reaches an output both groups reach
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    pr = inf._reduce(p, c, 0.1)
    assert inf._zero_mi_lp(pr.rows, pr.ctil) is None
    assert not inf._zero_mi_possible(pr.rows, pr.ctil)
    rng = np.random.default_rng(11)
    feasible = 0
    for _ in range(40):
        p, c, B = _random_problem(rng, near_min=False)
        pr = inf._reduce(p, c, B)
        if inf._zero_mi_lp(pr.rows, pr.ctil) is not None:
            feasible += 1
            assert inf._zero_mi_possible(pr.rows, pr.ctil)
    assert feasible >= 5  # the draw exercises the feasible side


def test_tail_rows_near_minimum_budget_do_not_crash():
    """A row of mass 8e-27 (below the Newton iterations' floor) at a budget 1e-6 of the span above the minimum.

    The tail-repaired solutions could not get below the budget at any slope: the
    path ran to s = 1e300 and the search raised ValueError (d350c48). Now the
    search stops there and the result is certified or says that it is not.
    """
    p = np.array([[1.0052506900961760e-20, 7.6600932370825828e-06],
                  [2.3735967060654530e-02, 8.3221607960645192e-27],
                  [1.0329377519780475e-06, 2.4525217439408728e-01],
                  [2.3369088375780034e-21, 7.0990113834154345e-01],
                  [2.1102027172725687e-02, 0.0]])
    inf_ = np.inf
    c = np.array([[2.7645338224852512e-155, 1.6237329967158418e-154, inf_, 1.6392019811603907e-154,
                   1.3117650436606038e-154, 2.2884933723135920e-154, inf_],
                  [inf_, inf_, 7.7827320387383019e-155, 2.6919893291565297e-154, 7.0792345035803292e-156,
                   1.9772877751044972e-154, 3.3506026494011141e-155]])
    B = 8.001657975440487e-156
    res = discrete_attack(p, c, B)
    assert res.cost <= B * (1.0 + 1e-12)
    assert res.lower_bound <= res.mi
    assert res.converged and res.gap <= 1e-10
