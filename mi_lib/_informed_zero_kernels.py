r"""Compiled kernel of the quantile-coupling zero-information channel (private module; numba).

:func:`quantile_cells` merges the groups' cumulative distributions (letters
in a given order) into the cells of the quantile coupling and gives every
cell the output cheapest for the letters of all groups on it, stopping as
soon as the running cost exceeds a cap (costs are non-negative). Derivation:
:mod:`mi_lib._informed_zero` and ``notes/discrete_solvers.md``, round 7.
"""

from __future__ import annotations

import numpy as np

from ._mixing_kernels import _jit

_INF = np.inf


@_jit
def quantile_cells(p, x, rank, gidx, goff, pu, ctil, cap, lengths, cell_rows, ybest):
    """Fill the cells (length, row of every group, output) of the quantile coupling; return (cost, cells).

    ``rank`` orders the letters; the rows of group ``g`` are
    ``gidx[goff[g]:goff[g + 1]]``. Returns ``(inf, 0)`` when the running cost
    passes ``cap`` or when a cell has no output every group reaches. A row
    whose mass is lost to rounding gets no cell (the caller checks). ``lengths``,
    ``cell_rows`` (m, G) and ``ybest`` need room for ``gidx.size`` cells.
    """
    G = goff.size - 1
    ny = ctil.shape[1]
    order = np.empty(gidx.size, dtype=np.intp)  # every group's rows by letter rank (insertion sort: few rows)
    cum = np.empty(gidx.size)
    for g in range(G):
        a, b = goff[g], goff[g + 1]
        for i in range(a, b):
            k = gidx[i]
            j = i
            while j > a and rank[x[order[j - 1]]] > rank[x[k]]:
                order[j] = order[j - 1]
                j -= 1
            order[j] = k
        tot = 0.0
        for i in range(a, b):
            tot += p[order[i]]
            cum[i] = tot
        for i in range(a, b - 1):
            cum[i] /= tot
        cum[b - 1] = 1.0
    pos = goff[:-1].copy()  # current row of every group
    t = 0.0
    cost = 0.0
    m = 0
    while True:
        e = 1.0  # the next breakpoint: the least current cumulative end
        for g in range(G):
            if cum[pos[g]] < e:
                e = cum[pos[g]]
        length = e - t
        if length > 0.0:
            best = _INF
            yb = -1
            for y in range(ny):
                v = 0.0
                for g in range(G):
                    v += pu[g] * ctil[x[order[pos[g]]], y]
                if v < best:
                    best = v
                    yb = y
            if yb < 0:
                return _INF, 0
            cost += length * best
            if cost > cap:
                return _INF, 0
            lengths[m] = length
            for g in range(G):
                cell_rows[m, g] = order[pos[g]]
            ybest[m] = yb
            m += 1
        t = e
        if e >= 1.0:
            break
        for g in range(G):  # leave every row that ends here (a row whose mass rounds away is skipped)
            while cum[pos[g]] <= e and pos[g] < goff[g + 1] - 1:
                pos[g] += 1
    return cost, m
