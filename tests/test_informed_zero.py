"""The quantile coupling's zero-information channel (issue 10, round 7), checked against the linear program.

Any channel with I(U; Y) = 0 within budget is optimal; the quantile coupling
of the groups' laws p(x|u) (letters ordered by their cheapest output) gives
one in closed form. For letters on the line and squared-distance costs it is
the cheapest one (the barycentre is the quantile average), which the
zero-information LP (an independent route) confirms; for arbitrary costs it
is feasible and no cheaper than the LP's optimum.
"""

from __future__ import annotations

import numpy as np
import pytest

import mi_lib._informed as inf
from mi_lib import discrete_attack
from mi_lib._informed_zero import _quantile_zero_channel


def _line_problem(rng, power=2.0):
    """Letters on the line in random order (not sorted), outputs in increasing order, cost |y - x|^power."""
    nU, nX, ny = int(rng.integers(2, 5)), int(rng.integers(2, 6)), int(rng.integers(3, 41))
    p = rng.dirichlet(np.full(nU * nX, 0.8)).reshape(nU, nX)
    x = rng.uniform(-1.0, 1.0, nX)
    y = np.linspace(-1.5, 1.5, ny)
    return p, np.abs(y[None, :] - x[:, None]) ** power * 10.0 ** rng.uniform(-3, 3)


def _checked(pr, cap):
    """The candidate channel with cap ``cap``, checked to be a zero-information channel of the problem."""
    W = _quantile_zero_channel(pr.rows, pr.ctil, pr.cheapest, cap)
    if W is not None:
        assert np.all(W >= 0.0) and np.allclose(W.sum(axis=1), 1.0, rtol=0.0, atol=1e-14)
        assert np.all(W[~np.isfinite(pr.ctil[pr.rows.x])] == 0.0)  # no forbidden pair used
        assert inf._rows_mi(pr.rows, W) <= 1e-14
    return W


@pytest.mark.parametrize("power", [1.0, 2.0, 4.0])
def test_quantile_coupling_is_the_cheapest_zero_information_channel_on_the_line(power):
    """|y - x|^power (convex), letters on the line in any order: the candidate's cost equals the LP's optimum
    (30 random problems each; letters sharing a cheapest output are ordered by c(x, y_first) - c(x, y_last))."""
    rng = np.random.default_rng(7 + int(power))
    ties = 0
    for _ in range(30):
        p, c = _line_problem(rng, power)
        pr = inf._reduce(p, c, float(p.sum(axis=0) @ c.max(axis=1)))
        W = _checked(pr, np.inf)
        W_lp = inf._zero_mi_lp(pr.rows, pr.ctil)
        c_q, c_lp = inf._rows_cost(pr.rows, W, pr.cfin), inf._rows_cost(pr.rows, W_lp, pr.cfin)
        # never above the LP's optimum (which is solved to HiGHS' tolerance, so it may sit a little above B0)
        assert c_q <= c_lp * (1.0 + 1e-9) and c_q >= c_lp * (1.0 - 1e-4)
        ties += len(set(pr.cheapest.tolist())) < pr.cheapest.size
        if c_q > 0.0:
            assert _quantile_zero_channel(pr.rows, pr.ctil, pr.cheapest, 0.999 * c_q) is None  # the cap holds
    assert ties >= 3  # problems where letters share their cheapest output (the tie-break matters)


def test_quantile_coupling_tie_break_follows_the_line():
    """Two letters share the cheapest output and are listed against the line order (the audit's example):
    the candidate still attains the LP's optimum, and the solver certifies I* = 0 from it without a step."""
    p = np.array([[0.30, 0.10, 0.05], [0.05, 0.20, 0.10], [0.05, 0.05, 0.10]])
    x = np.array([0.816, 0.001, -0.980])
    y = np.array([-1.5, -0.5, 0.5, 1.5])
    c = (y[None, :] - x[:, None]) ** 2
    pr = inf._reduce(p, c, 10.0)
    W, W_lp = _checked(pr, np.inf), inf._zero_mi_lp(pr.rows, pr.ctil)
    b0 = inf._rows_cost(pr.rows, W_lp, pr.cfin)
    assert len(set(pr.cheapest.tolist())) < 3  # two letters share their cheapest output
    assert inf._rows_cost(pr.rows, W, pr.cfin) <= b0 * (1.0 + 1e-9)
    res = discrete_attack(p, c, pr.Bmin + 1.02 * b0 * 2.0 ** pr.k)  # the budget in the caller's unit
    assert res.iterations == 0 and res.converged and res.mi <= 1e-12 and res.lower_bound == 0.0


def test_quantile_coupling_on_arbitrary_costs_is_feasible_and_not_below_the_lp():
    """Random costs, forbidden pairs: a candidate found is a zero-information channel costing at least the LP's."""
    rng = np.random.default_rng(8)
    found = 0
    for _ in range(60):
        nU, nX, ny = int(rng.integers(2, 5)), int(rng.integers(2, 6)), int(rng.integers(2, 9))
        p = rng.dirichlet(np.full(nU * nX, 0.7)).reshape(nU, nX)
        c = rng.uniform(0.0, 2.0, (nX, ny))
        c[rng.random(c.shape) < 0.25] = np.inf
        c[np.arange(nX), rng.integers(ny, size=nX)] = rng.uniform(0.0, 1.0, nX)  # every letter keeps an output
        pr = inf._reduce(p, c, float(p.sum(axis=0) @ np.max(np.where(np.isfinite(c), c, 0.0), axis=1)))
        W = _checked(pr, np.inf)
        W_lp = inf._zero_mi_lp(pr.rows, pr.ctil)
        if W is None:
            continue
        found += 1
        assert W_lp is not None  # the candidate is a feasible point of the LP
        assert inf._rows_cost(pr.rows, W, pr.cfin) >= inf._rows_cost(pr.rows, W_lp, pr.cfin) * (1.0 - 1e-12)
    assert found >= 10


def test_zero_information_budgets_return_without_search():
    """3 letters, 81 outputs: from B0 = 0.35 (the quantile average's cost) on, I* = 0 with no Newton step.

    Below B0 the search runs.
    """
    y = np.linspace(-2.0, 2.0, 81)
    c = (y[None, :] - np.array([-1.0, 0.0, 1.0])[:, None]) ** 2
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    pr = inf._reduce(p, c, 0.6)
    W_lp = inf._zero_mi_lp(pr.rows, pr.ctil)
    b0 = pr.Bmin + inf._sc.unscaled(inf._rows_cost(pr.rows, W_lp, pr.cfin), pr.k)
    assert abs(b0 - 0.35) <= 1e-12
    for B in (0.35 * (1.0 + 1e-12), 0.45, 0.6):
        res = discrete_attack(p, c, B)
        assert res.iterations == 0 and res.lower_bound == 0.0 and res.mi <= 1e-15 and res.converged
        assert res.cost <= B
    res = discrete_attack(p, c, 0.35 * (1.0 - 1e-6))
    assert res.iterations > 0 and res.mi > 0.0 and res.converged


def test_zero_information_atoms_start_the_bordered_method(monkeypatch):
    """Budgets below B0 whose first solve cannot reach the budget on its own support start the bordered
    method with the quantile atoms added: same optimum as the slope search without them, fewer steps.

    informed_3letter B = 0.2, 0.3: 29 / 22 Newton steps over 5 slopes before, 16 / 14 over 2 now (margins
    for other CPUs' rounding: at most 20 and 2 slopes). The start without a solve (tested below) is turned
    off: it certifies these budgets before any solve.
    """
    import mi_lib._slope_search as ss

    y = np.linspace(-2.0, 2.0, 81)
    c = (y[None, :] - np.array([-1.0, 0.0, 1.0])[:, None]) ** 2
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    calls = []
    real = inf._InformedOracle.with_zero

    def counted(self, r, frac):
        calls.append(frac)
        return real(self, r, frac)

    monkeypatch.setattr(inf._InformedOracle, "with_zero", counted)
    monkeypatch.setattr(inf._InformedOracle, "direct_start", lambda self, s: None)
    new = {B: discrete_attack(p, c, B) for B in (0.2, 0.3)}
    assert calls  # the path ran
    monkeypatch.setattr(ss, "_ZERO_WEIGHTS", ())
    for B, res in new.items():
        old = discrete_attack(p, c, B)  # the slope search alone: an independent route to the optimum
        assert res.converged and old.converged
        assert res.cost <= B * (1.0 + 1e-12)
        assert abs(res.mi - old.mi) <= 1e-10 and res.lower_bound <= old.mi and old.lower_bound <= res.mi
        assert res.iterations <= 20 and res.evaluations <= 3 and old.evaluations >= 4  # margin for other CPUs


def test_direct_bordered_start_matches_the_slope_search(monkeypatch):
    """The bordered method started without a solve (cheapest outputs + quantile atoms) against the search without it.

    informed_3letter budgets 0.01 ... 0.3 (one slope each, 5-16 Newton steps on the machines measured) and 30 random line problems at budgets below B0: values within tol, bounds
    below the other route's value, costs within budget.
    """
    y = np.linspace(-2.0, 2.0, 81)
    c = (y[None, :] - np.array([-1.0, 0.0, 1.0])[:, None]) ** 2
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    cases = [(p, c, B) for B in (0.01, 0.05, 0.1, 0.2, 0.3)]
    rng = np.random.default_rng(9)
    while len(cases) < 35:
        p_r, c_r = _line_problem(rng)
        pr = inf._reduce(p_r, c_r, float(p_r.sum(axis=0) @ c_r.max(axis=1)))
        W = _quantile_zero_channel(pr.rows, pr.ctil, pr.cheapest, np.inf)
        b0 = pr.Bmin + inf._sc.unscaled(inf._rows_cost(pr.rows, W, pr.cfin), pr.k)
        if b0 > pr.Bmin * (1.0 + 1e-6):
            cases.append((p_r, c_r, pr.Bmin + rng.uniform(0.02, 0.95) * (b0 - pr.Bmin)))
    starts = []
    real = inf._InformedOracle.direct_start

    def counted(self, s):
        m = real(self, s)
        starts.append(m is not None)
        return m

    monkeypatch.setattr(inf._InformedOracle, "direct_start", counted)
    new = [discrete_attack(*case) for case in cases]
    assert sum(starts) >= 25
    # one slope each on the 3-letter budgets (a start that stalls on another CPU falls back to the search)
    assert sum(res.evaluations == 1 for res in new[:5]) >= 4 and all(res.iterations <= 40 for res in new[:5])
    monkeypatch.setattr(inf._InformedOracle, "direct_start", lambda self, s: None)
    for case, res in zip(cases, new):
        old = discrete_attack(*case)
        assert res.converged and old.converged
        assert res.cost <= case[2] * (1.0 + 1e-12)
        assert abs(res.mi - old.mi) <= 1e-10 and res.lower_bound <= old.mi + 1e-15 and old.lower_bound <= res.mi + 1e-15
