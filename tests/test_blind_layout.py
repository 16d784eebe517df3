"""The blind solver's layout helpers against their direct definitions (private functions).

``_grid_unit`` must give the unit exponent of :func:`mi_lib._scaling.unit_exponent`
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
from mi_lib import _scaling as sc
from mi_lib._blind_lattice import _blind_outputs, _model_mi

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=1, max_size=6, unique=True), st.lists(finite, min_size=1, max_size=4),
       st.floats(min_value=1e-300, max_value=1e300))
def test_grid_unit_is_unit_exponent_of_the_values(e, x, h):
    es = np.sort(np.array(e))
    xa = np.array(x)
    k, emin = bl._grid_unit(xa, es, h)
    assert k == sc.unit_exponent(np.abs(np.concatenate([es, xa, [h]])))
    assert emin == float(np.min(np.abs(es)))


def test_grid_unit_without_positive_values():
    assert bl._grid_unit(np.zeros(1), np.zeros(1), 0.0) == (0, 0.0)


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
    p, x, e, B, tol, order, es = bl._check_inputs(p, x, e, B, 1e-10)
    return bl._model(p, bl._unit_layout(x, e, B, order, es))


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
    assert [g.tolist() for g in m.goff] == [[0, 4], [0, 2]]
    assert m.glp[0] == pytest.approx(np.log([0.2 / 0.3, 0.1 / 0.3]))
    assert m.glp[1] == pytest.approx(np.log([0.3 / 0.7, 0.4 / 0.7]))
    assert m.rg.tolist() == [0, 0, 1, 1] and m.roff.tolist() == [0, 4, 0, 2]


def test_row_sums_are_correctly_rounded_and_order_free():
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    pu = bl._row_sums(p)
    assert pu[0] == pu[1] == float(sum(Fraction(v) for v in p[0]))  # the pairwise sums differ in the last bit
