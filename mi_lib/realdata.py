r"""From the Gaussian theory to real data and trained classifiers (notebook 10).

**The information limit of a fitted Gaussian model** :math:`X \mid U \sim
\mathcal N(c + U\mu, \Sigma)`, :math:`U = \pm 1`: with :math:`m = \Sigma^{-1/2}\mu`
and :math:`w = \Sigma^{-1}\mu`, the minimum of :math:`I(U; X + E)` over informed
attacks with :math:`\mathbb E\lVert E\rVert^2 \le D` satisfies
:math:`I^*(\lVert m\rVert, D\lVert w\rVert^2/\lVert m\rVert^2) \le I_{\min}(D) \le
I^*(\lVert m\rVert, D\lVert m\rVert^2/\lVert\mu\rVert^2)`, where :math:`I^*(a, t)` is the
scalar problem :math:`T \mid U \sim \mathcal N(Ua, 1)`, :math:`\mathbb E e^2 \le t`
(:func:`whiten`, :func:`projection_reduction`, :func:`mi_sandwich`), solved on a grid
with the certified :func:`mi_lib.discrete_attack` (:func:`scalar_problem`). The
attack that reaches a given information level (:func:`budget_for_level`) is
applied to real images by :func:`apply_scalar_attack`.

**Minimal** :math:`\ell_2` **attacks on trained classifiers** live in
:mod:`mi_lib.classifier_attacks` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy import linalg
from scipy.stats import norm

from . import _validation as v
from .discrete import DiscreteAttack, discrete_attack
from .classifier_attacks import _budgets, _real_array  # shared input checks
from .classifier_attacks import (  # noqa: F401  (re-exported for the real-data lecture)
    LinearAttack,
    NetworkAttack,
    accuracy_under_budget,
    accuracy_under_radius,
    linear_as_network,
    linear_min_perturbation,
    mlp_decision,
    mlp_min_perturbation,
)
from .measures import discrete_gaussian_mi, mutual_information

__all__ = [
    "GaussianModel",
    "LinearAttack",
    "NetworkAttack",
    "Sandwich",
    "ScalarAttack",
    "ScalarProblem",
    "Whitened",
    "accuracy_under_budget",
    "accuracy_under_radius",
    "apply_scalar_attack",
    "budget_for_level",
    "fit_gaussian_model",
    "linear_as_network",
    "linear_min_perturbation",
    "mi_sandwich",
    "mlp_decision",
    "mlp_min_perturbation",
    "projection_reduction",
    "ridge_direction",
    "scalar_attack",
    "scalar_problem",
    "whiten",
]


# --------------------------------------------------------------------------- input checks
def _spd(cov: Any, d: int) -> tuple[np.ndarray, tuple]:
    S = _real_array(cov, "cov", 2)
    if S.shape != (d, d):
        raise ValueError(f"cov must have shape ({d}, {d}) to match mu; got {S.shape}")
    if not np.allclose(S, S.T, rtol=1e-10, atol=1e-12 * max(1.0, float(np.abs(S).max()))):
        raise ValueError("cov must be symmetric")
    try:
        factor = linalg.cho_factor(S, lower=True)
    except linalg.LinAlgError as exc:
        raise ValueError("cov must be positive definite") from exc
    return S, factor


# --------------------------------------------------------------------------- the Gaussian model
@dataclass(frozen=True)
class GaussianModel:
    r"""Two-class Gaussian model :math:`X \mid U \sim \mathcal N(c + U\mu, \Sigma)`, :math:`U = \pm 1`.

    Attributes
    ----------
    mid : ndarray, shape (d,)
        Midpoint :math:`c` of the class means.
    mu : ndarray, shape (d,)
        Half the difference of the means (class +1 minus class -1).
    cov : ndarray, shape (d, d)
        Shared covariance :math:`\Sigma` (Ledoit–Wolf shrinkage estimate).
    shrinkage : float
        Ledoit–Wolf shrinkage coefficient.
    """

    mid: np.ndarray
    mu: np.ndarray
    cov: np.ndarray
    shrinkage: float


def fit_gaussian_model(x: Any, u: Any) -> GaussianModel:
    r"""Fit class means and a shared Ledoit–Wolf covariance to labelled data.

    The covariance is estimated from the class-centred pooled samples with
    ``sklearn.covariance.LedoitWolf(assume_centered=True)``, i.e. the
    shrinkage :math:`(1-\rho)S + \rho\,\tfrac{\operatorname{tr}S}{d} I` with
    the Ledoit–Wolf choice of :math:`\rho`, which keeps :math:`\Sigma`
    invertible when pixels are (nearly) constant.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Samples.
    u : array_like, shape (n,)
        Labels, each -1 or +1, both present at least twice.

    Returns
    -------
    GaussianModel
    """
    from sklearn.covariance import LedoitWolf

    X = _real_array(x, "x", 2)
    U = _real_array(u, "u", 1)
    if U.shape[0] != X.shape[0]:
        raise ValueError(f"x has {X.shape[0]} rows but u has {U.shape[0]} labels")
    if not np.all(np.isin(U, (-1.0, 1.0))):
        raise ValueError("u must contain only -1 and +1")
    if min(np.sum(U > 0), np.sum(U < 0)) < 2:
        raise ValueError("each class needs at least two samples")
    mp, mm = X[U > 0].mean(axis=0), X[U < 0].mean(axis=0)
    centred = np.vstack([X[U > 0] - mp, X[U < 0] - mm])
    lw = LedoitWolf(assume_centered=True).fit(centred)
    cov = 0.5 * (lw.covariance_ + lw.covariance_.T)
    return GaussianModel(mid=0.5 * (mp + mm), mu=0.5 * (mp - mm), cov=cov, shrinkage=float(lw.shrinkage_))


@dataclass(frozen=True)
class Whitened:
    r"""The whitening reduction of a Gaussian model.

    Attributes
    ----------
    w : ndarray, shape (d,)
        :math:`w = \Sigma^{-1}\mu` (the Bayes classifier's weights).
    m_norm, mu_norm, w_norm : float
        :math:`\lVert m\rVert = \sqrt{\mu^\top\Sigma^{-1}\mu}`, :math:`\lVert\mu\rVert`, :math:`\lVert w\rVert`.
    upper_factor : float
        :math:`\lVert m\rVert^2/\lVert\mu\rVert^2`: scalar budget per unit of :math:`D` of the upper bound.
    lower_factor : float
        :math:`\lVert w\rVert^2/\lVert m\rVert^2 \ge` ``upper_factor``: the same for the lower bound.
    width : float
        ``lower_factor / upper_factor`` :math:`= (\lVert w\rVert\lVert\mu\rVert/\lVert m\rVert^2)^2 \ge 1`,
        one exactly when :math:`\mu` is an eigenvector of :math:`\Sigma`.
    direction : ndarray, shape (d,)
        :math:`\mu/\lVert m\rVert`: the perturbation ``s * direction`` shifts
        :math:`T` by ``s`` and leaves the whitened components orthogonal to
        :math:`m` unchanged; its squared norm is ``s**2 / upper_factor``.
    """

    w: np.ndarray
    m_norm: float
    mu_norm: float
    w_norm: float
    upper_factor: float
    lower_factor: float
    width: float
    direction: np.ndarray

    def statistic(self, x: Any, mid: Any) -> np.ndarray:
        r"""The sufficient statistic :math:`T = w^\top(x - c)/\lVert m\rVert` of each row of ``x``."""
        X = _real_array(x, "x", (1, 2))
        c = _real_array(mid, "mid", 1)
        if X.shape[-1] != c.size or c.size != self.w.size:
            raise ValueError(f"x and mid must have {self.w.size} features")
        return (X - c) @ self.w / self.m_norm


def whiten(mu: Any, cov: Any) -> Whitened:
    r"""Whitening reduction of the model with half mean difference ``mu`` and covariance ``cov``.

    In whitened coordinates :math:`Z = \Sigma^{-1/2}(X - c) \sim \mathcal N(Um, I)`
    with :math:`m = \Sigma^{-1/2}\mu`; :math:`T = \hat m^\top Z = w^\top (X - c)/\lVert m\rVert`,
    :math:`w = \Sigma^{-1}\mu`, and the rest of :math:`Z` is independent of :math:`(U, T)`.
    Only :math:`\Sigma^{-1}\mu` is needed (a Cholesky solve), never :math:`\Sigma^{-1/2}`:
    :math:`\lVert m\rVert^2 = \mu^\top w` and :math:`\Sigma^{1/2}\hat m = \mu/\lVert m\rVert`.

    Parameters
    ----------
    mu : array_like, shape (d,)
        Half the difference of the class means; not zero.
    cov : array_like, shape (d, d)
        Symmetric positive definite covariance.

    Returns
    -------
    Whitened
    """
    m_vec = _real_array(mu, "mu", 1)
    if m_vec.size == 0 or not np.any(m_vec):
        raise ValueError("mu must be a non-empty, non-zero vector")
    _, factor = _spd(cov, m_vec.size)
    w = linalg.cho_solve(factor, m_vec)
    m2 = float(m_vec @ w)
    mu2 = float(m_vec @ m_vec)
    w2 = float(w @ w)
    up, low = m2 / mu2, w2 / m2
    return Whitened(w=w, m_norm=float(np.sqrt(m2)), mu_norm=float(np.sqrt(mu2)), w_norm=float(np.sqrt(w2)),
                    upper_factor=up, lower_factor=low, width=low / up, direction=m_vec / np.sqrt(m2))


def projection_reduction(mu: Any, cov: Any, b: Any) -> tuple[float, float]:
    r"""The scalar lower-bound problem obtained by data processing through :math:`b^\top X`.

    :math:`S = b^\top(X - c)/\sqrt{b^\top\Sigma b} \sim \mathcal N(U a_b, 1)` with
    :math:`a_b = |b^\top\mu|/\sqrt{b^\top\Sigma b}`; an attack :math:`E` moves it by
    :math:`b^\top E/\sqrt{b^\top\Sigma b}`, whose square is at most
    :math:`\lVert E\rVert^2 \lVert b\rVert^2/b^\top\Sigma b` (Cauchy–Schwarz). Hence
    :math:`I_{\min}(D) \ge I^*(a_b, D\,f_b)`, :math:`f_b = \lVert b\rVert^2/b^\top\Sigma b`.
    For :math:`b = w` this is :math:`(\lVert m\rVert, \lVert w\rVert^2/\lVert m\rVert^2)`.

    Returns
    -------
    (snr, factor) : (float, float)
        :math:`a_b` and :math:`f_b`.
    """
    m_vec = _real_array(mu, "mu", 1)
    S, _ = _spd(cov, m_vec.size)
    bb = _real_array(b, "b", 1)
    if bb.size != m_vec.size or not np.any(bb):
        raise ValueError(f"b must be a non-zero vector with {m_vec.size} entries")
    q = float(bb @ S @ bb)
    return abs(float(bb @ m_vec)) / np.sqrt(q), float(bb @ bb) / q


# --------------------------------------------------------------------------- the scalar problem
@dataclass(frozen=True)
class ScalarProblem:
    r"""The scalar problem :math:`T \mid U \sim \mathcal N(U a, 1)` discretised for :func:`mi_lib.discrete_attack`.

    Attributes
    ----------
    snr : float
        :math:`a`.
    x, y : ndarray
        Input grid (cells of width ``hx``, the end cells take the tails) and output grid.
    p_ux : ndarray, shape (2, len(x))
        Joint pmf of :math:`(U, X_q)`, rows :math:`U = -1, +1`.
    cost : ndarray, shape (len(x), len(y))
        :math:`(y - x)^2`.
    clean_mi : float
        :math:`I(U; X_q)`, below the exact value because :math:`X_q` is a function of :math:`T`.
    exact_clean_mi : float
        :math:`I(U; T)` by ``discrete_gaussian_mi([-a, a], None, 1)``.
    discretisation_error : float
        ``exact_clean_mi - clean_mi`` (non-negative up to rounding).
    """

    snr: float
    x: np.ndarray
    y: np.ndarray
    p_ux: np.ndarray
    cost: np.ndarray
    clean_mi: float
    exact_clean_mi: float
    discretisation_error: float


def scalar_problem(snr: float, *, hx: float = 0.5, hy: float = 0.1, tail: float = 4.0) -> ScalarProblem:
    r"""Discretise :math:`T \mid U \sim \mathcal N(\pm a, 1)` on :math:`[-L, L]`, :math:`L \ge a + \text{tail}`.

    Inputs :math:`x_j = j h_x`, outputs :math:`y_k = k h_y`, both on
    :math:`[-L, L]`; :math:`h_x` must be a whole multiple of :math:`h_y`, so that
    every input is also an output (staying put costs nothing and every budget
    :math:`\ge 0` is feasible). Restricting outputs to :math:`[-L, L]` loses nothing:
    clamping an output is a function of it (no information gained) and moves
    it closer to every grid input (no cost added).

    Parameters
    ----------
    snr : float
        :math:`a > 0`.
    hx, hy : float
        Grid spacings of inputs and outputs, in units of the noise standard deviation.
    tail : float
        Extra half-width beyond :math:`\pm a`.

    Returns
    -------
    ScalarProblem
    """
    a = v.positive(snr, "snr")
    hx, hy, tail = v.positive(hx, "hx"), v.positive(hy, "hy"), v.positive(tail, "tail")
    ratio = hx / hy
    if abs(ratio - round(ratio)) > 1e-9 * ratio or round(ratio) < 1:
        raise ValueError(f"hx must be a whole multiple of hy (every input on the output grid); got {hx:g}, {hy:g}")
    r = int(round(ratio))
    half = int(np.ceil((a + tail) / hx))
    x = np.arange(-half, half + 1) * hx
    y = (np.arange(-half * r, half * r + 1) / r) * hx  # contains every x exactly: zero cost to stay put
    edges = np.r_[-np.inf, 0.5 * (x[:-1] + x[1:]), np.inf]
    p = 0.5 * np.array([np.diff(norm.cdf(edges, loc=s * a)) for s in (-1.0, 1.0)])
    p = p / p.sum()
    clean = mutual_information(p)
    exact = discrete_gaussian_mi([-a, a], None, 1.0)
    return ScalarProblem(snr=a, x=x, y=y, p_ux=p, cost=(y[None, :] - x[:, None]) ** 2,
                         clean_mi=float(clean), exact_clean_mi=float(exact),
                         discretisation_error=float(exact - clean))


@dataclass(frozen=True)
class ScalarAttack:
    r"""Certified optimum of a discretised scalar problem at one budget.

    Attributes
    ----------
    snr, budget : float
        :math:`a` and the scalar budget :math:`t`.
    mi, lower_bound, gap : float
        Optimal value, certified lower bound (weak duality) and their difference.
    multiplier : float
        Budget multiplier, the slope :math:`-dI^*/dt`.
    bayes_error : float
        Error of the best classifier that sees the attacked output.
    solution : DiscreteAttack
        The solver's result (channel included).
    """

    snr: float
    budget: float
    mi: float
    lower_bound: float
    gap: float
    multiplier: float
    bayes_error: float
    solution: DiscreteAttack

    def __repr__(self) -> str:  # gaps are rounding-level: keep them out of reprs
        return f"ScalarAttack(snr={self.snr:.4g}, budget={self.budget:.4g}, mi={self.mi:.4g})"


def scalar_attack(problem: ScalarProblem, budget: float, *, tol: float = 1e-10) -> ScalarAttack:
    """Solve ``problem`` at scalar budget ``budget`` with :func:`mi_lib.discrete_attack`.

    Returns
    -------
    ScalarAttack
    """
    if not isinstance(problem, ScalarProblem):
        raise ValueError("problem must be a ScalarProblem (see scalar_problem)")
    t = v.nonnegative(budget, "budget")
    res = discrete_attack(problem.p_ux, problem.cost, t, tol=tol)
    joint_uy = np.einsum("ux,uxy->uy", problem.p_ux, res.channel)
    return ScalarAttack(snr=problem.snr, budget=t, mi=res.mi, lower_bound=res.lower_bound, gap=res.gap,
                        multiplier=res.multiplier, bayes_error=float(np.minimum(joint_uy[0], joint_uy[1]).sum()),
                        solution=res)


@dataclass(frozen=True)
class Sandwich:
    r"""Bounds on :math:`\min I(U; X + E)` over :math:`\mathbb E\lVert E\rVert^2 \le D` for one budget.

    Attributes
    ----------
    budget : float
        :math:`D`.
    upper : ScalarAttack
        Attack along :math:`\mu`: scalar budget ``D * upper_factor``; ``upper.mi`` is attained.
    lower : ScalarAttack
        Best projection bound; ``lower.lower_bound`` is the certified value.
    lower_ridge : float
        The ridge parameter :math:`\lambda` of the best projection (``inf`` = :math:`\mu`).
    upper_mi, lower_mi : float
        ``upper.mi`` and ``lower.lower_bound``.
    lower_by_ridge : tuple of float
        The certified lower bound of every ridge projection, in the order of ``ridge``.
    """

    budget: float
    upper: ScalarAttack
    lower: ScalarAttack
    lower_ridge: float
    upper_mi: float
    lower_mi: float
    lower_by_ridge: tuple[float, ...]

    def __repr__(self) -> str:
        return f"Sandwich(D={self.budget:.4g}, lower={self.lower_mi:.4g}, upper={self.upper_mi:.4g})"


def ridge_direction(mu: Any, cov: Any, ridge: float) -> np.ndarray:
    r""":math:`b_\lambda = (\Sigma + \lambda\,\bar s I)^{-1}\mu`, :math:`\bar s = \operatorname{tr}\Sigma/d`; ``inf`` gives :math:`\mu`."""
    m_vec = _real_array(mu, "mu", 1)
    S, _ = _spd(cov, m_vec.size)
    lam = float(ridge)
    if np.isnan(lam) or lam < 0:
        raise ValueError(f"ridge must be >= 0 or inf; got {ridge!r}")
    if np.isinf(lam):
        return m_vec.copy()
    return linalg.solve(S + lam * np.trace(S) / S.shape[0] * np.eye(S.shape[0]), m_vec, assume_a="pos")


def mi_sandwich(mu: Any, cov: Any, budgets: Any, *, ridge: Sequence[float] = (0.0,), hx: float = 0.5,
                hy: float = 0.1, tail: float = 4.0, tol: float = 1e-10) -> tuple[Sandwich, ...]:
    r"""Certified sandwich of the minimum MI of the Gaussian model under an average budget.

    For each :math:`D` in ``budgets``:

    * upper :math:`= I^*(\lVert m\rVert, D\lVert m\rVert^2/\lVert\mu\rVert^2)` (attained by the
      scalar optimum applied along :math:`\mu/\lVert m\rVert`);
    * lower :math:`= \max_{\lambda} I^*_{\text{lb}}(a_{b_\lambda}, D f_{b_\lambda})` over the ridge
      projections :math:`b_\lambda` (:func:`projection_reduction`); :math:`\lambda = 0` is
      :math:`w = \Sigma^{-1}\mu`, i.e. :math:`I^*(\lVert m\rVert, D\lVert w\rVert^2/\lVert m\rVert^2)`.

    Values come from discretised scalar problems (:func:`scalar_problem` with
    ``hx``, ``hy``, ``tail``); the upper value is the solver's optimum, the lower
    value its certified dual bound.

    Parameters
    ----------
    mu, cov : array_like
        Half mean difference and covariance (see :func:`whiten`).
    budgets : array_like
        Non-negative average budgets :math:`D`.
    ridge : sequence of float
        Ridge parameters (``>= 0`` or ``inf``) of the lower-bound projections.

    Returns
    -------
    tuple of Sandwich
    """
    red = whiten(mu, cov)
    D = _budgets(budgets)
    lams = [float(r) for r in ridge]
    if not lams:
        raise ValueError("ridge must hold at least one value")
    reductions = [projection_reduction(mu, cov, ridge_direction(mu, cov, lam)) for lam in lams]
    problems: dict[float, ScalarProblem] = {}

    def solve(snr: float, t: float) -> ScalarAttack:
        key = round(snr, 12)
        if key not in problems:
            problems[key] = scalar_problem(snr, hx=hx, hy=hy, tail=tail)
        return scalar_attack(problems[key], t, tol=tol)

    out = []
    for d in D:
        up = solve(red.m_norm, d * red.upper_factor)
        best, best_lam, each = None, lams[0], []
        for lam, (snr, fac) in zip(lams, reductions):
            if lam == 0.0 and abs(d * fac - d * red.upper_factor) <= 1e-12 * max(1.0, d * fac):
                cand = up  # isotropic case: the two scalar problems coincide
            else:
                cand = solve(snr, d * fac)
            each.append(cand.lower_bound)
            if best is None or cand.lower_bound > best.lower_bound:
                best, best_lam = cand, lam
        out.append(Sandwich(budget=float(d), upper=up, lower=best, lower_ridge=best_lam,
                            upper_mi=up.mi, lower_mi=best.lower_bound,
                            lower_by_ridge=tuple(each)))
    return tuple(out)


# --------------------------------------------------------------------------- the attack at a target level
def budget_for_level(problem: ScalarProblem, target: float, t0: float, *, tol: float = 1e-6,
                     max_iter: int = 30) -> tuple[float, ScalarAttack]:
    r"""Scalar budget :math:`t` at which :math:`I^*(t)` of ``problem`` equals ``target``.

    Newton's method on the convex decreasing :math:`t \mapsto I^*(t)`, with the
    solver's budget multiplier as the slope :math:`-dI^*/dt`, safeguarded so that a
    step never more than halves :math:`t`.

    Parameters
    ----------
    problem : ScalarProblem
        The discretised scalar problem.
    target : float
        Target information, strictly between 0 and ``problem.clean_mi`` [nats].
    t0 : float
        Positive starting budget.
    tol : float, default 1e-6
        Accept when :math:`|I^*(t) - \text{target}| \le` ``tol``.
    max_iter : int, default 30
        Newton steps before giving up.

    Returns
    -------
    (float, ScalarAttack)
        The budget and the certified attack there.

    Raises
    ------
    RuntimeError
        If Newton's method does not reach ``tol`` in ``max_iter`` steps.
    """
    if not isinstance(problem, ScalarProblem):
        raise ValueError("problem must be a ScalarProblem (see scalar_problem)")
    goal = v.positive(target, "target")
    if goal >= problem.clean_mi:
        raise ValueError(f"target must be below the clean information {problem.clean_mi!r}; got {target!r}")
    t = v.positive(t0, "t0")
    tol = v.positive(tol, "tol")
    for _ in range(v.integer(max_iter, "max_iter", minimum=1)):
        res = scalar_attack(problem, t)
        if abs(res.mi - goal) <= tol:
            return t, res
        step = (res.mi - goal) / res.multiplier if res.multiplier > 0 else t
        t = max(t + step, 0.5 * t)
    raise RuntimeError("Newton did not converge")


def apply_scalar_attack(problem: ScalarProblem, attack: ScalarAttack, statistic: Any, u: Any, x: Any,
                        direction: Any, rng: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Apply a scalar attack to real images: move :math:`T` by :math:`y - x_q` along ``direction``.

    Each image's statistic is quantised to the nearest input cell :math:`x_q` of
    ``problem``, an output :math:`y` is drawn from the attack's channel
    :math:`W(y \mid U, x_q)`, and the image moves by :math:`(y - x_q)` times
    ``direction`` (:attr:`Whitened.direction`, which shifts :math:`T` by one unit
    and leaves the rest of the whitened image unchanged).

    Parameters
    ----------
    problem : ScalarProblem
    attack : ScalarAttack
        A solution of ``problem``.
    statistic : array_like, shape (n,)
        :math:`T` of each image.
    u : array_like, shape (n,)
        Labels in {-1, +1}.
    x : array_like, shape (n, d)
        The images.
    direction : array_like, shape (d,)
        Perturbation per unit shift of :math:`T`.
    rng : numpy.random.Generator or int
        Random source for the channel's draws.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Attacked images (n, d), shifts :math:`y - x_q` (n,), input cell indices (n,).
    """
    if not isinstance(problem, ScalarProblem) or not isinstance(attack, ScalarAttack):
        raise ValueError("problem must be a ScalarProblem and attack a ScalarAttack of it")
    T = _real_array(statistic, "statistic", 1)
    X = _real_array(x, "x", 2)
    lab = _real_array(u, "u", 1)
    e = _real_array(direction, "direction", 1)
    if not (T.size == lab.size == X.shape[0]) or e.size != X.shape[1]:
        raise ValueError("statistic, u and the rows of x must match; direction must have one entry per feature")
    if not np.all(np.isin(lab, (-1.0, 1.0))):
        raise ValueError("u must hold labels -1 and +1")
    channel = attack.solution.channel
    if channel.shape[1:] != (problem.x.size, problem.y.size):
        raise ValueError("attack does not solve problem (channel shape)")
    gen = v.rng_from(rng)
    ix = np.clip(np.rint((T - problem.x[0]) / (problem.x[1] - problem.x[0])).astype(int), 0, problem.x.size - 1)
    cum = np.cumsum(channel[(lab > 0).astype(int), ix], axis=1)  # row 0 of p_ux is U = -1
    iy = np.minimum((gen.random(T.size)[:, None] > cum).sum(axis=1), problem.y.size - 1)
    shift = problem.y[iy] - problem.x[ix]
    return X + shift[:, None] * e[None, :], shift, ix
