"""The paper's own gradients (17)-(20) of the objective (15), checked by central finite differences.

Section 3.3 of arXiv:2007.14042v1 writes the MI of the binary flip attack (problem (21)) as

    I(U; Y) = I1(p) + I2(p) - (a + b) I3(p1, p2) - (c + d) I4(p3, p4)          (15)

with A = P(Y = 0) = a(1 - p1) + b p2 + c(1 - p3) + d p4, B = P(Y = 1) = 1 - A,
I1 = A log(1/A), I2 = B log(1/B), and I3, I4 the binary entropies (nats) of
P(Y | U = 0) and P(Y | U = 1) from (16). It then prints four gradients (natural logs):

* (17) "dI1(p1, p3, p3, p4)/dp" = (log(1/A) - 1) * (-a, b, -c, d);
* (18) "dI2(p1, p3, p3, p4)/dp" = (log(1/B) - 1) * (a, -b, c, -d);
* (19) "dI3(p1, p2)/dp" = (a/(a+b) log(P(Y=0|U=0)/P(Y=1|U=0)), b/(a+b) log(P(Y=1|U=0)/P(Y=0|U=0)), 0, 0);
* (20) "dI3(p1, p2)/dp" = (0, 0, c/(a+b) log(P(Y=0|U=1)/P(Y=1|U=1)), d/(a+b) log(P(Y=1|U=1)/P(Y=0|U=1))).

Each formula is implemented below exactly as printed (the ``printed_*`` functions) and, where
it is wrong, as corrected (``corrected_*``). Findings, asserted by the tests:

* (17), (18) and (19) are right as printed; the argument lists of (17) and (18) read
  "(p1, p3, p3, p4)" where (p1, p2, p3, p4) is meant (a label typo with no effect).
* (20) is labelled as the gradient of I3(p1, p2) but is the gradient of I4(p3, p4) (I3 does
  not depend on p3, p4), and its factors c/(a+b), d/(a+b) must be c/(c+d), d/(c+d). As
  printed it fails the finite-difference check whenever a + b != c + d (it is right only when
  U is uniform); the corrected form passes. The same holds for the gradient of (15) assembled
  from them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import mi_lib

SEED = 20200728
N_POINTS = 25
H = 1e-6  # central differences: truncation ~ h^2 * I''' ~ 1e-11, rounding ~ 1e-16 / h ~ 1e-10
FD_TOL = 1e-7


def xlogx_inv(t: float) -> float:
    """t log(1/t) (nats), 0 at t = 0."""
    return 0.0 if t == 0 else -t * math.log(t)


def A_of(j, p) -> float:
    """P(Y = 0) from (12)-(14)."""
    a, b, c, d = j
    p1, p2, p3, p4 = p
    return a * (1 - p1) + b * p2 + c * (1 - p3) + d * p4


def B_of(j, p) -> float:
    """P(Y = 1)."""
    a, b, c, d = j
    p1, p2, p3, p4 = p
    return a * p1 + b * (1 - p2) + c * p3 + d * (1 - p4)


def cond(j, p) -> tuple[float, float, float, float]:
    """(16): P(Y=0|U=0), P(Y=1|U=0), P(Y=0|U=1), P(Y=1|U=1)."""
    a, b, c, d = j
    p1, p2, p3, p4 = p
    return (
        (a * (1 - p1) + b * p2) / (a + b),
        (a * p1 + b * (1 - p2)) / (a + b),
        (c * (1 - p3) + d * p4) / (c + d),
        (c * p3 + d * (1 - p4)) / (c + d),
    )


def I1(j, p) -> float:
    """I1 of (15)."""
    return xlogx_inv(A_of(j, p))


def I2(j, p) -> float:
    """I2 of (15)."""
    return xlogx_inv(B_of(j, p))


def I3(j, p) -> float:
    """I3(p1, p2) of (15): the entropy of P(Y | U = 0)."""
    q00, q10, _, _ = cond(j, p)
    return xlogx_inv(q00) + xlogx_inv(q10)


def I4(j, p) -> float:
    """I4(p3, p4) of (15): the entropy of P(Y | U = 1)."""
    _, _, q01, q11 = cond(j, p)
    return xlogx_inv(q01) + xlogx_inv(q11)


def objective(j, p) -> float:
    """(15): I(U; Y) = I1 + I2 - (a + b) I3 - (c + d) I4, in nats."""
    a, b, c, d = j
    return I1(j, p) + I2(j, p) - (a + b) * I3(j, p) - (c + d) * I4(j, p)


# ---- the paper's formulas, as printed --------------------------------------------------


def printed_17(j, p) -> np.ndarray:
    """(17), printed as dI1(p1, p3, p3, p4)/dp."""
    a, b, c, d = j
    L = math.log(1 / A_of(j, p))
    return np.array([(-a) * L + (-1) * (-a), b * L + (-1) * b, (-c) * L + (-1) * (-c), d * L + (-1) * d])


def printed_18(j, p) -> np.ndarray:
    """(18), printed as dI2(p1, p3, p3, p4)/dp."""
    a, b, c, d = j
    L = math.log(1 / B_of(j, p))
    return np.array([a * L + (-1) * a, (-b) * L + (-1) * (-b), c * L + (-1) * c, (-d) * L + (-1) * (-d)])


def printed_19(j, p) -> np.ndarray:
    """(19), printed as dI3(p1, p2)/dp."""
    a, b, c, d = j
    q00, q10, _, _ = cond(j, p)
    return np.array([a / (a + b) * math.log(q00 / q10), b / (a + b) * math.log(q10 / q00), 0.0, 0.0])


def printed_20(j, p) -> np.ndarray:
    """(20), printed as dI3(p1, p2)/dp, with the factors c/(a+b) and d/(a+b)."""
    a, b, c, d = j
    _, _, q01, q11 = cond(j, p)
    return np.array([0.0, 0.0, c / (a + b) * math.log(q01 / q11), d / (a + b) * math.log(q11 / q01)])


def corrected_20(j, p) -> np.ndarray:
    """(20) corrected: dI4(p3, p4)/dp with the factors c/(c+d) and d/(c+d)."""
    a, b, c, d = j
    _, _, q01, q11 = cond(j, p)
    return np.array([0.0, 0.0, c / (c + d) * math.log(q01 / q11), d / (c + d) * math.log(q11 / q01)])


def gradient_15(j, p, g20) -> np.ndarray:
    """Gradient of (15) assembled from (17)-(19) and the given version of (20)."""
    a, b, c, d = j
    return printed_17(j, p) + printed_18(j, p) - (a + b) * printed_19(j, p) - (c + d) * g20(j, p)


# ---- finite differences ----------------------------------------------------------------


def fd(f, j, p) -> np.ndarray:
    """Central finite-difference gradient of f(j, .) at p."""
    g = np.empty(4)
    for i in range(4):
        e = np.zeros(4)
        e[i] = H
        g[i] = (f(j, p + e) - f(j, p - e)) / (2 * H)
    return g


def sample_points() -> list[tuple[tuple[float, ...], np.ndarray]]:
    """Random interior points: a joint pmf with all masses >= 0.02 and |(a+b) - (c+d)| >= 0.1
    (where printed and corrected (20) differ), and flip probabilities in [0.05, 0.95]."""
    rng = np.random.default_rng(SEED)
    out = []
    while len(out) < N_POINTS:
        j = rng.dirichlet(np.ones(4))
        if j.min() < 0.02 or abs((j[0] + j[1]) - (j[2] + j[3])) < 0.1:
            continue
        p = rng.uniform(0.05, 0.95, size=4)
        _, _, q01, q11 = cond(j, p)
        if abs(math.log(q01 / q11)) < 0.05:  # keep (20)'s entries away from 0 so the factor matters
            continue
        out.append((tuple(float(v) for v in j), p))
    return out


POINTS = sample_points()


@pytest.mark.parametrize("k", range(N_POINTS))
def test_objective_15_is_the_mi(k: int) -> None:
    """(15) is I(U; Y) of the joint law (12) (mi_lib, nats)."""
    j, p = POINTS[k]
    a, b, c, d = j
    p1, p2, p3, p4 = p
    joint_uy = np.array([[a * (1 - p1) + b * p2, a * p1 + b * (1 - p2)],
                         [c * (1 - p3) + d * p4, c * p3 + d * (1 - p4)]])
    assert objective(j, p) == pytest.approx(mi_lib.mutual_information(joint_uy), abs=1e-13)


@pytest.mark.parametrize("k", range(N_POINTS))
def test_17_18_19_pass_as_printed(k: int) -> None:
    j, p = POINTS[k]
    np.testing.assert_allclose(printed_17(j, p), fd(I1, j, p), atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(printed_18(j, p), fd(I2, j, p), atol=FD_TOL, rtol=0)
    np.testing.assert_allclose(printed_19(j, p), fd(I3, j, p), atol=FD_TOL, rtol=0)


@pytest.mark.parametrize("k", range(N_POINTS))
def test_20_as_printed_fails_and_corrected_passes(k: int) -> None:
    j, p = POINTS[k]
    a, b, c, d = j
    g4 = fd(I4, j, p)
    np.testing.assert_allclose(corrected_20(j, p), g4, atol=FD_TOL, rtol=0)
    # printed (20) is off by exactly the factor (c+d)/(a+b) in its two non-zero entries
    err = np.abs(printed_20(j, p) - g4)
    assert err.max() > 1e3 * FD_TOL
    np.testing.assert_allclose(printed_20(j, p)[2:], g4[2:] * (c + d) / (a + b), atol=FD_TOL, rtol=0)
    # and it is not the gradient of I3 either, which its label names (I3 has no p3, p4 dependence)
    g3 = fd(I3, j, p)
    assert np.all(g3[2:] == 0.0) and np.abs(printed_20(j, p) - g3).max() > 1e3 * FD_TOL


@pytest.mark.parametrize("k", range(N_POINTS))
def test_gradient_of_15(k: int) -> None:
    j, p = POINTS[k]
    g = fd(objective, j, p)
    np.testing.assert_allclose(gradient_15(j, p, corrected_20), g, atol=FD_TOL, rtol=0)
    assert np.abs(gradient_15(j, p, printed_20) - g).max() > 1e3 * FD_TOL


def test_printed_20_is_right_only_for_uniform_u() -> None:
    """With a + b = c + d = 1/2 the printed factors coincide with the correct ones."""
    j = (0.3, 0.2, 0.1, 0.4)
    p = np.array([0.2, 0.7, 0.35, 0.6])
    np.testing.assert_allclose(printed_20(j, p), fd(I4, j, p), atol=FD_TOL, rtol=0)
