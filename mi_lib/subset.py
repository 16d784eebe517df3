r"""Attacking a subset of coordinates: the corrected Theorem 4.1 (E4, B4).

The paper's §4 lets the attacker change only the coordinates in a set
:math:`T`, :math:`|T| = k`, of :math:`Y = U + E` and states the minimum
:math:`\tfrac12\log((2\pi e)^{m-k}|\Sigma_{\bar T}|)`. Without observation
noise the untouched coordinates reveal :math:`U_{\bar T}` exactly, so for a
continuous :math:`U` the mutual information is :math:`+\infty`; the stated
value is the differential entropy :math:`h(U_{\bar T})`
(:func:`paper_theorem41_value`), which can be negative.

Corrected setting. :math:`X = U + W` with independent
:math:`U \sim N(0, \mathrm{diag}(s))`, :math:`W \sim N(0, \mathrm{diag}(n))`;
the attacker sees :math:`(U, W)`, picks :math:`T` with :math:`|T| = k` and
:math:`E` with :math:`E_{\bar T} = 0` and
:math:`\sum_{i \in T}\mathbb{E}[E_i^2] \le D`. Then

.. math::

    \min I(U; X + E) = \min_{|T| = k}\;\min_{\substack{D_i \ge 0\\ \sum_{i\in T} D_i \le D}}
    \Bigl[\sum_{i \in T} g_i(D_i) + \sum_{i \notin T} c_i\Bigr],

with :math:`c_i = \tfrac12\log(1 + s_i/n_i)` and :math:`g_i` the scalar optimum
of :func:`mi_lib.gaussian.gaussian_attack`,
:math:`g_i(t) = \log\frac{s_i + n_i}{\sqrt{n_i(s_i + n_i - t)} + \sqrt{s_i t}}`
for :math:`t < s_i` and 0 beyond. Proof in ``notes/derivations_gaussian.md``:
:math:`I(U; Y) \ge \sum_i I(U_i; Y_i)` for independent :math:`U_i`, each term is
bounded by the scalar theorem (whatever else :math:`E_i` depends on), and
independent per-coordinate optimal attacks meet the bound.

"At most k" and "exactly k" coincide when :math:`D > 0`: :math:`g_i'(0^+) = -\infty`,
so adding a coordinate with a sliver of budget always helps.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from mi_lib._validation import ArgumentTypeError, finite_array, integer, nonnegative
from mi_lib.gaussian import _informed_mi_array

__all__ = [
    "SubsetAttack",
    "subset_attack",
    "fixed_subset_attack",
    "paper_theorem41_value",
]


@dataclass(frozen=True, slots=True)
class SubsetAttack:
    r"""Optimal attack on a subset of coordinates (corrected Theorem 4.1).

    Attributes
    ----------
    mi : float
        Minimum :math:`I(U; X + E)` in nats (``inf`` if a noise-free coordinate
        stays unattacked or unbudgeted).
    subset : tuple of int
        Attacked coordinates :math:`T`, sorted.
    allocation : numpy.ndarray, shape (m,)
        Budget :math:`D_i` per coordinate (0 outside :math:`T`).
    coordinate_mi : numpy.ndarray, shape (m,)
        :math:`I(U_i; Y_i)` per coordinate at the optimum; sums to ``mi``.
    lower_bound : float
        Certified lower bound on the optimum (Lagrangian duality, see
        :func:`subset_attack`).
    gap : float
        ``mi - lower_bound`` (0 when both are infinite).
    method : str
        ``"exhaustive"``, ``"lagrangian"`` or ``"fixed"``.
    k : int
        Subset size.
    D : float
        Budget.
    """

    mi: float
    subset: tuple[int, ...]
    allocation: np.ndarray
    coordinate_mi: np.ndarray
    lower_bound: float
    gap: float
    method: str
    k: int
    D: float


# ---------------------------------------------------------------------------
# scalar pieces, vectorised over coordinates
# ---------------------------------------------------------------------------


def _clean_mi(s: np.ndarray, n: np.ndarray) -> np.ndarray:
    r""":math:`c_i = \tfrac12\log(1 + s_i/n_i)`; ``inf`` where :math:`n_i = 0`."""
    out = np.full(s.shape, np.inf)
    ok = n > 0
    out[ok] = 0.5 * np.log1p(s[ok] / n[ok])
    return out


def _attacked_slope(s: np.ndarray, n: np.ndarray, t: np.ndarray) -> np.ndarray:
    r""":math:`g_i'(t_i)` (:math:`-\infty` at :math:`t_i = 0`, 0 for :math:`t_i \ge s_i`)."""
    out = np.zeros(s.shape)
    act = t < s
    si, ni, ti = s[act], n[act], t[act]
    rest = si + ni - ti
    val = np.full(si.shape, -np.inf)
    pos = ti > 0
    sp, np_, tp, rp = si[pos], ni[pos], ti[pos], rest[pos]
    num = np.sqrt(sp) / (2.0 * np.sqrt(tp)) - np.sqrt(np_) / (2.0 * np.sqrt(rp))
    den = np.sqrt(np_ * rp) + np.sqrt(sp * tp)
    # products of tiny variances can underflow; then take the roots one by one
    tiny = den < 1e-150
    den[tiny] = np.sqrt(np_[tiny]) * np.sqrt(rp[tiny]) + np.sqrt(sp[tiny]) * np.sqrt(tp[tiny])
    with np.errstate(over="ignore"):  # g' below -1.8e308 is -inf
        val[pos] = -num / den
    out[act] = val
    return out


_LOG_LAM_MAX = 600.0
"""Bracket limit for :math:`\\log\\lambda` (keeps every product finite)."""


def _stationary_budget(s: np.ndarray, n: np.ndarray, log_lam: float) -> np.ndarray:
    r"""Minimiser :math:`t_i(\lambda)` of :math:`g_i(t) + \lambda t` for :math:`\lambda = e^{\text{log\_lam}}`.

    Write :math:`t = s\,v^2 (1 + p^2)/(p^2 + v^2)` with :math:`p^2 = n/s` and
    :math:`v = \tan\psi / \tan\psi_{\max} \in (0, 1)` (:math:`\sin^2\psi = t/R^2`,
    :math:`R^2 = s + n`). The stationarity condition :math:`-g'(t) = \lambda`
    becomes, with :math:`w = 1/(1 + 2\lambda R^2)`, the cubic

    .. math:: w v^3 + (1 - 2w) v^2 + p^2 v - p^2 w = 0,

    negative at 0 and positive at 1, with one root in :math:`(0, 1)` (strict
    convexity of :math:`g`), found by safeguarded Newton. For :math:`n = 0`
    the root is explicit: :math:`t = \min(1/(2\lambda), s)`.
    """
    log_lam = min(max(log_lam, -_LOG_LAM_MAX), _LOG_LAM_MAX)
    R2 = s + n
    t = np.empty(s.shape)
    free = n == 0
    t[free] = np.minimum(0.5 * math.exp(-log_lam), s[free])
    noisy = ~free
    if not np.any(noisy):
        return t
    sn, nn, Rn = s[noisy], n[noisy], R2[noisy]
    p2 = nn / sn
    log_L = math.log(2.0) + log_lam + np.log(Rn)
    w = 1.0 / (1.0 + np.exp(np.minimum(log_L, 700.0)))
    lo = np.zeros(p2.shape)
    hi = np.ones(p2.shape)
    v = np.full(p2.shape, 0.5)
    for _ in range(100):
        P = ((w * v + (1.0 - 2.0 * w)) * v + p2) * v - p2 * w
        lo = np.where(P <= 0, v, lo)
        hi = np.where(P >= 0, v, hi)
        dP = (3.0 * w * v + 2.0 * (1.0 - 2.0 * w)) * v + p2
        step_ok = dP > 0
        v_newton = v - P / np.where(step_ok, dP, 1.0)
        inside = step_ok & (v_newton >= lo) & (v_newton <= hi)
        v_next = np.where(inside, v_newton, 0.5 * (lo + hi))
        settled = np.abs(v_next - v) <= 4e-16 * v_next
        v = v_next
        if np.all(settled):
            break
    v2 = v * v
    t[noisy] = np.minimum(sn * v2 * (1.0 + p2) / (p2 + v2), sn)
    return t


def _conjugate_lower(s: np.ndarray, n: np.ndarray, lam: float, t: np.ndarray) -> np.ndarray:
    r"""Certified lower bound on :math:`\psi_i(\lambda) = \min_{t \ge 0}[g_i(t) + \lambda t]`.

    :math:`f_i(t) = g_i(t) + \lambda t` is convex with its minimiser in
    :math:`[0, s_i]`. For a point :math:`u` and a subgradient
    :math:`\xi \in \partial f_i(u)`, :math:`f_i(t) \ge f_i(u) + \xi (t - u)`.
    Two bounds are combined:

    * bracket: if :math:`\xi_- \le 0 \le \xi_+` at
      :math:`t_\mp = \tilde t(1 \mp 10^{-8})`, the minimiser lies in
      :math:`[t_-, t_+]` and :math:`\min f_i \ge f_i(t_\mp) - |\xi_\mp|(t_+ - t_-)`;
    * one point: :math:`\min f_i \ge f_i(\tilde t) - \xi\tilde t` if
      :math:`\xi \ge 0`, else :math:`f_i(\tilde t) - |\xi|(s_i - \tilde t)`.

    The subgradient of least magnitude is used at a kink (for :math:`n_i = 0`,
    :math:`\partial g_i(s_i) = [-1/(2 s_i), 0]`). The result is floored at 0
    (:math:`f_i \ge 0`), which is also the fallback where a value or slope is
    infinite.
    """

    def value_slope(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        f = _informed_mi_array(s, n, u) + lam * u
        xi = _attacked_slope(s, n, u) + lam
        kink = (n == 0) & (u == s)
        xi[kink] = np.maximum(lam - 0.5 / s[kink], 0.0)
        return f, xi

    f0, xi0 = value_slope(t)
    bound = np.zeros(s.shape)
    ok = np.isfinite(f0) & np.isfinite(xi0)
    dist = np.where(xi0 >= 0, t, s - t)
    bound[ok] = f0[ok] - np.abs(xi0[ok]) * dist[ok]

    t_lo = t * (1.0 - 1e-8)
    t_hi = np.minimum(t * (1.0 + 1e-8), s)
    f_lo, xi_lo = value_slope(t_lo)
    f_hi, xi_hi = value_slope(t_hi)
    br = (
        np.isfinite(f_lo) & np.isfinite(f_hi) & np.isfinite(xi_lo) & np.isfinite(xi_hi)
        & (xi_lo <= 0) & (xi_hi >= 0)
    )
    width = t_hi - t_lo
    with np.errstate(invalid="ignore", over="ignore"):  # non-finite entries are masked out by br
        b_br = np.maximum(f_lo - np.abs(xi_lo) * width, f_hi - np.abs(xi_hi) * width)
    bound[br] = np.maximum(bound[br], b_br[br])
    return np.maximum(bound, 0.0)


def _allocate(s: np.ndarray, n: np.ndarray, D: float) -> tuple[np.ndarray, float]:
    r"""Optimal split of ``D`` over the attacked coordinates; returns ``(t, log_lambda)``.

    Solves :math:`\sum_i t_i(\lambda) = D` for :math:`\log\lambda` by Brent's
    method (water-filling on the derivative of the closed form).
    :math:`\log\lambda = -\infty` when ``D`` erases every coordinate and
    :math:`+\infty` when ``D = 0``.
    """
    if s.size == 0:
        return np.zeros(0), 0.0
    cap = float(s.sum())
    if D >= cap:
        return s.copy(), -math.inf
    if D == 0.0:
        return np.zeros(s.shape), math.inf

    def excess(log_lam: float) -> float:
        return float(_stationary_budget(s, n, log_lam).sum()) - D

    lo, hi = 0.0, 0.0
    while excess(lo) <= 0.0 and lo > -_LOG_LAM_MAX:
        lo = max(lo - 4.0, -_LOG_LAM_MAX)
    while excess(hi) >= 0.0 and hi < _LOG_LAM_MAX:
        hi = min(hi + 4.0, _LOG_LAM_MAX)
    if excess(lo) <= 0.0 or excess(hi) >= 0.0:  # budget beyond the representable range
        log_lam = lo if excess(lo) <= 0.0 else hi
    else:
        log_lam = optimize.brentq(
            excess, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500
        )
    t = _stationary_budget(s, n, log_lam)
    total = float(t.sum())
    if total > D:  # keep the allocation feasible
        t = t * (D / total)
    return t, log_lam


def _arrays(signal_var, noise_var) -> tuple[np.ndarray, np.ndarray]:
    s = finite_array(signal_var, "signal_var", ndim=1)
    n = finite_array(noise_var, "noise_var", ndim=1)
    if s.shape != n.shape:
        raise ValueError(
            f"signal_var and noise_var must have the same shape; got {s.shape} and {n.shape}"
        )
    if s.size == 0:
        raise ValueError("signal_var is empty")
    if np.any(s <= 0):
        raise ValueError(f"signal_var must be positive; min is {s.min():.3g}")
    if np.any(n < 0):
        raise ValueError(f"noise_var must be non-negative; min is {n.min():.3g}")
    return s, n


def _k_arg(k, m: int) -> int:
    k = integer(k, "k")
    if not 0 <= k <= m:
        raise ValueError(f"k must satisfy 0 <= k <= m = {m}; got {k}")
    return int(k)


def _evaluate(s, n, c, T: tuple[int, ...], D: float):
    """MI, allocation, per-coordinate MI and certified bound for a fixed ``T``."""
    m = s.size
    idx = np.array(T, dtype=int)
    alloc = np.zeros(m)
    coord = c.copy()
    if idx.size:
        t, log_lam = _allocate(s[idx], n[idx], D)
        alloc[idx] = t
        coord[idx] = _informed_mi_array(s[idx], n[idx], t)
    mi = float(coord.sum())
    unatt = np.ones(m, dtype=bool)
    unatt[idx] = False
    if not idx.size:
        lb = mi
    elif log_lam == -math.inf:  # every attacked coordinate erased: exact
        lb = float(c[unatt].sum())
    elif log_lam == math.inf:  # D == 0: nothing to dualise
        lb = mi
    else:
        lam = math.exp(log_lam)
        t_stat = _stationary_budget(s[idx], n[idx], log_lam)
        psi = _conjugate_lower(s[idx], n[idx], lam, t_stat)
        lb = float(c[unatt].sum()) + float(psi.sum()) - lam * D
    return mi, alloc, coord, min(lb, mi)


_SPAN_MIN = 1e-290
"""Smallest positive variance, relative to the largest, that the unit-scale solver accepts."""


def _unit_scale(s: np.ndarray, n: np.ndarray, D: float) -> tuple[np.ndarray, np.ndarray, float, int]:
    r"""Divide the variances and the budget by :math:`2^K`, :math:`K` the exponent of the largest variance.

    The problem is invariant under :math:`(s, n, D) \to c\,(s, n, D)`
    (every :math:`g_i` and :math:`c_i` depends on ratios only), and a power of
    two changes no mantissa, so results for inputs scaled by :math:`2^j` are
    bitwise the same (for peaks outside :math:`[2^{-60}, 2^{60}]`, which are
    the only ones rescaled, so that ordinary problems are solved exactly as
    given). At unit scale the multiplier bracket, the cubic of
    :func:`_stationary_budget` and the products in the slopes neither overflow
    nor underflow. Variances more than 1e290 apart within one problem cannot
    be brought to a common scale and raise ``ValueError``; a budget that
    overflows at unit scale exceeds every variance and is capped at their sum.
    """
    peak = float(max(s.max(), n.max()))
    # ordinary magnitudes are left alone (K = 0), so their results do not move by an ulp
    K = 0 if 2.0**-60 <= peak <= 2.0**60 else math.frexp(peak)[1]
    su, nu = np.ldexp(s, -K), np.ldexp(n, -K)
    low = min(float(su.min()), float(nu[nu > 0].min()) if np.any(nu > 0) else 1.0)
    if low < _SPAN_MIN:
        raise ValueError(
            "signal_var and noise_var span more than 1e290 (positive entries from "
            f"{min(s.min(), n[n > 0].min() if np.any(n > 0) else s.min()):.3g} to {max(s.max(), n.max()):.3g}); "
            "the shared budget cannot be split at one working scale"
        )
    try:
        Du = math.ldexp(D, -K)
    except OverflowError:
        Du = math.inf
    return su, nu, min(Du, float(su.sum()) * 2.0), K


def _result(mi, T, alloc, coord, lb, method, k, D, K) -> SubsetAttack:
    gap = 0.0 if math.isinf(mi) and math.isinf(lb) else mi - lb
    alloc = np.ldexp(alloc, K)  # back to the caller's units (allocation <= signal_var: no overflow)
    alloc.setflags(write=False)
    coord.setflags(write=False)
    return SubsetAttack(
        mi=mi,
        subset=tuple(int(i) for i in sorted(T)),
        allocation=alloc,
        coordinate_mi=coord,
        lower_bound=lb,
        gap=gap,
        method=method,
        k=k,
        D=D,
    )


def fixed_subset_attack(signal_var, noise_var, subset, D: float) -> SubsetAttack:
    r"""Optimal budget split for a given attacked set :math:`T`.

    Parameters
    ----------
    signal_var, noise_var : array_like, shape (m,)
        Variances :math:`s_i > 0` of :math:`U_i` and :math:`n_i \ge 0` of :math:`W_i`.
    subset : sequence of int
        Distinct indices in ``range(m)``.
    D : float
        Total budget :math:`D \ge 0`.

    Returns
    -------
    SubsetAttack
        ``method == "fixed"``.

    Notes
    -----
    For fixed :math:`T` the problem :math:`\min\sum_{i\in T} g_i(D_i)`,
    :math:`\sum D_i \le D`, is convex (each :math:`g_i` is convex, decreasing
    on :math:`[0, s_i]`, :math:`C^1`, with :math:`g_i'(0^+) = -\infty` and
    :math:`g_i'(s_i) = 0`). KKT: :math:`-g_i'(D_i) = \lambda` for every
    :math:`i \in T` (all get positive budget), :math:`\lambda` chosen so the
    budget is spent, or :math:`D_i = s_i` if :math:`D \ge \sum_T s_i`.
    """
    s, n = _arrays(signal_var, noise_var)
    D = nonnegative(D, "D")
    m = s.size
    if isinstance(subset, (str, bytes)) or not hasattr(subset, "__iter__"):
        raise ArgumentTypeError(f"subset must be a sequence of integer indices; got {subset!r}")
    # each index must be an integer (0.5 is an error, not coordinate 0)
    idx = np.asarray(subset, dtype=object)
    if idx.ndim != 1:
        raise ValueError(f"subset must be a 1-D sequence of indices; got shape {idx.shape}")
    T = tuple(integer(i, "subset index") for i in idx)
    if len(set(T)) != len(T) or any(not 0 <= i < m for i in T):
        raise ValueError(f"subset must hold distinct indices in range({m}); got {T}")
    s, n, Du, K = _unit_scale(s, n, D)
    c = _clean_mi(s, n)
    mi, alloc, coord, lb = _evaluate(s, n, c, T, Du)
    return _result(mi, T, alloc, coord, lb, "fixed", len(T), D, K)


def _dual_bound(s, n, c, k: int, D: float, log_lam: float) -> tuple[float, tuple[int, ...]]:
    r"""Global Lagrangian bound :math:`\min_{|T|=k}[\sum_{\bar T} c_i + \sum_T\psi_i(\lambda)] - \lambda D`.

    Also returns the minimising :math:`T` (the :math:`k` largest
    :math:`c_i - \psi_i(\lambda)`, noise-free coordinates first).
    """
    lam = math.exp(log_lam)
    t = _stationary_budget(s, n, log_lam)
    psi = _conjugate_lower(s, n, lam, t)
    benefit = np.full(s.shape, np.inf)
    fin = np.isfinite(c)
    benefit[fin] = c[fin] - psi[fin]
    order = np.argsort(-benefit, kind="stable")
    T = order[:k]
    rest = order[k:]
    val = float(c[rest].sum()) + float(psi[T].sum()) - lam * D
    return val, tuple(int(i) for i in sorted(T))


def _lagrangian(s, n, c, k: int, D: float):
    r"""Primal-dual heuristic with a certified bound (for large ``m``).

    Maximises the concave dual bound over :math:`\log\lambda` by bisection on
    the sign of its supergradient :math:`\sum_{T(\lambda)} t_i(\lambda) - D`,
    then solves the budget split exactly for the set(s) :math:`T(\lambda)`
    found at the end of the bracket.
    """

    def slope(log_lam: float) -> tuple[float, tuple[int, ...]]:
        _, T = _dual_bound(s, n, c, k, D, log_lam)
        idx = np.array(T, dtype=int)
        return float(_stationary_budget(s[idx], n[idx], log_lam).sum()) - D, T

    lo, hi = 0.0, 0.0
    while slope(lo)[0] <= 0.0 and lo > -_LOG_LAM_MAX:
        lo = max(lo - 4.0, -_LOG_LAM_MAX)
    while slope(hi)[0] >= 0.0 and hi < _LOG_LAM_MAX:
        hi = min(hi + 4.0, _LOG_LAM_MAX)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if hi - lo <= 1e-13 * max(1.0, abs(mid)):
            break
        if slope(mid)[0] > 0.0:
            lo = mid
        else:
            hi = mid
    candidates = {slope(lo)[1], slope(hi)[1]}
    lb = max(_dual_bound(s, n, c, k, D, x)[0] for x in (lo, hi))
    best = None
    for T in sorted(candidates):
        ev = _evaluate(s, n, c, T, D)
        if best is None or ev[0] < best[1][0]:
            best = (T, ev)
    T, (mi, alloc, coord, _) = best
    return mi, T, alloc, coord, min(lb, mi)


def subset_attack(
    signal_var,
    noise_var,
    k: int,
    D: float,
    *,
    method: str = "auto",
    max_subsets: int = 1000,
) -> SubsetAttack:
    r"""Corrected Theorem 4.1: best attacked set of size ``k`` and budget split.

    Parameters
    ----------
    signal_var : array_like, shape (m,)
        Signal variances :math:`s_i > 0` (:math:`U_i` independent).
    noise_var : array_like, shape (m,)
        Observation-noise variances :math:`n_i \ge 0`.
    k : int
        Number of attacked coordinates, :math:`0 \le k \le m`.
    D : float
        Total budget :math:`\sum_{i\in T}\mathbb{E}[E_i^2] \le D`.
    method : {"auto", "exhaustive", "lagrangian"}
        ``"exhaustive"`` tries every :math:`T` (exact); ``"lagrangian"``
        picks :math:`T` from the Lagrangian dual (not guaranteed optimal, but
        ``gap`` certifies how far it can be); ``"auto"`` is exhaustive when
        :math:`\binom{m}{k} \le` ``max_subsets``.
    max_subsets : int
        Threshold for ``"auto"``.

    Returns
    -------
    SubsetAttack

    Notes
    -----
    Minimum MI :math:`\min_{|T|=k}\min_{\sum_T D_i \le D}[\sum_T g_i(D_i) + \sum_{\bar T} c_i]`
    (module docstring). Which :math:`T` is best depends on :math:`D` in
    general, but coordinate :math:`i` *dominates* :math:`j` if
    :math:`s_i \ge s_j` and :math:`n_i \le n_j`: the information an attack
    with budget :math:`t` removes, :math:`c_i - g_i(t)`, is then at least
    :math:`c_j - g_j(t)` for every :math:`t`, so swapping :math:`j` out for
    :math:`i` never hurts. Hence with a common noise variance the :math:`k`
    largest signal variances are optimal (the paper's rule), and with a common
    signal variance the :math:`k` smallest noise variances.

    Scale: the problem is invariant under :math:`(s, n, D) \to c\,(s, n, D)`;
    variances whose largest entry lies outside :math:`[2^{-60}, 2^{60}]` are
    divided by a power of two first (exact), so that problems at 1e-300 or
    1e300 are solved exactly like their unit-scale versions. Variances more
    than 1e290 apart within one problem raise ``ValueError``.

    Certificate: for any :math:`\lambda \ge 0`,
    :math:`I \ge \min_{|T| = k}[\sum_{\bar T} c_i + \sum_T \psi_i(\lambda)] - \lambda D`
    with :math:`\psi_i(\lambda) = \min_t [g_i(t) + \lambda t]` (bounded below
    rigorously). The exhaustive method uses the per-set version, which is
    tight; the Lagrangian one the global version, which may leave a gap.
    """
    s, n = _arrays(signal_var, noise_var)
    D = nonnegative(D, "D")
    m = s.size
    k = _k_arg(k, m)
    max_subsets = integer(max_subsets, "max_subsets", minimum=0)
    if not isinstance(method, str) or method not in ("auto", "exhaustive", "lagrangian"):
        raise ValueError(f"method must be 'auto', 'exhaustive' or 'lagrangian'; got {method!r}")
    s, n, Du, K = _unit_scale(s, n, D)
    c = _clean_mi(s, n)
    if k == 0 or D == 0.0:
        T = tuple(range(k))  # every set is optimal
        mi, alloc, coord, lb = _evaluate(s, n, c, T, Du)
        return _result(mi, T, alloc, coord, lb, "exhaustive", k, D, K)
    if method == "auto":
        method = "exhaustive" if math.comb(m, k) <= max_subsets else "lagrangian"
    free = np.flatnonzero(n == 0)
    if free.size > k:  # some noise-free coordinate must stay unattacked
        T = tuple(int(i) for i in free[:k])
        mi, alloc, coord, lb = _evaluate(s, n, c, T, Du)
        return _result(mi, T, alloc, coord, lb, method, k, D, K)
    if method == "lagrangian":
        mi, T, alloc, coord, lb = _lagrangian(s, n, c, k, Du)
        return _result(mi, T, alloc, coord, lb, method, k, D, K)
    best = None
    lb_all = math.inf
    forced = set(int(i) for i in free)
    for T in itertools.combinations(range(m), k):
        if not forced.issubset(T):
            continue  # an unattacked noise-free coordinate gives MI = inf
        mi, alloc, coord, lb = _evaluate(s, n, c, T, Du)
        lb_all = min(lb_all, lb)
        if best is None or mi < best[0] - 1e-13 * max(1.0, abs(mi)):
            best = (mi, T, alloc, coord)
    mi, T, alloc, coord = best
    return _result(mi, T, alloc, coord, min(lb_all, mi), "exhaustive", k, D, K)


def paper_theorem41_value(signal_var, k: int) -> float:
    r"""The value the paper's Theorem 4.1 states, :math:`h(U_{\bar T})`.

    :math:`\tfrac12\log\bigl((2\pi e)^{m-k}\prod_{i\in\bar T}\sigma_i^2\bigr)` with
    :math:`\bar T` the :math:`m - k` smallest variances (eq. 35). This is the
    differential entropy of the unattacked coordinates, not a mutual
    information: it is negative whenever the product of the
    :math:`2\pi e\sigma_i^2` is below 1, whereas with noise-free unattacked
    coordinates the true :math:`I(U; Y)` is :math:`+\infty` (erratum E4).

    Parameters
    ----------
    signal_var : array_like, shape (m,)
        Variances :math:`\sigma_i^2 > 0`.
    k : int
        Number of attacked coordinates.

    Returns
    -------
    float
        :math:`h(U_{\bar T})` in nats (0 for ``k == m``).
    """
    s = finite_array(signal_var, "signal_var", ndim=1)
    if s.size == 0:
        raise ValueError("signal_var is empty")
    if np.any(s <= 0):
        raise ValueError(f"signal_var must be positive; min is {s.min():.3g}")
    k = _k_arg(k, s.size)
    kept = np.sort(s)[: s.size - k]
    # log(2 pi e) + log(s_i): the product 2 pi e s_i could overflow above 1e307
    return float(0.5 * np.sum(math.log(2.0 * math.pi * math.e) + np.log(kept)))
