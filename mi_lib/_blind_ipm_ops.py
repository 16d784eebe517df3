r"""Blind interior-point method: the index arrays of one problem (private module).

Everything the iteration of :mod:`mi_lib._blind_ipm` evaluates at a
full-support law is indexed once per solve (:class:`_Ops`) and then computed
by the compiled loops of :mod:`mi_lib._blind_ipm_kernel`:

* outputs in the linear domain, :math:`V_u(y) = \sum_x p(x|u)\,\pi(y - x)`
  (one shifted copy of :math:`\pi` per letter row), :math:`q = \sum_u p(u) V_u`;
  positions an output can never reach are padded with 1 so that logarithms and
  reciprocals need no mask (their weight is 0 everywhere);
* :math:`I = \sum_u p(u) \sum_y V_u \log(V_u/q)` and the gradient
  :math:`g_e = \sum_{u,x} p(u,x) \log(V_u(x+e)/q(x+e))`;
* the Hessian diagonals (offsets :math:`k = x - x'`): entry :math:`(e, e+k)` is
  :math:`\sum_{g,i} W_{k,(g,i)} / V_g(O_i + e) - \sum_i W^q_{k,i} / q(O_i + e)`
  with the pair weights of :func:`mi_lib._blind_barrier._plan` summed per
  diagonal in advance;
* the scaled block :math:`K = \Pi H \Pi + \operatorname{diag}(\pi z)` is
  symmetric positive definite (:math:`I` is convex, :math:`\pi z > 0`): one
  Cholesky factorisation of :math:`K + \pi\pi^\top`, and the one or two border
  rows (:math:`\pi`, :math:`\Pi\kappa`) by their Schur complement.

The law must have full support (the interior-point iterates do); the linear
domain is then exact to rounding (no cancellation: every term is positive).
Derivation: ``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import numpy as np

from ._blind_barrier import _plan
from ._blind_lattice import _Blind


class _Ops:
    """Index arrays of one blind problem for the interior-point kernels (built once per solve).

    ``arrays`` is the tuple the kernels take: letter rows (group, output
    offset, p(x|u), p(u, x)), pads and weights of the outputs, and the Hessian
    plan (pair weights per diagonal, their offsets into the stacked
    reciprocals [1/V; 1/q], the diagonal offsets).
    """

    def __init__(self, m: _Blind):
        n, G, ny = m.ne, m.gp.size, m.ny
        self.n, self.G, self.ny = n, G, ny
        rg = np.ascontiguousarray(m.rg, dtype=np.int64)
        ro = np.ascontiguousarray(m.roff, dtype=np.int64)
        reach = np.zeros((G, ny), dtype=bool)
        for g, o in zip(rg.tolist(), ro.tolist()):
            reach[g, o : o + n] = True
        pad = (~reach).astype(float)  # 1 where V_g can never be positive
        gpw = m.gp[:, None] * reach  # p(u) on the reachable positions, 0 on the pads
        qpad = (~reach.any(axis=0)).astype(float)  # 1 where no output can be positive
        W, hbase, offs = self._hessian_plan(m)
        self.arrays = (rg, ro, m.rp / m.gp[rg], np.ascontiguousarray(m.rp, dtype=float), pad,
                       np.ascontiguousarray(m.gp, dtype=float), gpw, qpad, W, hbase, offs)
        self.ndiag = offs.size

    def _hessian_plan(self, m: _Blind):
        plan = _plan(m)
        G = self.G
        nO = plan.WQ.shape[0]
        sel = plan.sel.reshape(-1, nO, nO)  # (diagonal, i, j)
        wv = np.einsum("tij,gij->tgi", sel, plan.WV).reshape(sel.shape[0], G * nO)
        wq = np.einsum("tij,ij->ti", sel, plan.WQ)
        W = np.ascontiguousarray(np.hstack([wv, -wq]))  # (diagonals, (G + 1) nO)
        O = plan.gidx[:, 0]
        hbase = np.concatenate([(g * self.ny + O) for g in range(G + 1)]).astype(np.int64)
        return W, hbase, plan.offs.astype(np.int64)

    def workspace(self):
        """Arrays the kernels fill: V, q, L, g, the stacked reciprocals, the K diagonals, the factor."""
        G, ny, n = self.G, self.ny, self.n
        return (np.empty((G, ny)), np.empty(ny), np.empty((G, ny)), np.empty(n), np.empty((G + 1) * ny),
                np.empty((self.ndiag, n)), np.empty((n, n)))
