"""The scalar certificate of ``binary_flip_attack`` equals the general informed dual on the same channel.

``mi_lib._flip._flip_bound`` re-implements, in floats, the bound of
``mi_lib._certificates._informed_bound_from_channel`` for |U| = |X| = |Y| = 2
(speed); both are evaluated on random pmfs (some entries 0), random flip
probabilities and slopes, including the infinite slope of the edge.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mi_lib._certificates import _informed_bound_from_channel
from mi_lib._flip import _flip_bound, _flip_mi
from mi_lib._mixing import _rows_mi, _rows_of


def _general(j, flips, lam):
    rows = _rows_of(np.array(j).reshape(2, 2))
    W = np.empty((4, 2))
    for k, (x, f) in enumerate(zip([0, 1, 0, 1], flips)):
        W[k, x], W[k, 1 - x] = 1.0 - f, f
    Wr = W[rows.u * 2 + rows.x]
    ham = np.array([[0.0, 1.0], [1.0, 0.0]])
    logK = np.where(ham == 0.0, 0.0, -np.inf) if math.isinf(lam) else -lam * ham
    return _informed_bound_from_channel(rows, Wr, logK), _rows_mi(rows, Wr)


@pytest.mark.parametrize("seed", range(40))
def test_scalar_bound_matches_general(seed):
    rng = np.random.default_rng(seed)
    j = rng.dirichlet(np.ones(4))
    j[rng.random(4) < 0.25] = 0.0
    if j.sum() == 0:
        j[0] = 1.0
    j = tuple(float(t) for t in j / j.sum())
    flips = [float(t) for t in rng.random(4) * (rng.random(4) < 0.7)]
    lam = [0.0, float(rng.exponential(2.0)), math.inf][seed % 3]
    ref, mi_ref = _general(j, flips, lam)
    got = _flip_bound(j, flips, lam)
    assert (got == ref == -math.inf) or abs(got - ref) <= 1e-12 * max(1.0, abs(ref))
    assert abs(_flip_mi(j, flips) - mi_ref) <= 1e-14
