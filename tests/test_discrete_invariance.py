"""Scale and relabelling invariances of the finite-alphabet solvers, and the regressions of issue 10.

The informed problem is invariant under ``cost * g, budget * g`` and under
``cost + K`` on every finite entry with ``budget + K``; the blind problem under
``x * g, e * g, budget * g**2``; both under relabelling U, X, Y, and the
informed one under duplicating an output letter or adding a forbidden one.
Every transformed problem is compared with the untransformed one solved at
unit scale: the optima must agree within the two certified gaps (plus the
rounding the transformation itself introduces in the data), each lower bound
must lie below the other problem's attained value, the returned attack must be
within budget up to relative rounding, and no gap may be negative beyond
rounding.

The regressions compare with optima computed independently: closed forms
(binary symmetric source with Hamming cost: log 2 - h(D)), a one-parameter
brute force, or the unit-scale problem.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import mi_lib
from mi_lib import ConvergenceWarning
from mi_lib.discrete import binary_flip_attack, blind_attack, discrete_attack

EPS = float(np.finfo(float).eps)
GAP = 1e-9
HAM = np.array([[0.0, 1.0], [1.0, 0.0]])
PROP = settings(max_examples=12, deadline=None, derandomize=True)


def h2(t: float) -> float:
    """Binary entropy in nats (independent of mi_lib)."""
    return -sum(z * math.log(z) for z in (t, 1.0 - t) if z > 0)


def informed_cost(p, c, channel) -> float:
    """Expected cost of a channel, written out (forbidden pairs must carry no mass)."""
    p, c = np.asarray(p, float), np.asarray(c, float)
    tot = 0.0
    for u in range(p.shape[0]):
        for x in range(p.shape[1]):
            for y in range(c.shape[1]):
                w = channel[u, x, y]
                if w > 0:
                    assert np.isfinite(c[x, y]), "mass on a forbidden output"
                    tot += p[u, x] * w * c[x, y]
    return tot


def check_pair(res, ref, *, slack: float = 1e-12) -> None:
    """``res`` and ``ref`` solve the same problem (up to data rounding ``slack``, in nats)."""
    for r in (res, ref):
        assert r.gap >= -1e-12 * max(1.0, r.mi)
        assert r.lower_bound <= r.mi + 1e-12
    assert res.lower_bound <= ref.mi + slack
    assert ref.lower_bound <= res.mi + slack
    assert abs(res.mi - ref.mi) <= res.gap + ref.gap + slack + 2e-12


def within_budget(res, budget: float, *, rel: float = 64 * EPS) -> None:
    assert res.cost <= budget * (1.0 + rel) + 1e-300


# ---------------------------------------------------------------------------
# Random small problems
# ---------------------------------------------------------------------------


def random_informed(seed: int):
    """|U| in 2..3, |X| in 2..4, |Y| in 2..5, some forbidden pairs, a budget between the edge and the zero point."""
    rng = np.random.default_rng(seed)
    nu, nx, ny = int(rng.integers(2, 4)), int(rng.integers(2, 5)), int(rng.integers(2, 6))
    p = rng.dirichlet(np.full(nu * nx, 0.7)).reshape(nu, nx)
    c = rng.uniform(0.0, 1.0, (nx, ny))
    c[rng.random((nx, ny)) < 0.25] = np.inf
    c[np.arange(nx), rng.integers(0, ny, nx)] = rng.uniform(0.0, 0.3, nx)  # every row reachable
    cmin = np.min(c, axis=1)
    bmin = float(p.sum(axis=0) @ cmin)
    frac = float(rng.choice([1e-6, 1e-3, 0.05, 0.2, 0.5]))
    return p, c, bmin + frac


def random_blind(seed: int):
    """|U| = 2, two or three letters on the lattice h Z, a grid of 9..25 points, a binding budget."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 13))
    h = 1.0 / n
    e = h * np.arange(-n, n + 1)
    nxl = int(rng.integers(2, 4))
    x = h * np.sort(rng.choice(np.arange(-2 * n, 2 * n + 1), nxl, replace=False))
    p = rng.dirichlet(np.full(2 * nxl, 0.8)).reshape(2, nxl)
    budget = float(rng.choice([1e-4, 0.02, 0.1, 0.3]))
    return p, x, e, budget


# ---------------------------------------------------------------------------
# Informed attacker: invariances
# ---------------------------------------------------------------------------


@PROP
@given(st.integers(0, 2**31 - 1), st.floats(-12.0, 12.0))
def test_informed_cost_scale_invariance(seed, log10_scale):
    p, c, B = random_informed(seed)
    g = 10.0**log10_scale
    ref = discrete_attack(p, c, B)
    res = discrete_attack(p, c * g, B * g)
    # c * g and B * g are rounded: the scaled problem is the unit one up to relative rounding of the data
    check_pair(res, ref, slack=1e-12 + 8 * EPS * (1.0 + ref.multiplier * B))
    within_budget(res, B * g)
    assert informed_cost(p, c * g, res.channel) <= B * g * (1.0 + 1e-12)
    if math.isfinite(ref.multiplier) and ref.multiplier > 0:
        assert res.multiplier * g == pytest.approx(ref.multiplier, rel=1e-3, abs=1e-9)


@PROP
@given(st.integers(0, 2**31 - 1), st.sampled_from([0.25, 3.0, 1e3, 1e6, 1e9]))
def test_informed_constant_offset_invariance(seed, K):
    p, c, B = random_informed(seed)
    ref = discrete_attack(p, c, B)
    cK = np.where(np.isfinite(c), c + K, np.inf)
    BK = B + K
    res = discrete_attack(p, cK, BK)
    # c + K and B + K round at ulp(K): the shifted problem's reduced budget and costs move by that much
    slack = 1e-12 + 8 * (1.0 + ref.multiplier) * EPS * (K + 1.0)
    check_pair(res, ref, slack=slack)
    within_budget(res, BK)


@PROP
@given(st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1))
def test_informed_relabelling_invariance(seed, perm_seed):
    p, c, B = random_informed(seed)
    rng = np.random.default_rng(perm_seed)
    pu, px, py = (rng.permutation(n) for n in (p.shape[0], p.shape[1], c.shape[1]))
    ref = discrete_attack(p, c, B)
    res = discrete_attack(p[pu][:, px], c[px][:, py], B)
    check_pair(res, ref)
    within_budget(res, B)


@PROP
@given(st.integers(0, 2**31 - 1), st.integers(0, 100))
def test_informed_duplicate_and_forbidden_outputs(seed, which):
    p, c, B = random_informed(seed)
    ref = discrete_attack(p, c, B)
    j = which % c.shape[1]
    dup = discrete_attack(p, np.column_stack([c, c[:, j]]), B)
    check_pair(dup, ref)
    within_budget(dup, B)
    forb = discrete_attack(p, np.column_stack([c, np.full(c.shape[0], np.inf)]), B)
    check_pair(forb, ref)
    assert np.all(forb.channel[:, :, -1] == 0.0)


# ---------------------------------------------------------------------------
# Blind attacker: invariances
# ---------------------------------------------------------------------------


@PROP
@given(st.integers(0, 2**31 - 1), st.floats(-12.0, 12.0))
def test_blind_scale_invariance(seed, log10_scale):
    p, x, e, B = random_blind(seed)
    g = 10.0**log10_scale
    ref = blind_attack(p, x, e, B)
    res = blind_attack(p, x * g, e * g, B * g * g)
    check_pair(res, ref, slack=1e-12 + 16 * EPS * (1.0 + ref.multiplier * B))
    within_budget(res, B * g * g)
    assert float(res.pmf @ (e * g) ** 2) <= B * g * g * (1.0 + 1e-12)
    np.testing.assert_allclose(res.y_values, ref.y_values * g, rtol=1e-12, atol=1e-12 * g)


@PROP
@given(st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1))
def test_blind_relabelling_invariance(seed, perm_seed):
    p, x, e, B = random_blind(seed)
    rng = np.random.default_rng(perm_seed)
    pu, px, pe = rng.permutation(p.shape[0]), rng.permutation(x.size), rng.permutation(e.size)
    ref = blind_attack(p, x, e, B)
    res = blind_attack(p[pu][:, px], x[px], e[pe], B)
    check_pair(res, ref)
    within_budget(res, B)
    # the law is reported in the order of e_values given
    assert float(res.pmf @ e[pe] ** 2) == pytest.approx(res.cost, rel=1e-12, abs=1e-300)


# ---------------------------------------------------------------------------
# Regressions: item 1 (absolute thresholds)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-100, 1e-12, 1e-10, 1e-6, 1.0, 1e6, 1e100, 1e300])
def test_informed_tiny_and_huge_cost_units(scale):
    """Issue 10 item 1: at cost 1e-12 the solver returned the no-attack value 0.1927, at 1e-10 a negative gap."""
    p = [[0.4, 0.1], [0.1, 0.4]]
    ref = binary_flip_attack([0.4, 0.1, 0.1, 0.4], 0.1)  # an independent solver (exact 1-D reduction)
    assert ref.mi == pytest.approx(0.0822828785, abs=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = discrete_attack(p, HAM * scale, 0.1 * scale)
    assert res.converged and res.gap <= GAP
    check_pair(res, ref, slack=1e-12)
    within_budget(res, 0.1 * scale)


@pytest.mark.parametrize("scale", [1e-150, 1e-6, 1e-3, 1e3, 1e6, 1e150])
def test_blind_tiny_and_huge_grid_units(scale):
    """Issue 10 item 1: on a grid scaled by 1e-6 blind_attack returned log 2 (no attack) with gap 0."""
    p, x, e = np.diag([0.5, 0.5]), np.array([-1.0, 1.0]), np.linspace(-2.0, 2.0, 41)
    ref = blind_attack(p, x, e, 0.5)
    assert ref.mi < math.log(2) - 0.2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = blind_attack(p, x * scale, e * scale, 0.5 * scale * scale)
    assert res.converged and res.gap <= GAP
    check_pair(res, ref, slack=1e-12)
    within_budget(res, 0.5 * scale * scale)


def test_inputs_beyond_1e154_give_no_warning():
    """Issue 10 item 5: e^2 and cost products overflowed (RuntimeWarning) once inputs passed about 1e154."""
    p, x, e = np.diag([0.5, 0.5]), np.array([-1.0, 1.0]), np.linspace(-2.0, 2.0, 41)
    ref = blind_attack(p, x, e, 0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = 2.0**512  # e^2 reaches 2^1026: overflows as a double, the budget 2^1022 does not
        big_budget = 0.25 * g * g
        res = blind_attack(p, x * g, e * g, big_budget)
        r1 = discrete_attack([[0.4, 0.1], [0.1, 0.4]], HAM * 1e300, 1e299)
        r2 = discrete_attack([[0.4, 0.1], [0.1, 0.4]], 1e307 + HAM * 1e306, 1.01e307)
        r3 = binary_flip_attack([0.45, 0.05, 0.05, 0.45], 1e300)
    check_pair(res, ref)
    within_budget(res, big_budget)
    assert r1.converged and r1.mi == pytest.approx(0.0822828785, abs=1e-9)
    assert r2.converged and r2.gap <= GAP and r2.cost <= 1.01e307 * (1 + 1e-12)
    assert r3.mi == 0.0 and r3.converged


# ---------------------------------------------------------------------------
# Regressions: item 2 (budget snapping)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [0.0, 1.0, 1e3, 1e6, 1e9, 1e12])
@pytest.mark.parametrize("delta", [1e-12, 5e-8, 1e-4, 0.1])
def test_informed_budget_just_above_the_cheapest_cost(offset, delta):
    """Issue 10 item 2: c = K + Hamming, p = diag(.5, .5), B = K + delta was solved as B = K.

    The optimum is log 2 - h(D) with D the exact reduced budget of the doubles
    given (B - K, exactly; 0 when B rounds to K), below 1/2.
    """
    c = offset + (1.0 - np.eye(2))
    B = offset + delta
    D = float(Fraction(B) - Fraction(offset))
    opt = math.log(2.0) - h2(D)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = discrete_attack(np.diag([0.5, 0.5]), c, B)
    assert res.converged and res.gap <= GAP
    assert res.lower_bound <= opt + 1e-13
    assert res.mi >= opt - 1e-13
    assert res.mi <= opt + GAP
    within_budget(res, B)
    assert res.min_budget == offset


def test_issue_example_budget_snapping():
    c = 1e6 + (1.0 - np.eye(2))
    res = discrete_attack(np.diag([0.5, 0.5]), c, 1e6 + 5e-8)
    D = float(Fraction(1e6 + 5e-8) - 10**6)
    assert abs(D - 5e-8) < 1e-10
    assert res.lower_bound <= math.log(2.0) - h2(D) + 1e-13
    assert res.lower_bound < math.log(2.0) - 8e-7  # the old answer was log 2
    assert res.cost <= 1e6 + 5e-8


@pytest.mark.parametrize("e0", [0.5, 1000.0, 1048576.0])
@pytest.mark.parametrize("rel", [0.0, 1e-15, 5e-8, 1e-4, 0.05])
def test_blind_budget_just_above_the_smallest_square(e0, rel):
    """Issue 10 item 2 (blind): a budget just above min e^2 was solved as min e^2.

    Two grid points e0 < e1 = e0 + h and letters one spacing apart: with mass t
    on e1, P(Y | U) are (1 - t, t, 0) and (0, 1 - t, t), so I(t) = H(Y) - h(t)
    is decreasing on [0, 1/2] and the optimum puts t = (B - e0^2) / (e1^2 - e0^2)
    (exact arithmetic on the doubles given) on e1. Large e0 is the blind
    counterpart of a large cost offset.
    """
    h = 0.125
    e = np.array([e0, e0 + h])
    x = np.array([0.0, h])
    B = e0 * e0 + rel * (2 * e0 * h + h * h)  # rel: the fraction of the step to e1^2
    t = float((Fraction(B) - Fraction(e0) ** 2) / (Fraction(e0 + h) ** 2 - Fraction(e0) ** 2))
    assert 0.0 <= t < 0.5
    py = np.array([(1 - t) / 2, 0.5, t / 2])
    opt = -sum(z * math.log(z) for z in py if z > 0) - h2(t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = blind_attack(np.diag([0.5, 0.5]), x, e, B)
    assert res.converged and res.gap <= GAP
    assert res.lower_bound <= opt + 1e-13
    assert res.mi >= opt - 1e-13
    within_budget(res, B)
    assert float(res.pmf @ e**2) <= B * (1 + 4 * EPS)


# ---------------------------------------------------------------------------
# Regressions: item 3 (off-lattice letters)
# ---------------------------------------------------------------------------


def test_off_lattice_letter_is_rejected_with_its_distance():
    """Issue 10 item 3: x = 1 + 5e-8 on a grid of spacing 0.1 was snapped to 1 and certified 0.4635 (optimum log 2)."""
    with pytest.raises(ValueError, match=r"x = 1\.0000000499.* is 5e-08 away from the nearest point"):
        blind_attack(np.diag([0.5, 0.5]), [-1.0, 1.0 + 5e-8], np.linspace(-2.0, 2.0, 41), 0.5)
    with pytest.raises(ValueError, match="equally spaced to within rounding"):
        blind_attack(np.diag([0.5, 0.5]), [-1.0, 1.0], np.concatenate([np.linspace(-2, 0, 21), [0.1 + 1e-9]]), 0.5)


@pytest.mark.parametrize("scale", [1e-150, 1e-9, 1.0, 3.7, 1e9, 1e150])
def test_rounded_lattices_are_accepted_at_every_scale(scale):
    """Grids built by linspace or arange carry ulp-level errors; they stay on the lattice at every scale."""
    e = np.arange(-20, 21) * 0.1 * scale
    x = np.array([-1.0, 1.0]) * scale
    res = blind_attack(np.diag([0.5, 0.5]), x, e, 0.5 * scale * scale)
    assert res.gap <= GAP and res.mi < math.log(2) - 0.2


# ---------------------------------------------------------------------------
# Regressions: item 4 (tiny masses at small budgets)
# ---------------------------------------------------------------------------


def gauss_pm1(sigma: float = 0.25):
    x = np.round(np.linspace(-2.0, 2.0, 41), 12)
    edges = np.concatenate([[-np.inf], (x[:-1] + x[1:]) / 2, [np.inf]])
    p = np.array([0.5 * np.diff(norm.cdf((edges - u) / sigma)) for u in (-1.0, 1.0)])
    return p, (x[None, :] - x[:, None]) ** 2


@pytest.mark.parametrize("budget", [1e-6, 1e-4])
def test_tiny_masses_at_small_budgets(budget):
    """Issue 10 item 4: entries below 1e-18 left gaps up to 3.4e-6 at B = 1e-4 (silently)."""
    p, c = gauss_pm1()
    assert np.any((p > 0) & (p < 1e-18))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = discrete_attack(p, c, budget)
    assert res.converged and res.gap <= GAP
    within_budget(res, budget)
    # the same problem with the tiny entries removed differs by far less than the tolerance
    q = np.where(p < 1e-18, 0.0, p)
    ref = discrete_attack(q / q.sum(), c, budget)
    assert abs(res.mi - ref.mi) <= res.gap + ref.gap + 1e-12


# ---------------------------------------------------------------------------
# Regressions: item 5 (warnings) and item 7 (convergence reporting)
# ---------------------------------------------------------------------------


def test_rows_of_mass_1e_15_give_no_warning():
    """Issue 10 item 5: 'invalid value encountered in subtract' for rows of mass about 1e-17..1e-10."""
    p = np.array([[1.2973410619362653e-12, 4.6466453076234027e-01, 2.8251429478453910e-01],
                  [1.7940540851578042e-15, 2.5282117410777200e-01, 3.4404946161246069e-10]])
    inf = np.inf
    c = np.array([
        [0.06992711213021274, inf, 0.9851475831171779, 0.5238061270198002, inf, 0.8123306772126189,
         0.19435475862073248],
        [inf, 0.18000961916772612, inf, 0.19136667565798293, 0.8457075838517776, 0.6034032711932213,
         0.9362422713484683],
        [inf, 0.701709320878533, 0.8331501860292885, inf, 0.3228539435400921, 0.09189707199601865,
         0.9286034440245816],
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = discrete_attack(p, c, 0.15611656501138363)
    assert res.converged and res.gap <= GAP


def test_convergence_is_reported(monkeypatch):
    """Issue 10 item 7: a result that misses tol says so (field, message and a package warning)."""
    import mi_lib._informed as dd  # the module where discrete_attack and its search live

    assert issubclass(mi_lib.ConvergenceWarning, UserWarning)
    p, c = gauss_pm1(0.5)
    ok = discrete_attack(p, c, 0.1)
    assert ok.converged and "gap" in ok.message
    e = np.linspace(-2.0, 2.0, 41)
    assert blind_attack(np.diag([0.5, 0.5]), [-1.0, 1.0], e, 0.5).converged
    f = binary_flip_attack([0.45, 0.05, 0.05, 0.45], 0.05)
    assert f.converged and f.gap <= 1e-10
    # whatever the solvers reach at an unreachable tolerance, the flag, the message and the warning agree
    for call in (lambda: discrete_attack(p, c, 0.1, tol=1e-17),
                 lambda: blind_attack([[0.4, 0.08, 0.02], [0.02, 0.08, 0.4]], [-1.0, 0.0, 1.0],
                                      np.linspace(-1.5, 1.5, 31), 0.1, tol=1e-17),
                 lambda: binary_flip_attack([0.4, 0.1, 0.1, 0.4], 0.1, tol=1e-17)):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            res = call()
        warned = [w for w in rec if issubclass(w.category, ConvergenceWarning)]
        assert res.converged == (res.gap <= 1e-17)
        assert bool(warned) == (not res.converged)
        if not res.converged:
            assert "above tol" in res.message and "above tol" in str(warned[0].message)
    # a search that stops with a gap of 3e-3 (as the audit saw) is reported, not returned silently
    real = dd._informed_search

    def stalled(*args, **kwargs):
        X, mi, lb, s, it, ev = real(*args, **kwargs)
        return X, mi, lb - 3e-3, s, it, ev

    monkeypatch.setattr(dd, "_informed_search", stalled)
    with pytest.warns(ConvergenceWarning, match="above tol") as rec:
        bad = discrete_attack(p, c, 0.1)
    assert not bad.converged and bad.gap > 2.9e-3 and "above tol" in bad.message
    assert rec[0].filename == __file__  # the warning points at the caller's line


@pytest.mark.parametrize("budget", [1e-14, 1e-10, 1e-6])
def test_blind_small_budgets_certified_without_warning(budget):
    """Tiny budgets leave masses near 1e-300 on the coset path (1 / q overflowed into inf - inf)."""
    p, x, e, _ = random_blind(28050646)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = blind_attack(p, x, e, budget)
        loose = blind_attack(p, x, e, 10 * budget)
    assert res.converged and res.gap <= GAP
    within_budget(res, budget)
    assert loose.lower_bound <= res.mi + 1e-12  # more budget, less information


def test_offset_and_budget_match_fractions():
    """The integer route (exact offset over 2^2148, true division) gives the doubles of Fraction arithmetic."""
    from mi_lib import _scaling as sc

    rng = np.random.default_rng(1)
    for _ in range(200):
        p = rng.dirichlet(np.ones(6)).reshape(2, 3)
        p[0, rng.integers(3)] = float(rng.choice([0.0, 5e-324, 1e-300, 0.3]))
        c = 10.0 ** rng.uniform(-320, 308, 3)
        c[rng.integers(3)] = float(rng.choice([0.0, 1.0]))
        if rng.random() < 0.2:
            c[:] = 0.0
        exact = sum(Fraction(float(p[u, x])) * Fraction(float(c[x])) for u in range(2) for x in range(3))
        # budgets at, a few ulps around, and far from the offset, and unrelated ones
        B0 = float(exact)
        for B in (B0, np.nextafter(B0, np.inf), np.nextafter(np.nextafter(B0, np.inf), np.inf), 3.0 * B0,
                  float(10.0 ** rng.uniform(-320, 308)), 0.0):
            off, Bt = sc.offset_and_budget(float(B), sc.exact_offset_int(p, c))
            assert off == float(exact)
            assert Bt == float(Fraction(float(B)) - exact)
            assert Bt == sc.reduced_budget(float(B), sc.exact_offset(p, c))


def test_unscaled_matches_numpy_ldexp():
    """unscaled (math.ldexp, overflow caught) is np.ldexp's double, with signed infinities on overflow."""
    from mi_lib import _scaling as sc

    rng = np.random.default_rng(2)
    xs = np.concatenate([10.0 ** rng.uniform(-320, 308, 200) * rng.choice([-1.0, 1.0], 200),
                         [0.0, -0.0, 5e-324, np.inf, -np.inf, 1.7e308]])
    for x in xs.tolist():
        for k in (-1100, -1074, -60, -1, 0, 1, 60, 1023, 1100):
            with np.errstate(over="ignore", under="ignore"):
                want = float(np.ldexp(x, k))
            got = sc.unscaled(x, k)
            assert got == want and math.copysign(1.0, got) == math.copysign(1.0, want)
    assert math.isnan(sc.unscaled(math.nan, 3))


def test_exact_offset_and_unit_scale_helpers():
    """The reduced budget is exact for any magnitudes; the unit keeps the cost range representable."""
    from mi_lib import _scaling as sc

    rng = np.random.default_rng(0)
    for _ in range(50):
        p = rng.dirichlet(np.ones(6)).reshape(2, 3)
        p[0, 0] = float(rng.choice([0.0, 5e-324, 1e-300, 0.3]))
        c = 10.0 ** rng.uniform(-320, 308, 3)
        c[rng.integers(3)] = 0.0
        exact = sum(Fraction(float(p[u, x])) * Fraction(float(c[x])) for u in range(2) for x in range(3))
        assert sc.exact_offset(p, c) == exact
    assert sc.unit_exponent(np.array([0.0, 3.0, np.inf, 0.5])) == 1
    k = sc.unit_exponent(np.array([1e-300, 1e300]))
    assert np.all(np.isfinite(sc.scaled(np.array([1e-300, 1e300]), k)))
    assert sc.scaled(1e-300, k) > 0.0
