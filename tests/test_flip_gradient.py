"""The gradient reported by binary_flip_attack, eqs. (17)-(20), against independent routes.

Interior points: central differences of I(U; Y) written out. Boundary points
(a flip probability making P(Y = y | u) = 0, an empty u): the formula written
with numpy arrays (log of 0 is -inf, NaN brackets count 0, infinities become
the largest double as ``np.nan_to_num`` makes them).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mi_lib._flip import _flip_gradient
from mi_lib.discrete import binary_flip_attack


def mi_flip(j, p) -> float:
    a, b, c, d = j
    V = np.array([[a * (1 - p[0]) + b * p[1], a * p[0] + b * (1 - p[1])],
                  [c * (1 - p[2]) + d * p[3], c * p[2] + d * (1 - p[3])]])
    pu, py = V.sum(axis=1, keepdims=True), V.sum(axis=0, keepdims=True)
    nz = V > 0
    return float(np.sum(V[nz] * np.log(V[nz] / (pu * py)[nz])))


def gradient_reference(j, p) -> np.ndarray:
    a, b, c, d = j
    P0 = a * (1 - p[0]) + b * p[1] + c * (1 - p[2]) + d * p[3]
    g = np.zeros(4)
    for u, (w0, w1) in enumerate(((a, b), (c, d))):
        pu = w0 + w1
        if pu <= 0:
            continue
        A = (w0 * (1 - p[2 * u]) + w1 * p[2 * u + 1]) / pu
        with np.errstate(divide="ignore", invalid="ignore"):
            br = np.log(P0) + np.log(1.0 - A) - np.log(1.0 - P0) - np.log(A)
        br = 0.0 if np.isnan(br) else br
        g[2 * u] = w0 * br if w0 > 0 else 0.0
        g[2 * u + 1] = -w1 * br if w1 > 0 else 0.0
    return np.nan_to_num(g, nan=0.0)


@pytest.mark.parametrize("seed", range(5))
def test_gradient_interior_against_differences(seed):
    rng = np.random.default_rng(seed)
    j = rng.dirichlet(np.ones(4))
    p = rng.uniform(0.05, 0.45, 4)
    g = _flip_gradient(j, p)
    h = 1e-6
    fd = [(mi_flip(j, p + h * e) - mi_flip(j, p - h * e)) / (2 * h) for e in np.eye(4)]
    assert np.allclose(g, fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "j, p",
    [
        ((0.5, 0.0, 0.0, 0.5), (0.0, 0.0, 0.0, 0.0)),  # Y = U: every bracket infinite
        ((0.5, 0.5, 0.0, 0.0), (0.2, 0.1, 0.0, 0.0)),  # u = 1 absent
        ((0.0, 0.0, 0.3, 0.7), (0.0, 0.0, 0.3, 0.0)),  # u = 0 absent
        ((0.4, 0.1, 0.1, 0.4), (1.0, 0.0, 0.0, 1.0)),
        ((0.25, 0.25, 0.25, 0.25), (0.5, 0.5, 0.5, 0.5)),  # Y independent of U: brackets 0
        ((0.45, 0.05, 0.05, 0.45), (0.0, 1.0, 0.0, 0.0)),
    ],
)
def test_gradient_boundary_against_array_formula(j, p):
    g = _flip_gradient(np.array(j), np.array(p))
    ref = gradient_reference(j, p)
    assert np.array_equal(g, ref)
    assert g.dtype == np.float64 and g.shape == (4,)


def test_reported_gradient_is_the_formula_at_the_flips():
    res = binary_flip_attack([0.45, 0.05, 0.05, 0.45], 0.05)
    assert np.allclose(res.gradient, gradient_reference((0.45, 0.05, 0.05, 0.45), res.flip_probs), rtol=1e-12)
    assert not res.gradient.flags.writeable
    assert math.isfinite(res.mi)
