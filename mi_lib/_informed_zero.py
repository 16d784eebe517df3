r"""A zero-information channel without a linear program: the quantile (comonotone) coupling (private module).

Every channel :math:`W` with :math:`I(U;Y) = 0` has one output law :math:`q`
for every :math:`u`; the cheapest of them (cost :math:`B_0`) is a
multi-marginal transport problem, solved exactly by a linear program in
:mod:`mi_lib._informed`. Any one of them within budget is optimal, though
(the bound 0 is always valid), and a good one is found in closed form: order
the letters (by their cheapest output, ties broken as below), couple the laws :math:`p(x|u)` of all
groups by their quantiles (one uniform :math:`t \in (0, 1]` picks the letter
:math:`x_u(t)` of every group), and send each cell of :math:`t` on which the
letters are constant to the output cheapest for them together,
:math:`\arg\min_y \sum_u p(u)\, c(x_u(t), y)`. The output then depends on
:math:`t` only, so :math:`q` is common and :math:`I(U;Y) = 0`. For letters
and outputs on the line (outputs listed in increasing order) and costs
:math:`c(x, y) = h(y - x)` with :math:`h` convex, the cheapest output and,
between letters that share it, :math:`c(x, y_{\rm first}) - c(x, y_{\rm last})`
increase with :math:`x`, so this order is the order on the line, and the
comonotone coupling is then the cheapest one (for squared distance the
barycentre of the :math:`p(x|u)` is their quantile average); the candidate's
cost is :math:`B_0` up to the output grid. Tested against the LP for
:math:`|d|`, :math:`d^2` and :math:`d^4` with the letters in any order;
otherwise the candidate's cost is an upper bound on :math:`B_0`. The caller keeps it only if its computed cost fits the budget
and its computed information is negligible. Derivation:
``notes/discrete_solvers.md``, round 7.
"""

from __future__ import annotations

import math

import numpy as np

from ._logdomain import _lse_1
from ._mixing import _c, _flat_groups, _Mix, _Rows, _rows_cost, _rows_mi


def _quantile_cells(rows: _Rows, ctil: np.ndarray, cheapest: np.ndarray, cap: float):
    """The cells of the quantile coupling (letters by their cheapest output ``cheapest``; ties by
    c(x, y_first) - c(x, y_last), which increases with x for c = h(y - x), h convex, outputs in increasing
    order, then by index).

    Returns (cost, lengths (m,), row of every group (m, G), output (m,)), or
    None if the cost passes ``cap`` or a cell has no output that every group
    reaches.
    """
    from . import _informed_zero_kernels as zk

    rank = np.empty(cheapest.size, dtype=np.intp)
    with np.errstate(invalid="ignore"):
        tie = ctil[:, 0] - ctil[:, -1]  # reduced costs: the same difference as of the costs
    tie = np.where(np.isfinite(tie), tie, 0.0)
    rank[np.lexsort((tie, cheapest))] = np.arange(cheapest.size)
    gidx, goff = _flat_groups(rows)
    n = rows.p.size
    lengths, ybest = np.empty(n), np.empty(n, dtype=np.intp)
    cell_rows = np.empty((n, goff.size - 1), dtype=np.intp)
    cost, m = zk.quantile_cells(rows.p, rows.x, rank, gidx, goff, rows.pu, _c(ctil), float(cap), lengths,
                                cell_rows, ybest)
    if m == 0 or not cost <= cap:  # m = 0: stopped (no common output, or the cap passed)
        return None
    return cost, lengths[:m], cell_rows[:m], ybest[:m]


def _quantile_zero_channel(rows: _Rows, ctil: np.ndarray, cheapest: np.ndarray, cap: float):
    r"""The quantile coupling's zero-information channel rows if its cost is at most ``cap``, else None.

    Cost of a cell :math:`(t_{k-1}, t_k]` at output :math:`y`:
    :math:`\sum_g p(u_g)\, \tilde c(x_g, y)` (reduced costs; infinite if any
    group cannot reach :math:`y`); the channel's expected cost is
    :math:`\sum_k (t_k - t_{k-1}) \min_y` of it (the compiled kernel stops
    once it passes ``cap``). The channel rows are
    :math:`W(y|u,x) = \sum_{k:\, x_u(k) = x,\, y_k = y} (t_k - t_{k-1}) / p(x|u)`,
    renormalised against rounding; None if a row's mass rounded away (no
    cell). The caller measures cost and information of the channel again.
    """
    cells = _quantile_cells(rows, ctil, cheapest, cap)
    return None if cells is None else _cells_channel(rows, ctil.shape[1], cells)


def _cells_channel(rows: _Rows, ny: int, cells):
    """The channel rows of the cells (see :func:`_quantile_zero_channel`), None if a row has no cell."""
    _, lengths, cell_rows, ybest = cells
    G = cell_rows.shape[1]
    n = rows.p.size
    # the sums of np.add.at, in the same order (bincount adds its weights in input order from 0)
    W = np.bincount((cell_rows * ny + ybest[:, None]).ravel(), weights=np.repeat(lengths, G),
                    minlength=n * ny).reshape(n, ny)
    tot = W.sum(axis=1, keepdims=True)
    if not (tot > 0.0).all():
        return None
    return W / tot


def _cells_atoms(cells):
    """The cells as atoms of the mixing problem: (cost, y, sel, log-weights), or None.

    Every cell is one atom (its output and one row per group) of weight its
    length; at the slope 0 this mixture's channel is the zero-information
    channel above (each row's atoms weigh p(x|u) in total), of cost ``cost``.
    """
    if cells is None:
        return None
    cost, lengths, cell_rows, ybest = cells
    keep = lengths > 0.0
    return cost, ybest[keep], cell_rows[keep], np.log(lengths[keep])


def _quantile_zero(rows: _Rows, cfin: np.ndarray, cells, cap: float, tol: float):
    """(channel, its information, its cost) of the quantile coupling's ``cells`` if their cost and the
    channel's computed cost are at most ``cap`` and its computed information is below 0.1 tol (then the
    bound 0 certifies it), else None."""
    if cells is None or not cells[0] <= cap:
        return None
    W0 = _cells_channel(rows, cfin.shape[1], cells)
    if W0 is None:
        return None
    cost = _rows_cost(rows, W0, cfin)
    if not cost <= cap:
        return None
    mi = _rows_mi(rows, W0)
    return (W0, mi, cost) if mi <= 0.1 * tol else None


def _joined(m: _Mix, atoms, frac: float) -> _Mix:
    """The mixture ``m`` (normalised) at weight ``frac`` and the coupling's ``atoms`` (cost, y, sel, log w)
    at ``1 - frac``; atoms already in ``m`` are not repeated."""
    have = set(zip(m.y.tolist(), map(tuple, m.sel.tolist())))
    _, y, sel, lw = atoms
    new = np.array([t not in have for t in zip(y.tolist(), map(tuple, sel.tolist()))], dtype=bool)
    return _Mix(np.concatenate([m.y, y[new]]), np.vstack([m.sel, sel[new]]),
                np.concatenate([m.lw - _lse_1(m.lw) + math.log(frac), lw[new] + math.log1p(-frac)]))


def _with_cheapest_outputs(init: _Mix, atoms, Bt: float) -> _Mix:
    """The atoms of every letter at its cheapest output (``init``, cost 0) and the quantile coupling's
    (``atoms`` = (B0, y, sel, log w), cost B0 > Bt at the slope 0) at the weight ``min(2r, (1 + r) / 2)``,
    r = Bt / B0: the fixed weights' cost then spans the budget over the slopes (a start of the bordered
    method whose slope equation has a root, near the budget's weights)."""
    B0, y, sel, lw = atoms
    r = Bt / B0
    frac = min(2.0 * r, 0.5 + 0.5 * r)
    return _Mix(np.concatenate([init.y, y]), np.vstack([init.sel, sel]),
                np.concatenate([init.lw - _lse_1(init.lw) + math.log1p(-frac), lw + math.log(frac)]))


def _zero_mi_possible(rows: _Rows, ctil: np.ndarray) -> bool:
    """Necessary conditions for a channel with I(U;Y) = 0 (else the linear program is infeasible).

    Every row must reach an output all groups reach; and for the set S of
    outputs a letter x reaches, the common output law q must give S at least
    the mass of the rows that reach only S and at most the mass of the rows
    that reach S, in every group (Hall's condition for the transport from
    p(x|u) to q, on the sets S that the letters define).
    """
    fin = np.isfinite(ctil[rows.x])  # (n, |Y|); rows are sorted by group
    starts = np.array([idx[0] for idx in rows.groups])
    common = np.logical_and.reduce(np.logical_or.reduceat(fin, starts, axis=0), axis=0)
    if not np.all(np.any(fin & common[None, :], axis=1)):
        return False
    pxu = np.exp(rows.logpxu)
    R = np.isfinite(ctil)  # (|X|, |Y|) the outputs each letter reaches
    inside = ~np.any(fin[:, None, :] & ~R[None, :, :], axis=2)  # (n, |X|): row's outputs within S_x
    meets = np.any(fin[:, None, :] & R[None, :, :], axis=2)  # (n, |X|): row reaches S_x
    low = np.add.reduceat(pxu[:, None] * inside, starts, axis=0).max(axis=0)
    high = np.add.reduceat(pxu[:, None] * meets, starts, axis=0).min(axis=0)
    return bool(np.all(low <= high + 1e-9))
