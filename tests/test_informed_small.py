"""Small informed problems: the zero-information test, tail rows at near-minimum budgets (issue 10, round 6).

Hall's condition on the letters' output sets is a necessary condition for a
channel with I(U; Y) = 0 that the solver checks before its linear program; a
row of negligible mass at a budget just above the minimum once made the slope
search raise. Both are checked on the random small problems below (U != X,
forbidden pairs, budgets near the minimum).
"""

from __future__ import annotations

import numpy as np

import mi_lib._informed as inf
from mi_lib import discrete_attack


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


def test_zero_information_fit_restricted_then_full():
    """The zero-information LP on the outputs a nearby channel uses, else on all: the result fits and has I = 0.

    3 letters, 81 outputs: a channel using outputs -1, 0, 1 admits a
    zero-information channel on them (each group sends x to one common law); a
    channel using only the cheapest output of letter -1 does not, and the full
    LP is the fallback.
    """
    y = np.linspace(-2.0, 2.0, 81)
    c = (y[None, :] - np.array([-1.0, 0.0, 1.0])[:, None]) ** 2
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    pr = inf._reduce(p, c, 0.6)
    rows = pr.rows
    full = inf._zero_mi_lp(rows, pr.ctil)
    cheapest = inf._rows_cost(rows, full, pr.cfin)
    three = np.zeros((rows.p.size, y.size))
    three[np.arange(rows.p.size), np.searchsorted(y, np.array([-1.0, 0.0, 1.0]))[rows.x]] = 1.0
    one = np.zeros_like(three)
    one[:, 20] = 1.0  # y = -1 only: the restricted LP is the constant channel, too costly under the cap below
    for W, cap in ((three, pr.Bt), (one, 1.5 * cheapest)):
        W0 = inf._zero_mi_fit(rows, pr.ctil, pr.cfin, cap, W)
        assert W0 is not None
        assert inf._rows_cost(rows, W0, pr.cfin) <= cap
        assert np.allclose(W0.sum(axis=1), 1.0) and np.all(W0 >= 0.0)
        assert inf._rows_mi(rows, W0) < 1e-15
    const_cost = inf._rows_cost(rows, one, pr.cfin)
    assert const_cost > 1.5 * cheapest  # so the second case needed the full LP
    assert inf._zero_mi_fit(rows, pr.ctil, pr.cfin, 0.5 * cheapest, three) is None


def test_zero_information_lp_falls_back_to_linprog(monkeypatch):
    """An answer of milp whose equalities fail 1e-10 is not used: linprog at tolerance 1e-10 decides."""
    from types import SimpleNamespace

    y = np.linspace(-2.0, 2.0, 21)
    c = (y[None, :] - np.array([-1.0, 0.0, 1.0])[:, None]) ** 2
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    pr = inf._reduce(p, c, 0.6)
    good = inf._zero_mi_lp(pr.rows, pr.ctil)
    real_milp = inf.milp
    calls = []

    def sloppy_milp(*args, **kwargs):
        res = real_milp(*args, **kwargs)
        calls.append(res.status)
        return SimpleNamespace(status=0, x=res.x + 1e-6)  # equalities off by about 1e-6

    monkeypatch.setattr(inf, "milp", sloppy_milp)
    W = inf._zero_mi_lp(pr.rows, pr.ctil)
    assert calls == [0]
    assert inf._rows_mi(pr.rows, W) < 1e-15
    assert abs(inf._rows_cost(pr.rows, W, pr.cfin) - inf._rows_cost(pr.rows, good, pr.cfin)) <= 1e-12


def test_median_helper_is_numpy_median_bit_for_bit():
    """The slope search's first slope uses inf._median, which must equal np.median exactly (same iterates)."""
    rng = np.random.default_rng(5)
    for n in range(1, 40):
        v = rng.uniform(0.0, 3.0, n) * 2.0 ** rng.integers(-40, 40)
        assert inf._median(v) == float(np.median(v))
    assert inf._median(np.array([])) == 1.0
