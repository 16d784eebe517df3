"""Helpers of the lecture on discrete signals (mi_lib.binary_signals)."""

from __future__ import annotations

import numpy as np
import pytest

import mi_lib
from mi_lib import binary_signals as bs


def test_mirror_average_is_symmetric_and_keeps_pmfs():
    rng = np.random.default_rng(0)
    W = rng.dirichlet(np.ones(7), size=2)
    S = bs.mirror_average(W)
    assert np.allclose(S, S[::-1, ::-1]) and np.allclose(S.sum(axis=1), 1.0)
    assert np.allclose(bs.mirror_average(S), S)
    with pytest.raises(ValueError):
        bs.mirror_average(np.ones((3, 4)))
    with pytest.raises(ValueError):
        bs.mirror_average(-np.ones((2, 4)))


def test_bayes_error_two_and_three_labels():
    assert bs.bayes_error([[0.5, 0.0], [0.0, 0.5]]) == 0.0
    assert np.isclose(bs.bayes_error([[0.25, 0.25], [0.25, 0.25]]), 0.5)
    joint = np.array([[0.3, 0.1], [0.1, 0.2], [0.05, 0.25]])
    assert np.isclose(bs.bayes_error(joint), 1 - 0.3 - 0.25)
    with pytest.raises(ValueError):
        bs.bayes_error([[0.5, 0.6], [0.0, 0.0]])
    with pytest.raises(ValueError):
        bs.bayes_error([[np.nan, 0.5], [0.5, 0.0]])


def test_bayes_error_of_the_informed_optimum_is_the_flip_probability():
    # on a lattice through a = sqrt(1 - D) the informed optimum is shrink-and-flip: Bayes error p = (1 - a)/2
    y = np.arange(-40, 41) * 0.025
    cost = (y[None, :] - np.array([-1.0, 1.0])[:, None]) ** 2
    r = mi_lib.discrete_attack(np.diag([0.5, 0.5]), cost, 1 - 0.75**2)
    W = bs.mirror_average(r.channel[[0, 1], [0, 1]])
    assert np.isclose(bs.bayes_error(0.5 * W), (1 - 0.75) / 2, atol=1e-6)


def test_lattice_noise_mi_matches_three_point_law_and_blind_solver():
    q = 0.25 / 8
    hb = mi_lib.binary_entropy
    three = hb(q) - hb(2 * q) + (1 - 2 * q) * np.log(2)
    assert np.isclose(bs.lattice_noise_mi([-1, 1], [-2, 0, 2], [q, 1 - 2 * q, q]), three, atol=1e-13)
    e = np.arange(-60, 61) * 0.05
    r = mi_lib.blind_attack(np.diag([0.5, 0.5]), [-1.0, 1.0], e, 0.5)
    k = np.round(e / 0.05).astype(int)
    assert np.isclose(bs.lattice_noise_mi([-20, 20], k, r.pmf / r.pmf.sum()), r.mi, atol=1e-9)
    # far-apart signals are perfectly distinguishable; an unequal prior gives its entropy
    assert np.isclose(bs.lattice_noise_mi([0, 10], [0, 1], [0.5, 0.5], p_x=[0.2, 0.8]), hb(0.2))


def test_lattice_noise_mi_rejects_bad_input():
    with pytest.raises(TypeError):
        bs.lattice_noise_mi([-1.0, 1.0], [0], [1.0])
    with pytest.raises(ValueError):
        bs.lattice_noise_mi([1, 1], [0], [1.0])
    with pytest.raises(ValueError):
        bs.lattice_noise_mi([-1, 1], [0, 1], [1.0])
    with pytest.raises(ValueError):
        bs.lattice_noise_mi([-1, 1], [0, 1], [0.5, 0.6])


def test_sample_joint_reproduces_the_joint():
    joint = np.array([[0.1, 0.2, 0.2], [0.3, 0.0, 0.2]])
    u, y = bs.sample_joint(joint, [-1.0, 0.0, 1.0], 200_000, 1)
    freq = np.array([[np.mean((u == i) & (y == v)) for v in (-1.0, 0.0, 1.0)] for i in (0, 1)])
    assert np.allclose(freq, joint, atol=5e-3) and u.dtype.kind == "i"
    a = bs.sample_joint(joint, [-1.0, 0.0, 1.0], 10, np.random.default_rng(3))
    b = bs.sample_joint(joint, [-1.0, 0.0, 1.0], 10, np.random.default_rng(3))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    with pytest.raises(ValueError):
        bs.sample_joint(joint, [0.0, 1.0], 10, 0)
    with pytest.raises(TypeError):
        bs.sample_joint(joint, [-1.0, 0.0, 1.0], 10.0, 0)
