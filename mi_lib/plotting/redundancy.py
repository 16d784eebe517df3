"""Drawings of notebook 07 (Redundancy): budgets against the number of copies.

:func:`redundancy_budget_curves` is a function of the model's parameters and
computes its curves with :func:`mi_lib.copies_attack_budget`;
:func:`binary_label_budgets` draws the certified results of the binary-label
search, which are too expensive to recompute inside a drawing.
"""

from __future__ import annotations

import math

import matplotlib.figure
import numpy as np

from .diagrams import _check_positive

__all__ = ["binary_label_budgets", "redundancy_budget_curves"]


def redundancy_budget_curves(a2: float, sigma2: float, level: float, amount: float, fraction: float, *,
                             n_max: int = 10**4, points: int = 60) -> matplotlib.figure.Figure:
    r"""Budgets that n noisy copies of a Gaussian source demand, against n.

    Left: the budget that brings :math:`I(U; Y)` down to ``level`` for the total
    and the per-copy budget, informed (solid) and blind (dashed), with the
    asymptotes :math:`n a^2 e^{-2I}` and :math:`a^2 e^{-2I}`. Right: the total
    informed budget to erase U, to remove a ``fraction`` of the clean information
    (with :math:`\sigma^{2(1-f)} a^{2f} n^f`) and to remove ``amount`` nats
    (informed and blind, with the limit :math:`\sigma^2(e^\Delta - 1)^2`).

    Parameters
    ----------
    a2, sigma2 : float
        Signal and per-copy noise variance (> 0).
    level : float
        Target level of information in nats (> 0).
    amount : float
        Amount of information removed, nats (> 0).
    fraction : float
        Fraction of the clean information removed, in (0, 1).
    n_max : int, default 10**4
        Largest number of copies.
    points : int, default 60
        Points on the logarithmic n axis.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..redundancy import copies_attack_budget

    a2, sigma2 = _check_positive("a2", a2), _check_positive("sigma2", sigma2)
    level, amount = _check_positive("level", level), _check_positive("amount", amount)
    fraction = _check_positive("fraction", fraction)
    if fraction >= 1:
        raise ValueError(f"fraction must lie in (0, 1); got {fraction!r}")
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or n_max < 2:
        raise ValueError(f"n_max must be an integer >= 2; got {n_max!r}")
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 2:
        raise ValueError(f"points must be an integer >= 2; got {points!r}")
    ns = np.unique(np.round(np.geomspace(1, n_max, points)).astype(int))

    def clean(n):
        return 0.5 * math.log1p(n * a2 / sigma2)

    def budgets(targets, **kw):
        return np.array([copies_attack_budget(a2, sigma2, int(n), t, **kw) for n, t in zip(ns, targets)])

    level_limit = a2 * math.exp(-2 * level)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    for kind, color in (("total", "C0"), ("per-copy", "C1")):
        for informed, ls in ((True, "-"), (False, "--")):
            vals = budgets([level] * ns.size, budget=kind, informed=informed)
            pos = vals > 0
            ax1.plot(ns[pos], vals[pos], color=color, ls=ls, lw=2,
                     label=f"{kind} budget, {'informed' if informed else 'blind'}")
    ax1.plot(ns, level_limit * ns, color="0.4", ls=":", lw=1.2, label=r"$n\,a^2 e^{-2I_t}$")
    ax1.axhline(level_limit, color="0.4", ls="-.", lw=1.2, label=r"$a^2 e^{-2I_t}$")
    ax1.set_ylabel("budget $D$ needed [squared signal units]")
    ax1.set_title(f"Bring $I(U;Y)$ down to {level:g} nats ($a^2 = {a2:g}$, $\\sigma^2 = {sigma2:g}$)")

    ax2.plot(ns, budgets([0.0] * ns.size), color="C3", lw=2, label=r"erase: $n a^2$")
    ax2.plot(ns, budgets([(1 - fraction) * clean(n) for n in ns]), color="C2", lw=2,
             label=f"remove a fraction f = {fraction:g}")
    ax2.plot(ns, sigma2 ** (1 - fraction) * a2**fraction * ns**fraction, color="C2", ls=":", lw=1.2,
             label=r"$\sigma^{2(1-f)}a^{2f}n^f$")
    ok = np.array([clean(n) > amount for n in ns])
    targets = [clean(n) - amount for n in ns[ok]]
    for informed, ls in ((True, "-"), (False, "--")):
        vals = np.array([copies_attack_budget(a2, sigma2, int(n), t, informed=informed)
                         for n, t in zip(ns[ok], targets)])
        ax2.plot(ns[ok], vals, color="C4", ls=ls, lw=2,
                 label=f"remove {amount:g} nats ({'informed' if informed else 'blind'})")
    ax2.axhline(sigma2 * math.expm1(amount) ** 2, color="C4", ls=":", lw=1.2, label=r"$\sigma^2(e^{\Delta}-1)^2$")
    ax2.set_ylabel("total budget $D$ needed [squared signal units]")
    ax2.set_title("Total budget by target (informed unless stated)")
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of copies $n$")
        ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def binary_label_budgets(ns, per_copy, t_inf: float, *, sigma2: float, level: float, x, y, p, channel,
                         n_ref: int, t_ref: float) -> matplotlib.figure.Figure:
    r"""The binary label: certified budgets against n, and what the optimal attack does.

    Left: total (:math:`n t_n`) and per-copy (:math:`t_n`) budgets that bring the
    label information to ``level``, the noiseless asymptotes :math:`n t_\infty` and
    :math:`t_\infty`, and the closed forms for a Gaussian source of variance 1
    with the same noise. Right: distribution functions of the quantised
    statistic given :math:`U = \pm1` before the attack and of the output after it.

    Parameters
    ----------
    ns, per_copy : array_like
        Numbers of copies and the certified per-copy budgets :math:`t_n`.
    t_inf : float
        The noiseless limit.
    sigma2, level : float
        Per-copy noise variance and target level (nats).
    x, y, p, channel : array_like
        Input grid, output grid, joint pmf of :math:`(U, X_q)` (2 x len(x)) and the
        optimal channel (2 x len(x) x len(y)) at ``n_ref``.
    n_ref : int
        Number of copies of the right panel.
    t_ref : float
        Its per-copy budget.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..redundancy import copies_attack_budget

    ns, per_copy = np.asarray(ns, dtype=float), np.asarray(per_copy, dtype=float)
    if ns.ndim != 1 or ns.shape != per_copy.shape or ns.size == 0 or np.any(ns < 1):
        raise ValueError("ns and per_copy must be 1-D of the same length, ns >= 1")
    t_inf, sigma2, level = (_check_positive(k, val) for k, val in (("t_inf", t_inf), ("sigma2", sigma2),
                                                                    ("level", level)))
    x, y, p, channel = (np.asarray(a, dtype=float) for a in (x, y, p, channel))
    if p.shape != (2, x.size) or channel.shape != (2, x.size, y.size):
        raise ValueError("need p of shape (2, len(x)) and channel of shape (2, len(x), len(y))")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    n_line = np.geomspace(1, 2 * ns.max(), 60)
    ax1.plot(ns, ns * per_copy, "o", color="C0", ms=8, label="total budget, binary label (certified)")
    ax1.plot(ns, per_copy, "s", color="C1", ms=8, label="per-copy budget, binary label (certified)")
    ax1.plot(n_line, n_line * t_inf, ":", color="C0", lw=1.2, label=r"$n\,t_\infty$ (noiseless limit)")
    ax1.axhline(t_inf, ls="-.", color="C1", lw=1.2, label=r"$t_\infty$")
    # the Gaussian-source closed form of section 3 for any real n >= 1: sqrt(D) = sqrt(n) e^{-I} - sigma kappa
    root = np.sqrt(n_line) * math.exp(-level) - math.sqrt(sigma2) * math.sqrt(-math.expm1(-2 * level))
    g_tot = np.maximum(root, 0.0) ** 2
    ax1.plot(n_line, g_tot, "-", color="C0", alpha=0.6, lw=1.5, label="Gaussian source, total (closed form)")
    ax1.plot(n_line, g_tot / n_line, "-", color="C1", alpha=0.6, lw=1.5,
             label="Gaussian source, per copy (closed form)")
    ax1.set_xscale("log", base=2)
    ax1.set_yscale("log")
    ax1.set_xlabel("number of copies $n$")
    ax1.set_ylabel("budget needed [squared signal units]")
    ax1.set_title(f"Bring $I(U;Y)$ down to {level:g} nats ($\\sigma^2 = {sigma2:g}$ per copy)")
    ax1.legend(fontsize=8, loc="upper left")
    out = np.einsum("ux,uxy->uy", p, channel)  # joint law of (U, Y)
    for iu, (u, color) in enumerate(((-1, "C3"), (1, "C0"))):
        ax2.step(x, np.cumsum(2 * p[iu]), where="post", color=color, lw=1.2, ls="--",
                 label=f"clean $X_q$ given $U = {u:+d}$")
        ax2.step(y, np.cumsum(2 * out[iu]), where="post", color=color, lw=2, label=f"attacked $Y$ given $U = {u:+d}$")
    ax2.set_xlim(-4.2, 4.2)
    ax2.set_xlabel("value of the (quantised) sufficient statistic")
    ax2.set_ylabel("cumulative probability")
    ax2.set_title(f"Optimal attack at n = {n_ref}: per-copy budget {t_ref:.3f}, I = {level:g} nats")
    ax2.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
