"""Tests for mi_lib.projection: Algorithm 1, Theorem 3.2, sampler, MP limit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mi_lib.projection import (
    _perturbation_map,
    falling_bar,
    marchenko_pastur_pdf,
    mp_limit_mi_per_m,
    projection_attack,
    projection_attack_from_spectrum,
    sample_projection_attack,
)


# --------------------------------------------------------------------------
# Independent reference: bisection for the water level
# --------------------------------------------------------------------------


def bisect_tau(sigma_sq, D):
    """Solve sum_i min(tau, sigma_i^2) = D for tau in [0, max sigma^2] by bisection."""
    s = np.asarray(sigma_sq, dtype=float)
    if s.size == 0 or D >= s.sum():
        return None  # every level >= max(s) works
    lo, hi = 0.0, float(s.max())
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if np.minimum(mid, s).sum() < D:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _check_against_bisection(s, D):
    s = np.asarray(s, dtype=float)
    tau, alloc = falling_bar(s, D)
    ref = bisect_tau(s, D)
    scale = max(float(s.max(initial=0.0)), 1e-300)
    assert alloc.shape == s.shape
    assert np.all(alloc >= 0) and np.all(alloc <= s + 1e-15 * scale)
    if ref is None:  # the whole budget: every direction is erased (to rounding of the sum)
        np.testing.assert_allclose(alloc, s, rtol=0, atol=1e-14 * scale)
        assert tau == pytest.approx(float(s.max(initial=0.0)), rel=1e-14, abs=1e-300)
    else:
        assert tau == pytest.approx(ref, rel=1e-11, abs=1e-13 * scale)
        np.testing.assert_allclose(alloc, np.minimum(ref, s), rtol=1e-11, atol=1e-13 * scale)
        assert alloc.sum() == pytest.approx(D, rel=1e-12, abs=1e-14 * scale * s.size)


@pytest.mark.parametrize(
    "s,D",
    [
        ([4.0, 2.0, 1.0], 3.0),
        ([4.0, 2.0, 1.0], 0.5),
        ([4.0, 2.0, 1.0], 6.999),
        ([1.0, 4.0, 2.0, 0.0, 2.0], 3.0),  # unsorted, tie, zero
        ([3.0, 3.0, 3.0], 4.0),  # all tied
        ([3.0, 3.0, 1.0, 1.0], 3.9),
        ([2.0, 0.0, 0.0], 1.0),  # rank 1
        ([5.0, 1.0], 2.0),  # tau exactly at sigma_2^2
        ([5.0, 1.0], 0.0),
        ([5.0, 0.0], 0.0),
        ([5.0, 1.0], 6.0),  # D = ||H||_F^2
        ([5.0, 1.0], 100.0),  # D > ||H||_F^2
        ([0.0, 0.0], 1.0),
        ([1e-12, 1e3, 7.0], 5.0),
    ],
)
def test_falling_bar_cases(s, D):
    _check_against_bisection(s, D)


def test_falling_bar_conventions():
    tau, alloc = falling_bar([3.0, 1.0, 2.0], 0.0)
    assert tau == 0.0 and np.all(alloc == 0.0)
    tau, alloc = falling_bar([3.0, 1.0, 2.0], 10.0)
    assert tau == 3.0
    np.testing.assert_array_equal(alloc, [3.0, 1.0, 2.0])  # caller's order
    tau, alloc = falling_bar([1.0, 3.0, 2.0], 3.0)
    assert tau == pytest.approx(1.0)
    np.testing.assert_allclose(alloc, [1.0, 1.0, 1.0])
    tau, alloc = falling_bar([], 1.0)
    assert tau == 0.0 and alloc.shape == (0,)


@settings(max_examples=300, deadline=None)
@given(
    s=hnp.arrays(np.float64, st.integers(1, 30),
                 elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e3))),
    frac=st.floats(0.0, 1.2),
    ties=st.booleans(),
)
def test_falling_bar_hypothesis(s, frac, ties):
    if ties:
        s = np.round(s)  # creates many ties and zeros
    D = frac * float(s.sum())
    _check_against_bisection(s, D)


@pytest.mark.parametrize(
    "bad,D,match",
    [
        ([[1.0, 2.0]], 1.0, "1-dimensional"),
        ([1.0, -2.0], 1.0, "negative"),
        ([1.0, float("nan")], 1.0, "NaN"),
        ([1.0, 2.0], -1.0, "D"),
        ([1.0, 2.0], float("nan"), "D"),
        (3.0, 1.0, "1-dimensional"),
    ],
)
def test_falling_bar_validation(bad, D, match):
    with pytest.raises(ValueError, match=match):
        falling_bar(bad, D)


# --------------------------------------------------------------------------
# Theorem 3.2
# --------------------------------------------------------------------------


def _gaussian_mi_from_joint(H, A, B):
    """I(U; Y) for U ~ N(0, I), Y = H U + A U + B Z, from the joint covariance.

    I = -1/2 log det(Cov(U | Y)) with Cov(U | Y) = I - Cov(U,Y) Cov(Y)^+ Cov(Y,U)
    (Cov(U) = I; the pseudo-inverse handles Y confined to a subspace).
    """
    M = H + A
    cov_y = M @ M.T + B @ B.T
    cov_uy = M.T
    cond = np.eye(H.shape[1]) - cov_uy @ np.linalg.pinv(cov_y, rcond=1e-12, hermitian=True) @ cov_uy.T
    sign, logdet = np.linalg.slogdet(cond)
    assert sign > 0
    return -0.5 * logdet


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (2, 6), (6, 2)])
@pytest.mark.parametrize("frac", [0.05, 0.3, 0.7, 0.95])
def test_mi_matches_joint_covariance(shape, frac):
    rng = np.random.default_rng(hash((shape, frac)) % 2**32)
    H = rng.standard_normal(shape)
    D = frac * float(np.sum(H * H))
    res = projection_attack(H, D)
    A, B = _perturbation_map(H, D)
    assert _gaussian_mi_from_joint(H, A, B) == pytest.approx(res.mi, rel=1e-8, abs=1e-10)
    # E||E||^2 = tr(A A^T + B B^T) = D, and E lies in range(H)
    assert np.trace(A @ A.T + B @ B.T) == pytest.approx(D, rel=1e-10)
    Qh, _ = np.linalg.qr(H if shape[0] > shape[1] else H[:, : shape[0]])
    P = Qh @ Qh.T
    np.testing.assert_allclose(P @ A, A, atol=1e-10)
    np.testing.assert_allclose(P @ B, B, atol=1e-10)


def test_paper_sign_convention_is_worse():
    """Lambda_i with sigma_i V_i^T U - Lambda_i independent of Lambda_i does worse."""
    rng = np.random.default_rng(4)
    H = rng.standard_normal((3, 5))
    D = 0.3 * float(np.sum(H * H))
    res = projection_attack(H, D, vectors=True)
    A, B = _perturbation_map(H, D)
    good = _gaussian_mi_from_joint(H, A, B)
    bad = _gaussian_mi_from_joint(H, -A, B)  # flips the sign of the correlated part
    assert good == pytest.approx(res.mi, rel=1e-9)
    assert bad > good + 0.1


def test_rank_deficient_and_extremes():
    rng = np.random.default_rng(5)
    H = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 7))  # rank 2
    res = projection_attack(H, 0.2)
    assert res.rank == 2
    assert res.sigma_sq.shape == (6,)
    assert np.all(res.sigma_sq[2:] == 0) and np.all(res.allocation[2:] == 0)
    sv = np.linalg.svd(H, compute_uv=False)
    np.testing.assert_allclose(res.singular_values[:2], sv[:2], rtol=1e-10)
    vec = projection_attack(H, 0.2, vectors=True)
    assert vec.Q.shape == (6, 2) and vec.V.shape == (7, 2)
    assert vec.mi == pytest.approx(res.mi, rel=1e-10)
    A, B = _perturbation_map(H, 0.2)
    assert _gaussian_mi_from_joint(H, A, B) == pytest.approx(res.mi, rel=1e-8)
    fro = float(np.sum(H * H))
    assert projection_attack(H, fro).mi == 0.0
    assert projection_attack(H, 2 * fro).mi == 0.0
    assert projection_attack(H, 0.0).mi == math.inf
    assert projection_attack(np.zeros((3, 4)), 0.0).mi == 0.0
    assert projection_attack(np.zeros((3, 4)), 1.0).rank == 0


def test_from_spectrum_matches_matrix():
    rng = np.random.default_rng(6)
    for shape in [(10, 30), (30, 10)]:
        H = rng.standard_normal(shape) / math.sqrt(shape[1])
        sv2 = np.linalg.svd(H, compute_uv=False) ** 2
        D = 0.4 * sv2.sum()
        a = projection_attack(H, D)
        b = projection_attack_from_spectrum(rng.permutation(sv2), D)
        assert a.mi == pytest.approx(b.mi, rel=1e-10)
        assert a.tau == pytest.approx(b.tau, rel=1e-10)
        assert a.frobenius_sq == pytest.approx(float(np.sum(H * H)), rel=1e-10)
        expected = 0.5 * np.sum(np.log(sv2 / np.minimum(a.tau, sv2)))
        assert a.mi == pytest.approx(expected, rel=1e-10)


def test_sampler():
    rng = np.random.default_rng(8)
    H = rng.standard_normal((3, 4))
    D = 0.5 * float(np.sum(H * H))
    U, E = sample_projection_attack(H, D, 200_000, rng=9)
    assert U.shape == (200_000, 4) and E.shape == (200_000, 3)
    assert np.mean(np.sum(E * E, axis=1)) == pytest.approx(D, rel=0.02)
    # in singular coordinates: U''_i + Lambda_i is uncorrelated with Lambda_i
    res = projection_attack(H, D, vectors=True)
    Upp = (U @ res.V) * res.singular_values[: res.rank]
    Lam = E @ res.Q
    for i in range(res.rank):
        c = np.cov(Upp[:, i] + Lam[:, i], Lam[:, i])
        assert abs(c[0, 1]) <= 0.02 * math.sqrt(res.sigma_sq[i] * res.allocation[i]) + 1e-3
        assert c[1, 1] == pytest.approx(res.allocation[i], rel=0.03)
    a = sample_projection_attack(H, D, 5, rng=1)
    b = sample_projection_attack(H, D, 5, rng=1)
    np.testing.assert_array_equal(a[1], b[1])


def test_projection_validation():
    with pytest.raises(ValueError, match="H"):
        projection_attack([[1.0, float("nan")]], 1.0)
    with pytest.raises(ValueError, match="H"):
        projection_attack([1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="D"):
        projection_attack(np.eye(2), -1.0)
    with pytest.raises(ValueError, match="n must"):
        sample_projection_attack(np.eye(2), 1.0, -3)
    with pytest.raises(ValueError, match="sigma_sq"):
        projection_attack_from_spectrum([[1.0]], 1.0)


# --------------------------------------------------------------------------
# Marchenko-Pastur limit
# --------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.1, 0.5, 1.0, 1.5, 1.9])
def test_mp_density_mass_and_mean(alpha):
    from scipy import integrate

    lo, hi = (1 - math.sqrt(alpha)) ** 2, (1 + math.sqrt(alpha)) ** 2
    f = lambda x: float(marchenko_pastur_pdf(np.array([x]), alpha)[0])  # noqa: E731
    mass = integrate.quad(f, lo, hi, limit=200)[0]
    mean = integrate.quad(lambda x: x * f(x), lo, hi, limit=200)[0]
    assert mass == pytest.approx(min(1.0, 1.0 / alpha), rel=1e-6)
    assert mean == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("alpha,d", [(0.5, 0.1), (0.5, 0.5), (1.0, 0.3), (1.5, 0.2), (1.9, 0.8)])
def test_mp_limit_against_simulation(alpha, d):
    m = 400
    rng = np.random.default_rng(int(100 * alpha + 10 * d))
    H = rng.standard_normal((int(alpha * m), m)) / math.sqrt(m)
    res = projection_attack(H, 0.0)
    sim = projection_attack_from_spectrum(res.sigma_sq, d * res.frobenius_sq).mi / m
    lim = mp_limit_mi_per_m(alpha, d)
    assert sim == pytest.approx(lim, rel=0.02)


def test_mp_limit_edges_and_monotone():
    assert mp_limit_mi_per_m(0.5, 0.0) == math.inf
    assert mp_limit_mi_per_m(0.5, 1.0) == 0.0
    assert mp_limit_mi_per_m(1.5, 3.0) == 0.0
    ds = np.linspace(0.05, 0.95, 10)
    vals = [mp_limit_mi_per_m(0.7, d) for d in ds]
    assert np.all(np.diff(vals) < 0)
    # more rows (redundancy) keep more information at the same budget fraction
    assert mp_limit_mi_per_m(1.5, 0.3) > mp_limit_mi_per_m(0.5, 0.3)
    with pytest.raises(ValueError, match="alpha"):
        mp_limit_mi_per_m(0.0, 0.5)
    with pytest.raises(ValueError, match="d"):
        mp_limit_mi_per_m(0.5, -0.1)
