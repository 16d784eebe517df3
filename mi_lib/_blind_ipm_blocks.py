r"""Block-diagonal factorisation and set-up of the blind interior-point system (private module; imports numba).

Imported only inside :func:`mi_lib._blind_ipm._blind_ipm` (directly, through
:class:`mi_lib._blind_ipm_ops._Ops` and :mod:`mi_lib._blind_ipm_kernel`), so
that ``import mi_lib`` does not load numba.

Structure: the Hessian of :math:`I` couples grid points :math:`e, e'` only
when :math:`e' - e` is a difference of two letter offsets (the diagonals
``offs`` of :mod:`mi_lib._blind_ipm_ops`). The grid therefore splits into the
connected components of the graph :math:`e \sim e + k` (:math:`k` in
``offs``), and after sorting the grid by component the block

.. math::

    K = \Pi H \Pi + \operatorname{diag}(\pi z)

is block diagonal (on the S2 grids of issue 10, :math:`x = -1, 0, 1` and
:math:`e = \operatorname{linspace}(-1, 1, n)`, the components are the residues
modulo :math:`(n - 1)/2`: blocks of 2 and 3 points). One Cholesky factor per
block (:func:`_block_factor`) and the corresponding solves
(:func:`_block_solve`) cost :math:`O(\sum_b n_b^3)` and
:math:`O(\sum_b n_b^2)` instead of :math:`O(n^3)` and :math:`O(n^2)` for the
dense factor of :math:`K + \pi\pi^\top`.

Accuracy: each block is nearly singular along its :math:`\mathbf 1_b`
(homogeneity; only :math:`\operatorname{diag}(\pi z) \approx \mu` remains), so
the Schur complement of the border rows loses up to :math:`\varepsilon / \mu`
relative accuracy along those directions. The caller
(:func:`mi_lib._blind_ipm_kernel._bordered_solve`) therefore refines the
solution on the whole bordered system until its residual is at rounding level,
and falls back to the dense factor when it is not.

Set-up: :func:`_ops_arrays` builds the index arrays of
:class:`mi_lib._blind_ipm_ops._Ops` in one compiled pass (about 40 µs of
numpy calls per solve before, 7 µs now).
"""

from __future__ import annotations

import math

import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True)


@_jit
def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@_jit
def _blocks(n, offs):
    """Components of {0, ..., n-1} under e ~ e + k (k in offs), each sorted ascending.

    Returns ``(perm, bstart, pos, bid, foff)``: the grid sorted by component
    (components in the order of their smallest point), the start of each
    component in ``perm`` (one more entry than components), each point's
    position inside and index of its component, and the offset of each
    component's dense square factor in the flat factor array (last entry: its
    total size).
    """
    parent = np.arange(n)
    for t in range(offs.size):
        k = offs[t]
        if k > 0:
            for r in range(n - k):
                a, b = _find(parent, r), _find(parent, r + k)
                if a != b:
                    parent[max(a, b)] = min(a, b)  # the root is the smallest point
    root_bid = np.full(n, -1)
    size = np.zeros(n, np.int64)
    nb = 0
    bid = np.empty(n, np.int64)
    for e in range(n):
        rt = _find(parent, e)
        if root_bid[rt] < 0:
            root_bid[rt] = nb
            nb += 1
        bid[e] = root_bid[rt]
        size[bid[e]] += 1
    bstart = np.zeros(nb + 1, np.int64)
    foff = np.zeros(nb + 1, np.int64)
    for b in range(nb):
        bstart[b + 1] = bstart[b] + size[b]
        foff[b + 1] = foff[b] + size[b] * size[b]
    perm = np.empty(n, np.int64)
    pos = np.empty(n, np.int64)
    fill = np.zeros(nb, np.int64)
    for e in range(n):  # ascending: each component's points in ascending order
        b = bid[e]
        pos[e] = fill[b]
        perm[bstart[b] + fill[b]] = e
        fill[b] += 1
    return perm, bstart, pos, bid, foff


@_jit
def _block_factor(Kd, offs, pz, blk, Fb):
    """Cholesky factors (lower, row-major per block) of K = Pi H Pi + diag(pz); False if one is not definite."""
    perm, bstart, pos, bid, foff = blk
    n = pz.size
    for i in range(Fb.size):
        Fb[i] = 0.0
    for e in range(n):
        b = bid[e]
        s = bstart[b + 1] - bstart[b]
        Fb[foff[b] + pos[e] * (s + 1)] = pz[e]
    for t in range(offs.size):
        k = offs[t]
        if k <= 0:  # entry (r, r + k), r + k <= r: the lower triangle (positions ascend with the index)
            for r in range(-k, n):
                b = bid[r]
                s = bstart[b + 1] - bstart[b]
                Fb[foff[b] + pos[r] * s + pos[r + k]] += Kd[t, r]
    for b in range(bstart.size - 1):
        s, o = bstart[b + 1] - bstart[b], foff[b]
        for i in range(s):
            for j in range(i + 1):
                v = Fb[o + i * s + j]
                for m in range(j):
                    v -= Fb[o + i * s + m] * Fb[o + j * s + m]
                if i == j:
                    if not v > 0.0:
                        return False
                    Fb[o + i * s + i] = math.sqrt(v)
                else:
                    Fb[o + i * s + j] = v / Fb[o + j * s + j]
    return True


@_jit
def _block_solve(Fb, blk, x, tmp):
    """Solve K x = b in place (``x`` holds b) with the block factors of :func:`_block_factor`."""
    perm, bstart, foff = blk[0], blk[1], blk[4]
    for b in range(bstart.size - 1):
        s, o, st = bstart[b + 1] - bstart[b], foff[b], bstart[b]
        for i in range(s):
            v = x[perm[st + i]]
            for m in range(i):
                v -= Fb[o + i * s + m] * tmp[m]
            tmp[i] = v / Fb[o + i * s + i]
        for i in range(s - 1, -1, -1):
            v = tmp[i] / Fb[o + i * s + i]
            tmp[i] = v
            for m in range(i):
                tmp[m] -= Fb[o + i * s + m] * v
        for i in range(s):
            x[perm[st + i]] = tmp[i]


@_jit
def _ops_arrays(rg, ro, rp, gp, n, ny):
    """The per-problem arrays of :class:`mi_lib._blind_ipm_ops._Ops` (one compiled pass instead of ~30 numpy calls).

    Returns ``(rc, pad, gpw, qpad, W, hbase, offs)``: p(x|u) per row; 1 where
    group g can never reach output y; p(u) where it can; 1 where no group
    can; the pair weights per Hessian diagonal (``W[t, g nO + i]`` =
    :math:`p(g, O_i) p(g, O_j) / p(g)` and ``W[t, G nO + i]`` =
    :math:`-P(O_i) P(O_j)` for the one j with :math:`O_i - O_j` = ``offs[t]``,
    O the distinct letter offsets, P the X-marginal); the offsets of the
    stacked reciprocals [1/V; 1/q] each weight multiplies; the diagonals
    (offsets :math:`|k| < n`, ascending).
    """
    G, R = gp.size, rg.size
    reach = np.zeros((G, ny), np.bool_)
    for r in range(R):
        for e in range(n):
            reach[rg[r], ro[r] + e] = True
    pad, gpw, qpad = np.empty((G, ny)), np.empty((G, ny)), np.empty(ny)
    for y in range(ny):
        hit = False
        for g in range(G):
            pad[g, y] = 0.0 if reach[g, y] else 1.0
            gpw[g, y] = gp[g] if reach[g, y] else 0.0
            hit = hit or reach[g, y]
        qpad[y] = 0.0 if hit else 1.0
    rc = np.empty(R)
    for r in range(R):
        rc[r] = rp[r] / gp[rg[r]]
    O = np.unique(ro)
    nO = O.size
    P = np.zeros((G, nO))
    for r in range(R):
        P[rg[r], np.searchsorted(O, ro[r])] = rp[r]  # one row per (u, x): (group, offset) pairs are distinct
    Px = np.zeros(nO)
    for g in range(G):
        for i in range(nO):
            Px[i] += P[g, i]
    ks = np.empty(nO * nO, np.int64)
    cnt = 0
    for i in range(nO):
        for j in range(nO):
            if abs(O[i] - O[j]) < n:
                ks[cnt] = O[i] - O[j]
                cnt += 1
    offs = np.unique(ks[:cnt])
    W = np.zeros((offs.size, (G + 1) * nO))
    for i in range(nO):
        for j in range(nO):
            k = O[i] - O[j]
            if abs(k) < n:  # for a given i the offsets O_i - O_j are distinct: one pair j per (diagonal, i)
                t = np.searchsorted(offs, k)
                for g in range(G):
                    W[t, g * nO + i] = P[g, i] * P[g, j] / gp[g]
                W[t, G * nO + i] = -(Px[i] * Px[j])
    hbase = np.empty((G + 1) * nO, np.int64)
    for g in range(G + 1):
        for i in range(nO):
            hbase[g * nO + i] = g * ny + O[i]
    return rc, pad, gpw, qpad, W, hbase, offs
