r"""Linear projections of a Gaussian vector: Theorem 3.2 and Algorithm 1.

Model (paper §3.2): :math:`U \sim N(0, I_m)`, :math:`X = HU` with
:math:`H \in \mathbb{R}^{n \times m}` of rank :math:`k` and thin SVD
:math:`H = Q C V^\top`, :math:`Y = X + E` with :math:`\mathbb{E}\|E\|^2 \le D`.
The minimum of :math:`I(U; Y)` is the Gaussian reverse water-filling value

.. math::

    I^* = \frac12 \sum_{i=1}^{k} \log\frac{\sigma_i^2}{D_i},
    \qquad D_i = \min(\tau, \sigma_i^2), \qquad \sum_i D_i = D,

and 0 once :math:`D \ge \|H\|_F^2 = \sum_i \sigma_i^2` (erratum E1: the paper's
theorem writes :math:`\sum_i \sigma_i`). Any part of :math:`E` outside
:math:`\mathrm{range}(H)` is wasted budget (erratum E2).

Sign convention. With :math:`Y = HU + E` and :math:`E = Q\Lambda`, the optimal
:math:`\Lambda_i` must make :math:`\sigma_i V_i^\top U + \Lambda_i` (what the
system sees) independent of :math:`\Lambda_i`:

.. math::

    \Lambda_i = -\frac{D_i}{\sigma_i^2}\,\sigma_i V_i^\top U
                + \sqrt{D_i\Bigl(1 - \frac{D_i}{\sigma_i^2}\Bigr)}\; Z_i .

The paper's wording ":math:`\sigma_i V_i^\top U - \Lambda_i` independent of
:math:`\Lambda_i`" is the convention :math:`Y = HU - E`.

The module also gives the Marchenko–Pastur large-:math:`m` limit of
:math:`I^*/m` for i.i.d. :math:`N(0, 1/m)` matrices (extension B9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize

from mi_lib._validation import finite_array, integer, nonnegative, positive, rng_from
from mi_lib.gaussian_measures import _log_ratio

__all__ = [
    "ProjectionAttack",
    "falling_bar",
    "projection_attack",
    "projection_attack_from_spectrum",
    "sample_projection_attack",
    "marchenko_pastur_pdf",
    "mp_limit_mi_per_m",
]


@dataclass(frozen=True, slots=True)
class ProjectionAttack:
    r"""Optimal attack on :math:`X = HU` (Theorem 3.2).

    Attributes
    ----------
    mi : float
        Minimum :math:`I(U; HU + E)` in nats: 0 if :math:`D \ge \|H\|_F^2`,
        ``inf`` if ``D == 0`` and :math:`H \ne 0`.
    tau : float
        Water level of Algorithm 1 (:func:`falling_bar`).
    allocation : numpy.ndarray
        Budget :math:`D_i = \min(\tau, \sigma_i^2)` per singular direction,
        aligned with ``sigma_sq``.
    sigma_sq : numpy.ndarray
        Squared singular values. From :func:`projection_attack` they are in
        descending order, ``min(n, m)`` of them (numerically zero ones set to
        0); from :func:`projection_attack_from_spectrum` in the caller's order.
    D : float
        Budget.
    rank : int
        Number of positive entries of ``sigma_sq``.
    Q, V : numpy.ndarray or None
        Left (``n × rank``) and right (``m × rank``) singular vectors, present
        only when requested with ``vectors=True``.
    """

    mi: float
    tau: float
    allocation: np.ndarray
    sigma_sq: np.ndarray
    D: float
    rank: int
    Q: np.ndarray | None = None
    V: np.ndarray | None = None

    @property
    def singular_values(self) -> np.ndarray:
        """Singular values :math:`\\sigma_i = \\sqrt{\\sigma_i^2}`."""
        return np.sqrt(self.sigma_sq)

    @property
    def frobenius_sq(self) -> float:
        """:math:`\\|H\\|_F^2 = \\sum_i \\sigma_i^2`, the budget that erases everything."""
        return float(self.sigma_sq.sum())


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _spectrum_arg(sigma_sq) -> np.ndarray:
    s = finite_array(sigma_sq, "sigma_sq", ndim=1)
    if s.size and np.any(s < 0):
        raise ValueError(f"sigma_sq has a negative entry (min {s.min():.3g})")
    return s


def falling_bar(sigma_sq, D: float) -> tuple[float, np.ndarray]:
    r"""Algorithm 1 ("falling bar") for the reverse water-filling level.

    Parameters
    ----------
    sigma_sq : array_like, shape (k,)
        Squared singular values :math:`\sigma_i^2 \ge 0` in any order; zeros
        (rank deficiency) and ties are allowed.
    D : float
        Budget :math:`D \ge 0`.

    Returns
    -------
    tau : float
        The level :math:`\tau` with :math:`\sum_i \min(\tau, \sigma_i^2) = D`.
    allocation : numpy.ndarray, shape (k,)
        :math:`D_i = \min(\tau, \sigma_i^2)`, in the caller's order.

    Notes
    -----
    The steps follow the paper's Algorithm 1 with the bound corrected to
    :math:`\|H\|_F^2 = \sum_i \sigma_i^2` (erratum E1). Sort
    :math:`\sigma_1^2 \ge \dots \ge \sigma_k^2` and form
    :math:`R_0 = [\sigma_1^2, \infty)`, :math:`R_i = [\sigma_{i+1}^2, \sigma_i^2)`,
    :math:`R_k = (-\infty, \sigma_k^2)`. For :math:`i = 1, \dots, k` put
    :math:`\tau_i = (D - \sum_{j > i}\sigma_j^2)/i` and stop at the first
    :math:`i` with :math:`\tau_i \in R_i`; then :math:`D_j = \tau` for
    :math:`j \le i` and :math:`D_j = \sigma_j^2` otherwise. Exactly one
    :math:`i` qualifies because :math:`g(\tau) = \sum_j \min(\tau, \sigma_j^2)`
    is continuous, strictly increasing on :math:`[0, \sigma_1^2]` and equal to
    :math:`i\tau + \sum_{j>i}\sigma_j^2` on :math:`R_i` (empty intervals from
    ties are skipped). Zero :math:`\sigma_j^2` receive zero budget.

    Conventions: if :math:`D \ge \sum_i \sigma_i^2` (the paper's step for
    :math:`i = 0`, where any :math:`\tau \ge \sigma_1^2` is valid) the
    allocation is ``sigma_sq`` itself and ``tau = max(sigma_sq)`` (0 for an
    empty or all-zero spectrum). ``D = 0`` gives ``tau = 0`` and a zero
    allocation. Should rounding leave no interval accepting its :math:`\tau_i`
    (only possible within a few ulps of an interval end), the interval whose
    :math:`\tau_i` is closest is used and :math:`\tau` is clipped into it.
    """
    s = _spectrum_arg(sigma_sq)
    D = nonnegative(D, "D")
    k = s.size
    if k == 0:
        return 0.0, np.zeros(0)
    order = np.argsort(-s, kind="stable")
    desc = s[order]
    total = float(desc.sum())
    if D >= total:  # the i = 0 step: the bar sits above every sigma_i^2
        return float(desc[0]), s.copy()
    # tail[i] = sum_{j > i} sigma_j^2 in the paper's 1-based indexing.
    tail = np.concatenate((np.cumsum(desc[::-1])[::-1][1:], [0.0]))
    i_idx = np.arange(1, k + 1)
    taus = (D - tail) / i_idx
    upper = desc  # sigma_i^2
    lower = np.concatenate((desc[1:], [-np.inf]))  # sigma_{i+1}^2, R_k open below
    accepted = np.flatnonzero((lower <= taus) & (taus < upper))
    if accepted.size:
        j = int(accepted[0])
        tau = float(taus[j])
    else:  # rounding safeguard, see Notes
        viol = np.maximum(lower - taus, 0.0) + np.maximum(taus - upper, 0.0)
        viol[upper <= lower] = np.inf  # empty intervals (ties)
        j = int(np.argmin(viol))
        tau = float(np.clip(taus[j], max(lower[j], 0.0), upper[j]))
    tau = max(tau, 0.0)
    alloc = np.minimum(tau, s)
    return tau, alloc


def _mi_from_allocation(s: np.ndarray, alloc: np.ndarray, D: float) -> float:
    pos = s > 0
    if not np.any(pos):
        return 0.0
    if D == 0.0:
        return math.inf
    sp, dp = s[pos], alloc[pos]
    if np.any(dp <= 0.0):
        return math.inf
    active = dp < sp
    return float(0.5 * np.sum(_log_ratio(sp[active], dp[active])))


def projection_attack_from_spectrum(sigma_sq, D: float) -> ProjectionAttack:
    r"""Theorem 3.2 from the squared singular values alone.

    Parameters
    ----------
    sigma_sq : array_like, shape (k,)
        Squared singular values of :math:`H` (any order, zeros allowed), e.g.
        the eigenvalues of the smaller of :math:`HH^\top`, :math:`H^\top H`.
    D : float
        Budget :math:`D \ge 0` on :math:`\mathbb{E}\|E\|^2`.

    Returns
    -------
    ProjectionAttack
        With ``allocation`` and ``sigma_sq`` in the caller's order and no
        singular vectors.

    Notes
    -----
    :math:`I^* = \tfrac12\sum_{\sigma_i > 0}\log(\sigma_i^2 / D_i)` with
    :math:`D_i` from :func:`falling_bar`; terms with :math:`D_i = \sigma_i^2`
    are exactly 0.
    """
    s = _spectrum_arg(sigma_sq)
    D = nonnegative(D, "D")
    tau, alloc = falling_bar(s, D)
    mi = _mi_from_allocation(s, alloc, D)
    return ProjectionAttack(
        mi=mi,
        tau=tau,
        allocation=_readonly(alloc),
        sigma_sq=_readonly(s.copy()),
        D=D,
        rank=int(np.count_nonzero(s > 0)),
    )


def _matrix_arg(H) -> np.ndarray:
    H = finite_array(H, "H", ndim=2)
    if H.size == 0:
        raise ValueError(f"H must be non-empty; got shape {H.shape}")
    return H


def _zero_tiny(sq: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Set squared singular values below the rank tolerance to 0 (descending input)."""
    top = float(sq[0]) if sq.size else 0.0
    tol = max(shape) * np.finfo(float).eps * top
    out = np.where(sq > tol, sq, 0.0)
    return out


def projection_attack(H, D: float, *, vectors: bool = False) -> ProjectionAttack:
    r"""Solve Theorem 3.2 for a matrix :math:`H`.

    Parameters
    ----------
    H : array_like, shape (n, m)
        Finite real matrix.
    D : float
        Budget :math:`D \ge 0` on :math:`\mathbb{E}\|E\|^2`.
    vectors : bool, default False
        Also return the singular vectors ``Q`` and ``V`` (thin SVD). Without
        them only the eigenvalues of the smaller Gram matrix are computed,
        which is the fast path for large :math:`H`.

    Returns
    -------
    ProjectionAttack
        ``sigma_sq`` holds the ``min(n, m)`` squared singular values in
        descending order (those below ``max(n, m) * eps * sigma_1^2`` set to
        0); ``allocation`` is aligned with it.

    Notes
    -----
    The minimum is :math:`\tfrac12\sum_i\log(\sigma_i^2/D_i)` (reverse
    water-filling, :func:`falling_bar`), 0 if :math:`D \ge \|H\|_F^2`, and
    ``inf`` if ``D == 0`` and :math:`H \ne 0` (a noiseless linear image of a
    continuous vector).

    Scale: the problem is invariant under :math:`H \to cH`, :math:`D \to c^2 D`.
    It is solved for :math:`2^{-e}H` with :math:`\max|2^{-e}H_{ij}| \in [1/2, 1)`
    (exact) and budget :math:`4^{-e}D`, so the Gram matrix cannot overflow or
    underflow and ``mi`` is right for entries from 1e-300 to 1e300 (for
    ``eye(2) * 1e160`` and ``D = 1``, :math:`\log(10^{320}/2)`). Squared
    singular values that exceed the largest double are reported as ``inf`` in
    ``sigma_sq`` (and ``frobenius_sq``); ``mi``, ``tau`` and ``allocation`` do
    not depend on them. The optimal perturbation is :math:`E^* = Q\Lambda`;
    see :func:`sample_projection_attack`.
    """
    H = _matrix_arg(H)
    D = nonnegative(D, "D")
    sq_u, alloc_u, tau_u, mi, e, Q, V, all_active = _solve_scaled(H, D, vectors)
    two_e = 2 * e
    with np.errstate(over="ignore"):  # sigma_i^2 beyond 1.8e308 is stored as inf
        sq = np.ldexp(sq_u, two_e)
        alloc = np.ldexp(alloc_u, two_e)
        tau = float(np.ldexp(tau_u, two_e))
    r = int(np.count_nonzero(sq_u))
    if all_active:
        # every direction active: form D / r in the caller's units, not from a subnormal
        tau = D / r
        alloc = np.where(sq_u > 0, tau, 0.0)
    return ProjectionAttack(
        mi=mi,
        tau=tau,
        allocation=_readonly(alloc),
        sigma_sq=_readonly(np.ascontiguousarray(sq)),
        D=D,
        rank=int(np.count_nonzero(sq_u)),
        Q=Q,
        V=V,
    )


_UNIT_D_MIN = 1e-280
"""Below this unit-scale budget the water level is ``D / rank`` (all directions active)."""


def _solve_scaled(H: np.ndarray, D: float, vectors: bool):
    r"""Theorem 3.2 in units where :math:`\max|H_{ij}| \in [1/2, 1)`.

    :math:`I^*` is invariant under :math:`H \to cH`, :math:`D \to c^2 D`. With
    :math:`H = 2^e H_u` (exact), the Gram matrix of :math:`H_u` neither
    overflows (``eye(2) * 1e160`` has :math:`\sigma^2 = 10^{320}`) nor
    underflows. Returns the unit-scale spectrum, allocation and level, the
    information, ``e``, the singular vectors (or ``None``) and whether the
    all-active branch below was taken. When the unit
    budget :math:`D_u = 4^{-e} D` overflows, :math:`D \ge \|H\|_F^2`; when it
    is below ``_UNIT_D_MIN`` (it may even underflow) every positive direction
    is active, :math:`\tau = D/r`, and the information is summed from
    logarithms, :math:`\tfrac12\sum_i[\log\sigma_{u,i}^2 + \log r - \log D + 2e\log 2]`.
    """
    peak = float(np.max(np.abs(H)))
    e = math.frexp(peak)[1] if peak > 0.0 else 0
    Hu = np.ldexp(H, -e)
    n, m = H.shape
    Q = V = None
    if vectors:
        Uq, sv, Vt = np.linalg.svd(Hu, full_matrices=False)
        sq = _zero_tiny(sv * sv, H.shape)
        r = int(np.count_nonzero(sq))
        Q, V = _readonly(Uq[:, :r].copy()), _readonly(Vt[:r].T.copy())
    else:
        G = Hu @ Hu.T if n <= m else Hu.T @ Hu
        ev = np.linalg.eigvalsh(G)[::-1]
        sq = _zero_tiny(np.maximum(ev, 0.0), H.shape)
    try:
        Du = math.ldexp(D, -2 * e)
    except OverflowError:
        Du = math.inf
    r = int(np.count_nonzero(sq))
    if 0.0 < D and Du < _UNIT_D_MIN and r > 0:
        # D far below every positive sigma_i^2 (they are >= eps * max at unit scale)
        tau = Du / r
        alloc = np.where(sq > 0, tau, 0.0)
        pos = sq[sq > 0]
        log_tau = math.log(D) - math.log(r) - 2 * e * math.log(2.0)
        mi = float(0.5 * np.sum(np.log(pos) - log_tau))
        return sq, alloc, tau, mi, e, Q, V, True
    tau, alloc = falling_bar(sq, min(Du, float(sq.sum()) + 1.0))
    return sq, alloc, tau, _mi_from_allocation(sq, alloc, Du), e, Q, V, False


def _perturbation_map(H: np.ndarray, D: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Linear form of the optimal perturbation: :math:`E = A U + B Z`.

    :math:`Z \sim N(0, I_r)` is independent of :math:`U`, :math:`r` the rank.
    """
    # at unit scale (H = 2^e H_u): A is dimensionless, B carries the units of H
    sq_all, alloc_all, _, _, e, Qm, Vm, _ = _solve_scaled(H, D, True)
    r = Qm.shape[1]
    sq = sq_all[:r]
    d = alloc_all[:r]
    sv = np.sqrt(sq)
    shrink = np.minimum(d / sq, 1.0)  # D_i / sigma_i^2 in [0, 1]
    noise_sd = np.sqrt(np.maximum(d * (1.0 - shrink), 0.0))
    # Lambda = -shrink * (C V^T U) + noise_sd * Z ; E = Q Lambda
    A = -(Qm * (shrink * sv)) @ Vm.T
    A = np.ldexp(A, e)
    with np.errstate(over="ignore"):
        B = np.ldexp(Qm * noise_sd, e)
    return A, B


def sample_projection_attack(
    H, D: float, n: int, rng=None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Draw ``n`` samples of :math:`(U, E^*)` for Theorem 3.2.

    Parameters
    ----------
    H : array_like, shape (n_rows, m)
        Projection matrix.
    D : float
        Budget :math:`D \ge 0`.
    n : int
        Number of samples.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    U : numpy.ndarray, shape (n, m)
        Rows are i.i.d. :math:`N(0, I_m)`.
    E : numpy.ndarray, shape (n, n_rows)
        The optimal perturbation :math:`E^* = Q\Lambda`; the system sees
        ``U @ H.T + E``.

    Notes
    -----
    With :math:`U''_i = \sigma_i V_i^\top U` and :math:`D_i` from
    :func:`falling_bar`,
    :math:`\Lambda_i = -(D_i/\sigma_i^2)\,U''_i + \sqrt{D_i(1 - D_i/\sigma_i^2)}\,Z_i`.
    Then :math:`\mathrm{Var}(\Lambda_i) = D_i`, :math:`U''_i + \Lambda_i` is
    independent of :math:`\Lambda_i` (the Gaussian rate-distortion backward
    channel), :math:`\mathbb{E}\|E\|^2 = D` (capped at :math:`\|H\|_F^2`), and
    :math:`I(U; HU + E) = \tfrac12\sum_i\log(\sigma_i^2/D_i)`. When
    :math:`D_i = \sigma_i^2` the direction is erased: :math:`\Lambda_i = -U''_i`.
    """
    H = _matrix_arg(H)
    n = integer(n, "n", minimum=0)
    gen = rng_from(rng)
    A, B = _perturbation_map(H, nonnegative(D, "D"))
    U = gen.standard_normal((int(n), H.shape[1]))
    Z = gen.standard_normal((int(n), B.shape[1]))
    E = U @ A.T + Z @ B.T
    return U, E


# --------------------------------------------------------------------------
# Marchenko–Pastur limit (B9)
# --------------------------------------------------------------------------


def _alpha_arg(alpha) -> float:
    return positive(alpha, "alpha")


def marchenko_pastur_pdf(x, alpha: float) -> np.ndarray:
    r"""Density of the continuous part of the Marchenko–Pastur law.

    For :math:`H \in \mathbb{R}^{n\times m}` with i.i.d. :math:`N(0, 1/m)`
    entries and :math:`n/m \to \alpha`, the empirical law :math:`\mu_\alpha` of
    the :math:`n` eigenvalues of :math:`HH^\top` converges to

    .. math::

        \mu_\alpha(dx) = \Bigl(1 - \frac1\alpha\Bigr)_+ \delta_0(dx)
        + \frac{\sqrt{(b - x)(x - a)}}{2\pi\alpha x}\,\mathbf 1_{[a, b]}(x)\,dx,
        \qquad a, b = (1 \mp \sqrt\alpha)^2 .

    This function returns the density part (mass :math:`\min(1, 1/\alpha)`).

    Parameters
    ----------
    x : array_like
        Points.
    alpha : float
        Aspect ratio :math:`n/m > 0`.

    Returns
    -------
    numpy.ndarray
        Density values (0 outside :math:`[a, b]` and at :math:`x = 0`).
    """
    alpha = _alpha_arg(alpha)
    x = finite_array(x, "x")
    lo, hi = (1.0 - math.sqrt(alpha)) ** 2, (1.0 + math.sqrt(alpha)) ** 2
    inside = (x > lo) & (x < hi) & (x > 0)
    out = np.zeros_like(x, dtype=float)
    xi = x[inside]
    # divided in two steps: alpha * x alone can overflow (alpha = x = 1e300)
    out[inside] = np.sqrt(hi - xi) * np.sqrt(xi - lo) / (2.0 * math.pi * alpha) / xi
    return out


def _mp_unit_law(alpha: float) -> tuple[float, float, float]:
    r"""Edges ``a``, ``b`` and half-width ``h`` of the normalised law :math:`\nu_\beta`.

    The continuous part of :math:`\mu_\alpha` has mass :math:`M = \min(1, 1/\alpha)`
    and mean :math:`1/M = \max(1, \alpha)`. Divided by its mass, with
    :math:`x = \max(1, \alpha)\,y`, it is the Marchenko–Pastur density of ratio
    :math:`\beta = \min(\alpha, 1/\alpha) \le 1` (no atom, mean 1), on
    :math:`[a, b] = [(1 - \sqrt\beta)^2, (1 + \sqrt\beta)^2]`, :math:`h = 2\sqrt\beta`.
    Working with it keeps every quantity of order one for any :math:`\alpha`
    (1e-300 to 1e300).
    """
    beta = min(alpha, 1.0 / alpha)
    r = math.sqrt(beta)
    return (1.0 - r) ** 2, (1.0 + r) ** 2, 2.0 * r


def _mp_integral(alpha: float, tau: float, f, *, below: bool = False) -> float:
    r""":math:`\int f(y)\,\nu_\beta(dy)` over :math:`y > \tau` (or :math:`y < \tau` if ``below``).

    Angles measured from the nearer edge keep the integrand smooth even at the
    hard edge :math:`\beta = 1` and the limits accurate when :math:`\tau` is
    within rounding of an edge: above, :math:`y = b - 2h\sin^2(\theta/2)`;
    below, :math:`y = a + 2h\sin^2(\theta/2)`; in both cases
    :math:`\nu_\beta(dy) = 2\sin^2\theta / (\pi y)\,d\theta`.
    """
    a, b, h = _mp_unit_law(alpha)
    gap = (tau - a) if below else (b - tau)
    if gap <= 0.0:
        return 0.0
    theta_max = 2.0 * math.asin(math.sqrt(min(gap / (2.0 * h), 1.0)))
    edge, sign = (a, 1.0) if below else (b, -1.0)

    def integrand(theta: float) -> float:
        half = math.sin(0.5 * theta)
        y = edge + sign * 2.0 * h * half * half
        if y <= 0.0:  # only at the hard edge a = 0, theta = 0: the weight tends to 2/pi
            return f(0.0) * 2.0 / math.pi if below else 0.0
        sn = math.sin(theta)
        return f(y) * 2.0 * sn * sn / (math.pi * y)

    val, _ = integrate.quad(integrand, 0.0, theta_max, epsabs=1e-15 * max(min(tau, 1.0), 1e-300),
                            epsrel=1e-12, limit=200)
    return val


def _mp_tau(alpha: float, d: float) -> float:
    r"""Water level :math:`\tau` (in units of :math:`\max(1, \alpha)`) with :math:`\int \min(\tau, y)\,d\nu_\beta = d`.

    Requires ``0 < d < 1``. Below the lower edge :math:`a` the left side is
    :math:`\tau`, so :math:`\tau = d` exactly for :math:`d \le a`. Otherwise
    Brent's method on :math:`[d, b]`, with the equation written without
    cancellation: for :math:`d \le 1/2` as
    :math:`\tau - \int_{y<\tau}(\tau - y)\,d\nu = d` (relative accuracy for
    tiny :math:`d`), for :math:`d > 1/2` as
    :math:`\int_{y>\tau}(y - \tau)\,d\nu = 1 - d` (mean 1).
    """
    a, b, _ = _mp_unit_law(alpha)
    if d <= a:
        return d
    if d <= 0.5:

        def excess(tau: float) -> float:
            return tau - _mp_integral(alpha, tau, lambda y: tau - y, below=True) - d

    else:

        def excess(tau: float) -> float:
            return (1.0 - d) - _mp_integral(alpha, tau, lambda y: y - tau)

    return optimize.brentq(excess, d, b, xtol=max(1e-16 * d, 1e-320), rtol=4 * np.finfo(float).eps,
                           maxiter=200)


def mp_limit_mi_per_m(alpha: float, d: float) -> float:
    r"""Large-:math:`m` limit of :math:`I^*/m` for Gaussian random projections.

    Setting (paper §5, Figs. 4-5): :math:`H \in \mathbb{R}^{n \times m}`,
    :math:`n = \alpha m`, i.i.d. :math:`N(0, 1/m)` entries, budget
    :math:`D = d\,\|H\|_F^2` (a fraction ``d`` of the erasing budget, as in the
    paper). As :math:`m \to \infty`

    .. math::

        \frac{I^*}{m} \to \frac{\alpha}{2}\int_{x > \tau}\log\frac{x}{\tau}\,
        \mu_\alpha(dx),
        \qquad \int \min(\tau, x)\,\mu_\alpha(dx) = d,

    with :math:`\mu_\alpha` the Marchenko–Pastur law of :func:`marchenko_pastur_pdf`
    (the atom at 0 for :math:`\alpha > 1` contributes nothing to either
    integral). The factor :math:`\alpha` is :math:`n/m`: the sums run over the
    :math:`n` eigenvalues of :math:`HH^\top`, and :math:`\|H\|_F^2/m \to \alpha`.

    Computed on the continuous part divided by its mass and rescaled to mean 1,
    which is the law of ratio :math:`\beta = \min(\alpha, 1/\alpha)`:
    the limit is :math:`\min(\alpha, 1)\,\tfrac12\int_{y > \tau}\log(y/\tau)\,d\nu_\beta`.
    So :math:`\alpha` from 1e-300 to 1e300 and ``d`` down to 1e-300 are handled
    without overflow, underflow or loss of relative accuracy (for
    :math:`\alpha \to \infty` the limit tends to :math:`\tfrac12\log(1/d)`).

    Parameters
    ----------
    alpha : float
        :math:`n/m > 0`.
    d : float
        Budget fraction :math:`d \ge 0`.

    Returns
    -------
    float
        The limit in nats per input coordinate; ``inf`` for ``d == 0`` and 0
        for ``d >= 1``.
    """
    alpha = _alpha_arg(alpha)
    d = nonnegative(d, "d")
    if d == 0.0:
        return math.inf
    if d >= 1.0:
        return 0.0
    tau = _mp_tau(alpha, d)
    log_tau = math.log(tau)
    # alpha * (mass of the continuous part) = min(alpha, 1); logs of y and tau
    # separately, since y / tau can overflow for tiny d
    return 0.5 * min(alpha, 1.0) * _mp_integral(alpha, tau, lambda y: math.log(y) - log_tau)
