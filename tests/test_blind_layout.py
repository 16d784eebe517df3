"""The blind solver's layout helpers against their direct definitions (private functions).

``_unit_of`` must give the unit exponent of :func:`mi_lib._scaling.unit_exponent`
on the concatenated values, ``_exact_difference`` the correctly rounded
``B - e^2`` (``fractions.Fraction``), and ``_model_mi`` (linear domain) the
log-domain value of ``_blind_outputs``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mi_lib._blind as bl
from mi_lib import blind_attack
from mi_lib.measures import mutual_information
from mi_lib import _scaling as sc
from mi_lib._blind_lattice import _blind_outputs, _group_rows, _model_mi

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=1, max_size=6, unique=True), st.lists(finite, min_size=1, max_size=4),
       st.floats(min_value=1e-300, max_value=1e300))
def test_grid_unit_brings_the_largest_value_into_one_two(e, x, h):
    """_unit_of from the set-up pass's extremes: 2^k brings the largest of |e|, |x| and h into [1, 2), and the
    pass's extremes are numpy's."""
    from mi_lib._blind_grid_kernels import scan

    ea, xa = np.array(e), np.array(x)
    p = np.full((1, xa.size), 1.0 / xa.size)
    order, es, dup_x, dup_e, xlo, xhi, emin, _lat, _rows = scan(p, p.sum(axis=1), xa, ea)
    np.testing.assert_array_equal(order, np.argsort(ea, kind="stable"))
    np.testing.assert_array_equal(es, np.sort(ea))
    assert (xlo, xhi, emin) == (xa.min(), xa.max(), np.abs(ea).min())
    assert dup_x == (np.unique(xa).size < xa.size) and not dup_e
    k = bl._unit_of(abs(float(es[0])), abs(float(es[-1])), max(abs(xlo), abs(xhi)), h)
    vmax = float(np.max(np.abs(np.concatenate([es, xa, [h]]))))
    assert 1.0 <= vmax * 2.0 ** -k < 2.0
    assert k == sc.pow2_exponent(vmax)


def test_grid_unit_without_positive_values():
    assert bl._unit_of(0.0, 0.0, 0.0, 0.0) == 0


@settings(max_examples=500, deadline=None)
@given(st.floats(min_value=0.0, max_value=1e300), st.floats(min_value=0.0, max_value=1e300))
def test_exact_difference_is_correctly_rounded(B, emin):
    exact = Fraction(B) - Fraction(emin) ** 2
    got = bl._exact_difference(B, emin)
    try:
        want = float(exact)
    except OverflowError:
        want = -math.inf
    assert got == want


def _model(p, x, e, B):
    p, x, e, B, tol, pu, sc = bl._check_inputs(p, x, e, B, 1e-10)
    return bl._model(p, bl._unit_layout(x, e, B, sc), pu)


@pytest.mark.parametrize("seed", range(6))
def test_model_mi_linear_domain_matches_log_domain(seed):
    rng = np.random.default_rng(seed)
    nu, nx, n = rng.integers(2, 4), rng.integers(2, 5), rng.integers(3, 40)
    p = rng.dirichlet(np.ones(nu * nx)).reshape(nu, nx)
    p[rng.random(p.shape) < 0.3] = 0.0
    p[0, 0] += 1.0 - p.sum()
    x = rng.choice(np.arange(-6, 7), size=nx, replace=False).astype(float) * 0.25
    m = _model(p, x, 0.25 * np.arange(-n, n + 1), 1.0)
    assert m is not None
    for zeros in (False, True):
        pi = rng.dirichlet(np.full(m.ne, 0.4))
        if zeros:
            pi[rng.random(m.ne) < 0.5] = 0.0
            pi[0] += 1e-3
            pi /= pi.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            ref = _blind_outputs(m, np.log(pi))[2]
        assert _model_mi(m, pi) == pytest.approx(ref, rel=1e-12, abs=1e-15)


def test_model_groups_rows_in_order():
    p = np.array([[0.2, 0.0, 0.1], [0.0, 0.0, 0.0], [0.3, 0.4, 0.0]])
    m = _model(p, np.array([-1.0, 0.0, 1.0]), np.linspace(-1.0, 1.0, 5), 0.5)
    assert m.gp.tolist() == pytest.approx([0.3, 0.7])
    loggp, goff, glp = _group_rows(m)
    assert loggp == pytest.approx(np.log([0.3, 0.7]))
    assert [g.tolist() for g in goff] == [[0, 4], [0, 2]]
    assert glp[0] == pytest.approx(np.log([0.2 / 0.3, 0.1 / 0.3]))
    assert glp[1] == pytest.approx(np.log([0.3 / 0.7, 0.4 / 0.7]))
    assert m.rg.tolist() == [0, 0, 1, 1] and m.roff.tolist() == [0, 4, 0, 2]


def test_row_sums_are_correctly_rounded_and_order_free():
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    pu = bl._row_sums(p)
    assert pu[0] == pu[1] == float(sum(Fraction(v) for v in p[0]))  # the pairwise sums differ in the last bit


def test_subnormal_grid_point_at_a_large_scale_keeps_the_costs_finite():
    """A grid point meant to be 0 computed as -5e-324 on a grid of scale 1e150 (audit): the unit follows the
    largest value, so the squared costs do not overflow; the result is the unit-scale problem's."""
    e = np.linspace(-1.0, 1.0, 21) * 1e150
    e[10] = -5e-324
    p = np.array([[0.3, 0.2], [0.2, 0.3]])
    x = np.array([-0.8, 0.8])
    big = blind_attack(p, x * 1e150, e, 0.07e300)
    unit = blind_attack(p, x, np.linspace(-1.0, 1.0, 21), 0.07)
    assert big.converged and np.all(np.isfinite(big.pmf)) and big.cost <= 0.07e300 * (1 + 1e-12)
    assert big.mi == pytest.approx(unit.mi, rel=1e-9) and big.lower_bound <= unit.mi + 1e-12


@pytest.mark.parametrize("budget", [1e-14, 1e-200, 1e-300])
def test_budget_a_hair_above_the_edge(budget):
    """Budgets far below the least positive cost (audit: the interior-point method divided by zero at 1e-200):
    the cheapest point alone, E = 0, gives I(U; X); the bound is lowered by the continuity term only."""
    p = np.array([[0.33644, 0.46334], [0.18304, 0.01718]])
    res = blind_attack(p, [-1.0, 2.0], np.arange(-3.0, 5.0), budget)
    assert res.converged and res.cost == 0.0 and res.pmf[3] == 1.0 and math.isinf(res.multiplier)
    assert res.mi == pytest.approx(mutual_information(p), rel=1e-13)
    assert 0.0 <= res.mi - res.lower_bound <= 0.01 * 1e-10


def test_continuity_bound_holds_for_moved_mass():
    """|I(pi) - I(pi0)| <= _continuity(delta) when pi moves mass delta off a law pi0 (random draws)."""
    rng = np.random.default_rng(5)
    m = _model(np.array([[0.3, 0.1, 0.1], [0.05, 0.15, 0.3]]), np.array([-0.5, 0.0, 0.5]),
               0.25 * np.arange(-8, 9), 1.0)
    worst = 0.0
    for delta in (1e-12, 1e-6, 1e-3, 0.05, 0.3):
        for _ in range(40):
            pi0 = rng.dirichlet(np.full(m.ne, 0.2)) if rng.random() < 0.5 else np.eye(m.ne)[rng.integers(m.ne)]
            move = rng.dirichlet(np.full(m.ne, 0.3))
            pi = (1.0 - delta) * pi0 + delta * move  # total variation at most delta
            gap = abs(_model_mi(m, pi) - _model_mi(m, pi0))
            bound = bl._continuity(delta, m.ny)
            assert gap <= bound * (1.0 + 1e-12) + 1e-15
            worst = max(worst, gap / bound)
    assert worst > 1e-3  # the draws come within a few orders of the bound
    assert bl._continuity(0.6, 10) == math.inf and bl._continuity(0.0, 10) == 0.0


# --- the compiled set-up and result loops (mi_lib._blind_grid_kernels) against the numpy expressions
# --- they replace: the same floating-point operations, so the results must be equal bit for bit


def _lattice_numpy(x, es):
    n = es.size
    e0 = es[0]
    d = np.diff(es)
    h = (es[-1] - e0) / (n - 1)
    r = (x - e0) / h
    rr = np.round(r)
    off = np.abs(r - rr) * h
    return (h, np.abs(d - h).max(), d.min(), d.max(), bool((np.round((es - e0) / h) == np.arange(n)).all()),
            off.max(), int(np.argmax(off)), rr.min(), rr.max(), (rr - rr.min()).astype(np.int64))


@pytest.mark.parametrize("seed", range(40))
def test_lattice_kernel_matches_numpy(seed):
    from mi_lib._blind_grid_kernels import lattice

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    scale = 10.0 ** rng.uniform(-200, 200)
    es = np.linspace(-1.0, 1.0, n) * scale if seed % 3 else (np.arange(n) - 0.5 * n) * 0.25 * scale
    if seed % 5 == 0:
        es = np.sort(es + rng.normal(0, 1e-3 * scale / n, n))  # off the lattice: the deviation is reported
    k = rng.integers(-n, 2 * n, size=int(rng.integers(1, 6)))
    x = es[0] + (es[-1] - es[0]) / (n - 1) * (k + (0.5 if seed % 4 == 0 else rng.normal(0, 1e-14, k.size)))
    got, want = lattice(x, es), _lattice_numpy(x, es)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)  # round half to even included (seed % 4 == 0: exact halves)


def test_rows_and_spread_kernels_match_numpy():
    from mi_lib._blind_grid_kernels import rows, spread

    rng = np.random.default_rng(7)
    for _ in range(50):
        nu, nx = int(rng.integers(1, 5)), int(rng.integers(1, 7))
        p = rng.dirichlet(np.ones(nu * nx)).reshape(nu, nx) * (rng.random((nu, nx)) < 0.6)
        p[rng.integers(nu), rng.integers(nx)] += 0.1
        p /= p.sum()
        pu = bl._row_sums(p)
        ixr = rng.integers(0, 9, nx)
        first = int(rng.integers(0, 4))
        groups, ends, ru, rx, ro, rp, ncols = rows(p, pu, ixr, first)
        gw = np.flatnonzero(pu > 0)
        uw, xw = np.nonzero(p[gw] > 0)
        np.testing.assert_array_equal(groups, gw)
        np.testing.assert_array_equal(ends, np.cumsum(np.bincount(uw, minlength=gw.size)))
        np.testing.assert_array_equal(ru, uw)
        np.testing.assert_array_equal(rx, xw)
        np.testing.assert_array_equal(ro, ixr[xw] + first)
        np.testing.assert_array_equal(rp, p[gw[uw], xw])
        assert ncols == np.count_nonzero(p.sum(axis=0) > 0)
        n = int(rng.integers(1, 12))
        start = int(rng.integers(0, n))
        sub = rng.dirichlet(np.ones(int(rng.integers(1, n - start + 1))))
        order = rng.permutation(n)
        pi = np.zeros(n)
        pi[start : start + sub.size] = sub
        pmf = np.zeros(n)
        pmf[order] = pi
        ny = int(ixr.max()) + n
        want = np.zeros((nu, ny))
        for u, xx in zip(*np.nonzero(p > 0)):
            want[u, ixr[xx] : ixr[xx] + n] += (p[u, xx] / pu[u]) * pi
        for got, ref in zip(spread(p, pu, ixr, sub, start, order, ny), (pi, pmf, want)):
            np.testing.assert_array_equal(got, ref)


def test_fortran_ordered_or_read_only_inputs_give_the_same_result():
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    x, e = np.array([-1.0, 0.0, 1.0]), np.linspace(-1.0, 1.0, 21)
    ref = blind_attack(p, x, e, 0.2)
    pf, xr = np.asfortranarray(p), x.copy()
    xr.setflags(write=False)
    got = blind_attack(pf, xr, e, 0.2)
    assert (got.mi, got.lower_bound) == (ref.mi, ref.lower_bound)
    np.testing.assert_array_equal(got.pmf, ref.pmf)
