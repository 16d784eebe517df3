r"""Coset split of the blind problem: layout and the batched per-coset Newton (private module).

When every letter offset is a multiple of :math:`g > 1` grid steps, grid
points :math:`j` and :math:`j'` share outputs only if :math:`j \equiv j'
\pmod g`, so :math:`I(U;Y) = \sum_c w_c I_c(\sigma_c)` over the cosets
(:func:`_structure` lays them out as a padded batch, :func:`_outputs` gives
their output laws). Algorithm: :math:`F_c(s) = \min_{\sigma_c} I_c + s\,
\mathbb{E}_{\sigma_c}\kappa` for all cosets at once by damped Newton steps on
the bordered, :math:`\sqrt{\sigma}`-scaled system (:func:`_step`,
:func:`_newton`), warm-started by the log-linear prediction
:math:`\sigma \exp((s - s_0)\,\partial_s\sigma / \sigma)` from the laws stored at
slope :math:`s_0` (it keeps every mass positive and follows the nearly
exponential dependence of the optimal masses on the slope). Bound:
:func:`_bound` is the one-step Blahut–Arimoto certificate :math:`L_c(s) \le
F_c(s)` of each coset, valid at any full-support law. When the letters and costs are
symmetric under the reflection of the grid, coset c and its mirror have the same
problem (:func:`_structure`): only one of each pair is solved. The loops are compiled
(:mod:`mi_lib._blind_coset_kernels`, numba, imported on first use). Derivation: ``notes/discrete_solvers.md``, "The coset
split of the blind problem".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


_MAX_M = 64  # dense Newton per coset up to this many points
_MAX_ROWS = 64  # letters (u, x) with positive mass


@dataclass(frozen=True, slots=True)
class _Rows:
    d: np.ndarray  # offsets of the letters in coset units
    cond: np.ndarray  # p(x | u)
    pa: np.ndarray  # p(u, x)
    grp: np.ndarray  # group index of each letter
    gp: np.ndarray  # p(u) per group
    dmax: int
    k: tuple  # (d, grp, cond, pa, gp) as the kernels take them (int64, int64, float64 x 3)


@dataclass(slots=True)
class _Batch:
    idx: np.ndarray  # (C, m) indices into the model grid (padded entries repeat a valid index)
    real: np.ndarray  # (C, m) False on the padding of cosets shorter than m
    kappa: np.ndarray  # (C, m), zero on the padding
    sigma: np.ndarray  # (C, m) current law on each coset: positive on real points, zero on padding
    dsig: np.ndarray  # (C, m) d sigma / d s at the slope ``s``
    s: np.ndarray  # (C,) slope at which each stored law was computed
    mir: np.ndarray | None = None  # (C,) mirror coset of each coset (see _structure), None without the symmetry
    mdelta: float = 0.0  # max |kappa_j - kappa_(n-1-j)| over the grid when ``mir`` is set
    reps: np.ndarray | None = None  # (K,) the cosets that are solved (c <= mir[c]; all without the mirror)
    kmin: np.ndarray | None = None  # (C,) smallest cost of each coset


def _kn():
    from . import _blind_coset_kernels as kn  # numba: loaded on first use only

    return kn


def _outputs(r: _Rows, sig: np.ndarray):
    """``(V, q, log V, log q, I_c)`` of every coset of the batch ``sig`` (:func:`~mi_lib._blind_coset_kernels.outputs_batch`)."""
    return _kn().outputs_batch(r.k, np.ascontiguousarray(sig, dtype=float))


def _gradient(r: _Rows, lV: np.ndarray, lq: np.ndarray, real: np.ndarray) -> np.ndarray:
    """dI_c / dsigma on the real points, 0 on the padding."""
    return _kn().gradient_batch(r.k, lV, lq, np.ascontiguousarray(real))


def _hessian(r: _Rows, V: np.ndarray, q: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Hessian of I_c on real x real, 0 elsewhere (1/q, 1/V taken as 0 where q, V are 0).

    Masses so small that 1 / q overflows give inf or NaN entries: the Newton
    solve then reports a non-finite decrement and the caller returns None.
    """
    return _kn().hessian_batch(r.k, V, q, np.ascontiguousarray(real))


_CONVERGED = 1e-26  # Newton decrement at which a coset is solved to rounding
_RESID = 1e-11  # and the largest spread of the gradient on the coset (nats)


def _step(r: _Rows, b: _Batch, sig: np.ndarray, s: float):
    """One damped Newton step on every coset of the batch at slope ``s``.

    Returns ``(new sigma, f, I, converged, dsig)`` with f, I and the
    convergence test at ``sig`` and d sigma / d s there, or None when a mass
    is not positive, the system is singular or the decrement is not finite.
    The step (:func:`~mi_lib._blind_coset_kernels.step_batch`): the bordered
    system [D H D, D; D', 0] with D = diag sqrt(sigma), the decrement z'Hz,
    the residual max |grad - sigma.grad| (converged when they are below
    ``_CONVERGED`` and ``_RESID``), a fraction 0.995 of the step to the
    boundary and, where the decrement exceeds 1e-10, Armijo backtracking.
    """
    out = _kn().step_batch(r.k, np.ascontiguousarray(b.real), b.kappa, np.ascontiguousarray(sig, dtype=float), float(s))
    if out[0] != 0:
        return None
    return out[1:]


def _newton(r: _Rows, b: _Batch, s: float, maxit: int):
    """Minimise I_c + s E kappa on every coset of the batch; returns (F, I, K, Kp, steps) or None.

    Starts from the log-linear prediction of the stored laws (module
    docstring); stores the laws, their derivative in s and the slope in ``b``.
    """
    sig, dsig = np.array(b.sigma, dtype=float), np.array(b.dsig, dtype=float)
    s0 = np.array(b.s, dtype=float)
    st, f, info, steps = _kn().newton_batch(r.k, np.ascontiguousarray(b.real), b.kappa, sig, dsig, s0, float(s),
                                            int(maxit))
    if st != 0:
        return None
    b.sigma, b.dsig, b.s = sig, dsig, s0
    K = np.sum(sig * b.kappa, axis=1)
    return f, info, K, np.sum(b.kappa * dsig, axis=1), int(steps)


def _bound(r: _Rows, b: _Batch, sig: np.ndarray, s: float) -> np.ndarray:
    """One-step Blahut–Arimoto bound L_c <= F_c(s) at the laws ``sig`` (``notes/discrete_solvers.md``).

    Valid for any law with full support on each coset (padding excluded); a
    law with a zero mass is first mixed with a little of the uniform law
    (:func:`mi_lib._blind_coset_active.mixed`).
    """
    return _kn().bound_batch(r.k, np.ascontiguousarray(b.real), b.kappa, np.ascontiguousarray(sig, dtype=float),
                             float(s))


_MIRROR_KAPPA = 1e-12  # largest relative asymmetry of the costs for which the mirror is used


def _structure(model):
    """Rows in coset units and the cosets, or None when the split does not apply.

    It applies when every letter offset is a multiple of g > 1 grid steps,
    with at most ``_MAX_ROWS`` letters and ``_MAX_M`` points per coset. One
    compiled pass (:func:`mi_lib._blind_coset_zero.structure`) also finds the
    mirror symmetry: the reflection j -> n-1-j of the grid maps coset c onto
    coset (n-1-c) mod g, point k onto point L-1-k; if the letters are
    symmetric (the multiset of (dmax - d_a, pi(u_a), p(x_a|u_a)) equals that of
    (d_a, u_a, p(x_a|u_a)) and p(pi(u)) = p(u), exactly, for pi the identity or
    the reversal of the groups), then I_c'(reversed sigma) = I_c(sigma), so
    F_c'(s) >= F_c(s) - |s| delta with delta = max_j |kappa_j - kappa_(n-1-j)|
    (used when delta <= ``_MIRROR_KAPPA`` max_j |kappa_j|): only one coset of
    each mirror pair needs solving. The solver runs the same pass inside its
    single compiled call (:func:`mi_lib._blind_coset_driver.split`); this
    wrapper gives it the form the tests and the Python helpers above take.
    """
    from ._blind_coset_zero import structure  # numba: loaded on first use only

    ok, k, dmax, idx, real, kap, sig0, mir, sym, mdelta, reps, kmin = structure(
        np.asarray(model.roff, dtype=np.int64), np.asarray(model.rg, dtype=np.int64), np.asarray(model.rp, dtype=float),
        np.asarray(model.gp, dtype=float), np.ascontiguousarray(model.kappa, dtype=float), _MAX_ROWS, _MAX_M,
        _MIRROR_KAPPA)
    if not ok:
        return None
    d, grp, cond, pa, gp = k
    rows = _Rows(d=d, cond=cond, pa=pa, grp=grp, gp=gp, dmax=int(dmax), k=k)
    batch = _Batch(idx=idx, real=real, kappa=kap, sigma=sig0, dsig=np.zeros_like(sig0), s=np.zeros(idx.shape[0]),
                   mir=mir if sym else None, mdelta=float(mdelta), reps=reps, kmin=kmin)
    return rows, batch


def _subset(b: _Batch, act: np.ndarray) -> _Batch:
    return _Batch(idx=b.idx[act], real=b.real[act], kappa=b.kappa[act], sigma=b.sigma[act], dsig=b.dsig[act], s=b.s[act])
