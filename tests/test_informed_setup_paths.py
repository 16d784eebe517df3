"""The informed solver's set-up fast paths against the general routes they shortcut.

Round 7 (issue 10) added shortcuts to the fixed per-call work of
``discrete_attack``: a pmf check for float64 arrays, the rows' groups without
``searchsorted`` when every u is present, and the channel as the reshaped
rows when every (u, x) is a row. Each is checked here against the route it
replaces (the checks on a list, ``searchsorted``, the channel's own
information and cost written out).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mi_lib import _validation as v
from mi_lib._mixing import _rows_of
from mi_lib.discrete import discrete_attack


@pytest.mark.parametrize(
    "p",
    [
        [[0.5, 0.5]], [[0.25, 0.25], [0.25, 0.25]], [[0.5, 0.6]], [[np.nan, 1.0]], [[np.inf, -np.inf]],
        [[np.inf, 0.0]], [[1.5, -0.5]], [[1.0 + 5e-10, 0.0]], [[1.0 + 2e-9, 0.0]], [[-0.0, 1.0]], [[0.2, 0.8, 0.0]],
    ],
)
def test_pmf_of_float64_array_as_of_list(p):
    """A float64 array gets the verdict (value or message) of the same numbers given as a list."""
    def verdict(x):
        try:
            return ("ok", v.pmf(x, "p", ndim=2).tolist())
        except ValueError as exc:
            return ("error", str(exc))

    arr = np.array(p, dtype=float)
    assert verdict(arr) == verdict(p)
    if verdict(p)[0] == "ok":
        assert v.pmf(arr, "p", ndim=2) is arr  # the caller's array, as np.asarray returns it
    with pytest.raises(ValueError, match="2-dimensional"):
        v.pmf(arr.ravel(), "p", ndim=2)


@pytest.mark.parametrize("seed", range(6))
def test_rows_groups_match_searchsorted(seed):
    """grp is searchsorted(gu, u) and goff the cumulative row counts, with and without absent u."""
    rng = np.random.default_rng(seed)
    p = rng.random((4, 5)) * (rng.random((4, 5)) < 0.6)
    p[rng.integers(4)] = 0.0 if seed % 2 else p[rng.integers(4)]
    p[0, 0] = 1.0
    p /= p.sum()
    rows = _rows_of(p)
    uu, xx = np.nonzero(p > 0)
    gu = np.flatnonzero(p.sum(axis=1) > 0)
    assert np.array_equal(rows.gu, gu)
    assert np.array_equal(rows.grp, np.searchsorted(gu, uu))
    counts = np.array([np.count_nonzero(p[u] > 0) for u in gu])
    assert rows.goff.tolist() == [0] + np.cumsum(counts).tolist()
    assert [g.tolist() for g in rows.groups] == [np.flatnonzero(uu == u).tolist() for u in gu]


@pytest.mark.parametrize("B", [0.05, 0.3, 2.0])
def test_full_support_channel_layout(B):
    """Every (u, x) a row (the reshaped rows are the channel): its information and cost, written out, are
    the reported ones, and the same problem with an extra letter of mass 0 has the same channel rows (up to
    rounding: its path differs)."""
    p = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    y = np.linspace(-2.0, 2.0, 21)
    c = (y[None, :] - np.array([-1.0, 0.0, 1.0])[:, None]) ** 2
    res = discrete_attack(p, c, B)
    W = res.channel
    assert W.shape == (2, 3, 21) and not W.flags.writeable
    joint = np.einsum("ux,uxy->uy", p, W)
    pu, py = joint.sum(axis=1, keepdims=True), joint.sum(axis=0, keepdims=True)
    nz = joint > 0
    mi = float(np.sum(joint[nz] * np.log(joint[nz] / (pu * py)[nz])))
    assert math.isclose(mi, res.mi, rel_tol=1e-9, abs_tol=1e-13)
    assert math.isclose(float(np.einsum("ux,uxy,xy->", p, W, c)), res.cost, rel_tol=1e-12, abs_tol=1e-15)
    # the general route (a row of mass 0 filled with its cheapest output)
    p0 = np.hstack([p, np.zeros((2, 1))])
    c0 = np.vstack([c, (y - 0.5) ** 2])
    res0 = discrete_attack(p0, c0, B)
    assert np.allclose(res0.channel[:, :3], W, rtol=0.0, atol=1e-7)  # the same optimum, another rounding
    assert np.all(res0.channel[:, 3].argmax(axis=1) == np.argmin((y - 0.5) ** 2))


@pytest.mark.parametrize("seed", range(4))
def test_cells_channel_sums_as_add_at(seed):
    """The quantile coupling's channel (bincount of the cells) is np.add.at's accumulation, bit for bit,
    and _quantile_zero's returned information and cost are the channel's."""
    import mi_lib._informed as inf
    from mi_lib._informed_zero import _cells_channel, _quantile_cells, _quantile_zero

    rng = np.random.default_rng(seed)
    for _ in range(10):
        nU, nX, ny = int(rng.integers(2, 5)), int(rng.integers(2, 6)), int(rng.integers(3, 41))
        p = rng.dirichlet(np.full(nU * nX, 0.8)).reshape(nU, nX)
        x = np.sort(rng.uniform(-1.0, 1.0, nX))
        c = (np.linspace(-1.5, 1.5, ny)[None, :] - x[:, None]) ** 2
        pr = inf._reduce(p, c, float(p.sum(axis=0) @ c.max(axis=1)))
        cells = _quantile_cells(pr.rows, pr.ctil, pr.cheapest, math.inf)
        _, lengths, cell_rows, ybest = cells
        W = np.zeros((pr.rows.p.size, ny))
        np.add.at(W, (cell_rows.ravel(), np.repeat(ybest, cell_rows.shape[1])), np.repeat(lengths, cell_rows.shape[1]))
        W = W / W.sum(axis=1, keepdims=True)
        assert np.array_equal(_cells_channel(pr.rows, ny, cells), W)
        got = _quantile_zero(pr.rows, pr.cfin, cells, math.inf, 1.0)
        assert np.array_equal(got[0], W)
        assert got[1] == inf._rows_mi(pr.rows, W) and got[2] == inf._rows_cost(pr.rows, W, pr.cfin)
