"""Tests of the independent second routes of notebook 06 (mi_lib.subset_routes)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import mi_lib
from mi_lib.subset_routes import (
    brute_force_subset,
    clean_mi,
    program4_numeric,
    removable_mi,
    scalar_optimum_mi,
    scalar_optimum_slope,
)


def test_shares_no_code_with_the_library_solver():
    tree = ast.parse(Path(mi_lib.subset_routes.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    assert imported <= {"__future__", "itertools", "numpy", "scipy.optimize", "_validation"}


def test_scalar_optimum_matches_the_library_and_its_ends():
    rng = np.random.default_rng(1)
    for _ in range(20):
        s, n = rng.uniform(0.1, 2.0), rng.uniform(0.02, 1.0)
        t = rng.uniform(0.0, 1.2 * s)
        assert abs(float(scalar_optimum_mi(s, n, t)) - mi_lib.gaussian_attack(s, n, t).mi) < 1e-12
    assert abs(float(scalar_optimum_mi(1.0, 0.5, 0.0)) - float(clean_mi(1.0, 0.5))) < 1e-15
    assert float(scalar_optimum_mi(1.0, 0.5, 1.0)) == 0.0 and float(removable_mi(1.0, 0.5, 3.0)) == float(clean_mi(1.0, 0.5))


def test_slope_is_the_derivative():
    t = np.linspace(0.05, 0.95, 9)
    h = 1e-6
    fd = (scalar_optimum_mi(1.0, 0.3, t + h) - scalar_optimum_mi(1.0, 0.3, t - h)) / (2 * h)
    np.testing.assert_allclose(scalar_optimum_slope(1.0, 0.3, t), fd, rtol=1e-6)
    assert np.all(scalar_optimum_slope(1.0, 0.3, t) < 0)


def test_program4_numeric_agrees_with_the_closed_form():
    for a2, s2, D in ((1.0, 0.2, 0.3), (0.5, 1.0, 0.1), (2.0, 0.1, 0.0)):
        assert abs(program4_numeric(a2, s2, D) - float(scalar_optimum_mi(a2, s2, D))) < 1e-9


def test_brute_force_finds_the_library_optimum_reproducibly():
    s, n = np.array([1.0, 0.6, 0.2, 0.9]), np.array([0.1, 0.3, 0.05, 0.8])
    lib = mi_lib.subset_attack(s, n, 2, 0.7)
    a = brute_force_subset(s, n, 2, 0.7, starts=3, rng=np.random.default_rng(5))
    b = brute_force_subset(s, n, 2, 0.7, starts=3, rng=np.random.default_rng(5))
    assert a[1] == lib.subset and abs(a[0] - lib.mi) < 1e-9
    assert a[0] == b[0] and np.array_equal(a[2], b[2])
    assert a[2].sum() <= 0.7 + 1e-12 and np.all(a[2] >= 0)


@pytest.mark.parametrize("call", [
    lambda: scalar_optimum_mi(np.nan, 0.1, 0.2),
    lambda: scalar_optimum_mi(1.0, 0.0, 0.2),
    lambda: scalar_optimum_mi(1.0, 0.1, -0.2),
    lambda: scalar_optimum_slope(1.0, 0.1, 1.0),
    lambda: scalar_optimum_slope(1.0, 0.1, 0.0),
    lambda: clean_mi(1.0, np.inf),
    lambda: program4_numeric(1.0, 0.1, -1.0),
    lambda: program4_numeric(1.0, 0.1, 0.5, starts=0),
    lambda: brute_force_subset([1.0, 0.5], [0.1], 1, 0.5, starts=2, rng=0),
    lambda: brute_force_subset([1.0, 0.5], [0.1, 0.2], 3, 0.5, starts=2, rng=0),
    lambda: brute_force_subset([[1.0, 0.5]], [[0.1, 0.2]], 1, 0.5, starts=2, rng=0),
    lambda: brute_force_subset([1.0, 0.5], [0.1, 0.2], 1, 0.0, starts=2, rng=0),
    lambda: brute_force_subset([1.0, 0.5], [0.1, 0.2], 1, 0.5, starts=2, rng="seed"),
])
def test_rejects_bad_input(call):
    with pytest.raises((ValueError, TypeError)):
        call()
