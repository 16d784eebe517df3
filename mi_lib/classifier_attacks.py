r"""Minimal :math:`\ell_2` attacks on trained classifiers (notebook 10).

Exact for linear models (:func:`linear_min_perturbation`: the margin divided by
:math:`\lVert w\rVert` along :math:`-\operatorname{sign}\cdot w`), DeepFool with verified
flips for scikit-learn's binary ``MLPClassifier`` with gradients written out from
its weights (:func:`mlp_min_perturbation`; every reported example flips the
model's own ``predict``, so its radius is an upper bound on the true minimal
one), and accuracy curves under a per-sample radius or an average budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _validation as v

__all__ = [
    "LinearAttack",
    "NetworkAttack",
    "accuracy_under_budget",
    "accuracy_under_radius",
    "linear_as_network",
    "linear_min_perturbation",
    "mlp_decision",
    "mlp_min_perturbation",
]


def _real_array(x: Any, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    return v.finite_array(x, name, ndim=ndim)  # real, finite, of the given dimension


def _budgets(budgets: Any) -> np.ndarray:
    b = np.atleast_1d(_real_array(budgets, "budgets", (0, 1)))
    if b.size == 0:
        raise ValueError("budgets is empty")
    if np.any(b < 0):
        raise ValueError("budgets must be non-negative")
    return b


# --------------------------------------------------------------------------- attacks on classifiers
@dataclass(frozen=True)
class LinearAttack:
    r"""Minimal :math:`\ell_2` perturbations that flip a linear classifier :math:`\operatorname{sign}(w^\top x + b)`.

    Attributes
    ----------
    radius : ndarray, shape (n,)
        Exact minimal radius :math:`|w^\top x + b|/\lVert w\rVert`.
    delta : ndarray, shape (n, d)
        The perturbation :math:`-\operatorname{sign}(f)\,(1+\text{overshoot})\,|f|\,w/\lVert w\rVert^2`
        (plus a tiny push for points on the boundary), which crosses the boundary.
    """

    radius: np.ndarray
    delta: np.ndarray


def linear_min_perturbation(w: Any, b: float, x: Any, *, overshoot: float = 1e-6) -> LinearAttack:
    r"""The exact minimal :math:`\ell_2` perturbation flipping :math:`f(x) = w^\top x + b`.

    The closest point of the hyperplane :math:`f = 0` to :math:`x` is
    :math:`x - f(x) w/\lVert w\rVert^2` (Lagrange, or Cauchy–Schwarz:
    :math:`|w^\top e| \le \lVert w\rVert\lVert e\rVert` with equality along :math:`w`),
    at distance :math:`|f(x)|/\lVert w\rVert`. The returned ``delta`` overshoots by
    the factor ``1 + overshoot`` so that the decision really changes (scikit-learn
    predicts the positive class only for :math:`f > 0`).

    Parameters
    ----------
    w : array_like, shape (d,)
        Non-zero weights.
    b : float
        Intercept.
    x : array_like, shape (n, d)
        Points.
    overshoot : float
        Relative overshoot, > 0.

    Returns
    -------
    LinearAttack
    """
    ww = v.nonzero_vector(w, "w")
    bb = float(_real_array(b, "b", 0))
    X = _real_array(x, "x", 2)
    if X.shape[1] != ww.size:
        raise ValueError(f"x must have {ww.size} columns; got {X.shape[1]}")
    ov = v.positive(overshoot, "overshoot")
    f = X @ ww + bb
    n2 = float(ww @ ww)
    side = np.where(f > 0, 1.0, -1.0)
    push = np.abs(f) * (1.0 + ov) + 1e-12 * (abs(bb) + np.sqrt(n2) * np.linalg.norm(X, axis=1) + 1.0)
    delta = -(side * push / n2)[:, None] * ww[None, :]
    return LinearAttack(radius=np.abs(f) / np.sqrt(n2), delta=delta)


_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")


def linear_as_network(w: Any, b: float, template: Any) -> Any:
    r"""The linear classifier :math:`\operatorname{sign}(w^\top x + b)` written as a one-unit identity MLP.

    A copy of a fitted binary scikit-learn ``MLPClassifier`` (``template``, left
    untouched) is rewired to one hidden identity unit :math:`w^\top x + b` and an
    output weight 1, so that :func:`mlp_min_perturbation` can be checked against
    the exact :func:`linear_min_perturbation` (notebook 10's second route).

    Parameters
    ----------
    w : array_like, shape (d,)
        Weights; d must match the template's input dimension.
    b : float
        Intercept.
    template : sklearn.neural_network.MLPClassifier
        A fitted binary MLP with one hidden layer.

    Returns
    -------
    sklearn.neural_network.MLPClassifier
    """
    import copy

    _check_mlp(template)
    if len(template.coefs_) != 2:
        raise ValueError("template must have exactly one hidden layer")
    wv = _real_array(w, "w", 1)
    if wv.size != template.coefs_[0].shape[0]:
        raise ValueError(f"w must have {template.coefs_[0].shape[0]} entries; got {wv.size}")
    net = copy.deepcopy(template)
    net.activation = "identity"
    net.coefs_ = [wv[:, None].copy(), np.ones((1, 1))]
    net.intercepts_ = [np.array([v.real_scalar(b, "b")]), np.zeros(1)]
    return net


def _check_mlp(model: Any) -> None:
    for attr in ("coefs_", "intercepts_", "activation", "out_activation_"):
        if not hasattr(model, attr):
            raise ValueError("model must be a fitted sklearn.neural_network.MLPClassifier")
    if model.out_activation_ != "logistic" or model.coefs_[-1].shape[1] != 1:
        raise ValueError("model must be a binary MLPClassifier (one logistic output unit)")
    if model.activation not in _ACTIVATIONS:
        raise ValueError(f"unsupported activation {model.activation!r}")


def _act(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Activation and its derivative at ``z``."""
    if name == "identity":
        return z, np.ones_like(z)
    if name == "logistic":
        s = 0.5 * (1.0 + np.tanh(0.5 * z))
        return s, s * (1.0 - s)
    if name == "tanh":
        t = np.tanh(z)
        return t, 1.0 - t * t
    return np.maximum(z, 0.0), (z > 0).astype(float)


def mlp_decision(model: Any, x: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""Logit :math:`f(x)` of a binary ``MLPClassifier`` and its gradient, from the trained weights.

    Forward: :math:`h_0 = x`, :math:`h_\ell = \phi(h_{\ell-1}W_\ell + b_\ell)`, and
    :math:`f = h_{L-1}W_L + b_L` (the output unit's logistic is monotone, so the
    decision is :math:`f > 0`). Backward: :math:`g_{L-1} = W_L`,
    :math:`g_{\ell-1} = (g_\ell \odot \phi'(z_\ell)) W_\ell^\top`, :math:`\nabla f = g_0`.

    Parameters
    ----------
    model : MLPClassifier
        Fitted, binary, activation one of identity, logistic, tanh, relu.
    x : array_like, shape (n, d)

    Returns
    -------
    (f, grad) : ndarray shape (n,), ndarray shape (n, d)
    """
    _check_mlp(model)
    X = _real_array(x, "x", 2)
    if X.shape[1] != model.coefs_[0].shape[0]:
        raise ValueError(f"x must have {model.coefs_[0].shape[0]} columns; got {X.shape[1]}")
    h, derivs = X, []
    for W, b in zip(model.coefs_[:-1], model.intercepts_[:-1]):
        h, dh = _act(model.activation, h @ W + b)
        derivs.append(dh)
    f = (h @ model.coefs_[-1] + model.intercepts_[-1])[:, 0]
    g = np.broadcast_to(model.coefs_[-1][:, 0], h.shape)
    for W, dh in zip(reversed(model.coefs_[:-1]), reversed(derivs)):
        g = (g * dh) @ W.T
    return f, np.array(g)


@dataclass(frozen=True)
class NetworkAttack:
    r"""Verified adversarial perturbations of a binary ``MLPClassifier``.

    Attributes
    ----------
    radius : ndarray, shape (n,)
        :math:`\lVert\delta\rVert`, an upper bound on each point's minimal flipping radius
        (``inf`` where no flip was found).
    delta : ndarray, shape (n, d)
        Perturbations; ``model.predict(x + delta)`` differs from ``model.predict(x)``
        wherever ``flipped``.
    flipped : ndarray of bool, shape (n,)
        Verified with the model's own ``predict``.
    iterations : ndarray of int, shape (n,)
        DeepFool steps used.
    """

    radius: np.ndarray
    delta: np.ndarray
    flipped: np.ndarray
    iterations: np.ndarray


def mlp_min_perturbation(model: Any, x: Any, *, max_iter: int = 100, overshoot: float = 0.02,
                         bisection: int = 30) -> NetworkAttack:
    r"""DeepFool-style minimal :math:`\ell_2` attack on a binary ``MLPClassifier``, verified.

    DeepFool (Moosavi-Dezfooli et al. 2016), binary case: linearise
    :math:`f` at the current point and step to the linearisation's boundary,
    :math:`r = -f\,\nabla f/\lVert\nabla f\rVert^2`, until the decision flips;
    the accumulated perturbation is scaled by ``1 + overshoot``. For a linear
    :math:`f` one step gives the exact minimal perturbation. Then the scale
    :math:`c \in (0, 1]` of the perturbation is bisected to the smallest value
    whose decision (by the model's ``predict``) is still flipped. Every
    reported radius belongs to a perturbation that really flips the model's
    decision, hence it is an upper bound on the minimal radius.

    Parameters
    ----------
    model : MLPClassifier
        Fitted binary network (see :func:`mlp_decision`).
    x : array_like, shape (n, d)
    max_iter : int
        Largest number of DeepFool steps.
    overshoot : float
        Relative overshoot, > 0.
    bisection : int
        Bisection steps on the scale.

    Returns
    -------
    NetworkAttack
    """
    _check_mlp(model)
    X = _real_array(x, "x", 2)
    ov = v.positive(overshoot, "overshoot")
    for name, val in (("max_iter", max_iter), ("bisection", bisection)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < 0:
            raise ValueError(f"{name} must be a non-negative integer; got {val!r}")
    n = X.shape[0]
    f0, _ = mlp_decision(model, X)
    side = f0 > 0
    r = np.zeros_like(X)
    iters = np.zeros(n, dtype=int)
    done = np.zeros(n, dtype=bool)
    for _ in range(max_iter):
        active = ~done
        if not active.any():
            break
        f, g = mlp_decision(model, X[active] + (1.0 + ov) * r[active])
        crossed = (f > 0) != side[active]
        idx = np.nonzero(active)[0]
        done[idx[crossed]] = True
        step_idx = idx[~crossed]
        if step_idx.size == 0:
            break
        fs, gs = f[~crossed], g[~crossed]
        gn2 = np.einsum("ij,ij->i", gs, gs)
        ok = gn2 > 0
        r[step_idx[ok]] -= (fs[ok] / gn2[ok])[:, None] * gs[ok]
        iters[step_idx[ok]] += 1
    delta = (1.0 + ov) * r
    pred0 = model.predict(X)
    flipped = (model.predict(X + delta) != pred0) & done
    # bisection on the scale: smallest c in (0, 1] with a flipped decision
    lo, hi = np.zeros(n), np.ones(n)
    for _ in range(bisection):
        mid = 0.5 * (lo + hi)
        f, _ = mlp_decision(model, X + mid[:, None] * delta)
        cross = (f > 0) != side
        hi = np.where(cross, mid, hi)
        lo = np.where(cross, lo, mid)
    cand = X + hi[:, None] * delta
    better = flipped & (model.predict(cand) != pred0)
    delta = np.where(better[:, None], hi[:, None] * delta, delta)
    radius = np.where(flipped, np.linalg.norm(delta, axis=1), np.inf)
    return NetworkAttack(radius=radius, delta=delta, flipped=flipped, iterations=iters)


# --------------------------------------------------------------------------- accuracy curves
def _correct_radius(correct: Any, radius: Any) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(correct)
    if c.ndim != 1 or c.dtype != bool:
        raise ValueError("correct must be a 1-D boolean array")
    r = np.asarray(radius)
    if np.iscomplexobj(r):
        raise ValueError("radius must be real")
    r = np.asarray(r, dtype=float)
    if r.shape != c.shape:
        raise ValueError(f"radius must have shape {c.shape}; got {r.shape}")
    if np.any(np.isnan(r)) or np.any(r < 0):
        raise ValueError("radius must be non-negative (inf allowed, NaN not)")
    return c, r


def accuracy_under_radius(correct: Any, radius: Any, eps: Any) -> np.ndarray:
    r"""Accuracy when every point may be moved by :math:`\lVert E\rVert \le \varepsilon`.

    A correctly classified point survives iff its flipping radius exceeds
    :math:`\varepsilon`: accuracy :math:`= \frac1n\#\{i: \text{correct}_i,\ r_i > \varepsilon\}`.
    """
    c, r = _correct_radius(correct, radius)
    e = np.atleast_1d(_real_array(eps, "eps", (0, 1)))
    rc = r[c]
    return np.array([np.count_nonzero(rc > x) for x in e], dtype=float) / c.size


def accuracy_under_budget(correct: Any, radius: Any, budgets: Any) -> np.ndarray:
    r"""Accuracy under an average budget :math:`\frac1n\sum_i\lVert E_i\rVert^2 \le D`.

    The attacker that minimises the accuracy of this classifier flips the
    correctly classified points with the smallest squared radii first (a
    fractional knapsack with unit values, solved greedily; the last point
    may not be affordable, so counts are whole points).
    """
    c, r = _correct_radius(correct, radius)
    D = _budgets(budgets)
    costs = np.sort(r[c] ** 2)
    spent = np.cumsum(costs)
    flips = np.searchsorted(spent, D * c.size, side="right")
    return (np.count_nonzero(c) - flips) / c.size
