r"""Figures of notebook 02 (the scalar Gaussian attack): Figure 3 and its readings.

Each function takes the parameters it draws, computes the curves with
:func:`mi_lib.gaussian_attack` and :func:`mi_lib.blind_gaussian_attack`, and
returns a new Figure; the notebook saves it with
:func:`mi_lib.plotting.save_figure`. The paper's plotted points, where a figure
shows them, are passed in as the dict of :func:`mi_lib.gaussian_program.paper_figure3`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.figure
import numpy as np

__all__ = ["blind_versus_informed", "figure3_panels", "rho2_versus_mi"]

SIGMA2_FIGURE3 = tuple(round(0.1 * i, 1) for i in range(1, 11))
"""The ten noise variances of Figure 3."""

_PAPER_KEYS = ("a2", "s2", "D", "y")


def _positive_values(name: str, values, *, length: int | None = None) -> tuple[float, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a sequence of positive numbers; got {values!r}")
    out = []
    for v in values:
        if isinstance(v, (bool, complex, np.complexfloating)) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must hold real numbers; got {v!r}")
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"{name} must hold finite positive numbers; got {v!r}")
        out.append(float(v))
    if not out or (length is not None and len(out) != length):
        raise ValueError(f"{name} must hold {length or 'at least one'} values; got {len(out)}")
    return tuple(out)


def _check_paper(paper) -> Mapping:
    if not isinstance(paper, Mapping) or any(k not in paper for k in _PAPER_KEYS):
        raise TypeError(f"paper must be a mapping with the arrays {_PAPER_KEYS} (see paper_figure3)")
    sizes = {np.shape(paper[k]) for k in _PAPER_KEYS}
    if len(sizes) != 1 or len(next(iter(sizes))) != 1:
        raise ValueError("the arrays of paper must be one-dimensional and of one length")
    return paper


def _mi_curve(a2: float, s2: float, budgets) -> np.ndarray:
    from ..gaussian import gaussian_attack

    return np.array([gaussian_attack(a2, s2, d).mi for d in budgets])


def figure3_panels(a2_set, title: str, *, sigma2=SIGMA2_FIGURE3, budgets=None,
                   paper: Mapping | None = None) -> matplotlib.figure.Figure:
    r"""Figure 3 of the paper regenerated: the minimum MI of program (4) against the budget.

    Four panels, one per signal variance, each with one solid line per noise
    variance (the exact :math:`I^*(D)` on 401 budgets in :math:`[0, 1]`) and a
    dotted vertical line at :math:`D = a^2`, where :math:`I^*` reaches zero.

    Parameters
    ----------
    a2_set : sequence of 4 floats
        The signal variances :math:`a^2 > 0` of panels (a)–(d).
    title : str
        The figure's title.
    sigma2 : sequence of floats, default 0.1, 0.2, ..., 1.0
        The noise variances :math:`\sigma^2 > 0`, one line each.
    budgets : sequence of floats, optional
        Budgets marked with dots on each line (used when ``paper`` is None).
    paper : mapping, optional
        The paper's points (:func:`mi_lib.gaussian_program.paper_figure3`): drawn as
        crosses, with the exact :math:`\rho^{*2}` as thin dashed lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..gaussian import gaussian_attack

    a2_set = _positive_values("a2_set", a2_set, length=4)
    sigma2 = _positive_values("sigma2", sigma2)
    if not isinstance(title, str):
        raise TypeError(f"title must be a str; got {title!r}")
    if budgets is not None:
        budgets = _positive_values("budgets", budgets)
    if paper is not None:
        paper = _check_paper(paper)
    D_fine = np.linspace(0.0, 1.0, 401)
    colors = plt.cm.viridis(np.linspace(0.0, 0.92, len(sigma2)))
    fig, axes = plt.subplots(2, 2, figsize=(11.0, 8.0), sharex=True)
    for ax, a2, letter in zip(axes.flat, a2_set, "abcd"):
        for s2, col in zip(sigma2, colors):
            ax.plot(D_fine, _mi_curve(a2, s2, D_fine), color=col, lw=1.3, label=rf"$\sigma^2 = {s2:.1f}$")
            if paper is None:
                if budgets is not None:
                    ax.plot(budgets, _mi_curve(a2, s2, budgets), "o", color=col, ms=3.5)
            else:
                rho2 = [gaussian_attack(a2, s2, d).rho2 for d in D_fine]
                ax.plot(D_fine, rho2, color=col, lw=0.8, ls="--")
                sel = (np.asarray(paper["a2"]) == a2) & (np.asarray(paper["s2"]) == s2)
                ax.plot(np.asarray(paper["D"])[sel], np.asarray(paper["y"])[sel], "x", color=col, ms=5, mew=1.2)
        ax.axvline(a2, color="0.5", ls=":", lw=1)
        ax.set_title(rf"({letter}) $a^2 = {a2:g}$")
        ax.set_xlim(0, 1.0)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(r"min $I(U;Y)$ [nats]" if paper is None else r"$I^*$ [nats]  /  $\rho^{*2}$")
    for ax in axes[1]:
        ax.set_xlabel(r"budget $D$ (bound on $\mathbb{E}E^2$)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    if paper is not None:
        handles += [plt.Line2D([], [], color="0.3", lw=1.3), plt.Line2D([], [], color="0.3", lw=0.8, ls="--"),
                    plt.Line2D([], [], color="0.3", ls="", marker="x", ms=5, mew=1.2)]
        labels += [r"$I^*$ (exact)", r"$\rho^{*2}$ (exact)", "paper's points"]
    fig.legend(handles, labels, loc="center right", fontsize=9, title="noise variance")
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 0.86, 1))
    return fig


def rho2_versus_mi(paper: Mapping, *, sigma2=(0.1, 0.4, 1.0)) -> matplotlib.figure.Figure:
    r"""The paper's Figure 3 points beside the exact :math:`\rho^{*2}` and :math:`I^*`.

    Left: panel :math:`a^2 = 1` with a few noise levels, :math:`\rho^{*2}` solid,
    :math:`I^*` dashed, the paper's points as crosses. Right: :math:`D = \sigma^2 = 0.1`
    as a function of :math:`a^2`, with the paper's point of each panel.

    Parameters
    ----------
    paper : mapping
        The paper's points (:func:`mi_lib.gaussian_program.paper_figure3`).
    sigma2 : sequence of floats, default (0.1, 0.4, 1.0)
        Noise variances of the left panel (at most 10).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..gaussian import gaussian_attack

    paper = _check_paper(paper)
    sigma2 = _positive_values("sigma2", sigma2)
    if len(sigma2) > 10:
        raise ValueError("at most 10 noise variances")
    pa2, ps2, pD, py = (np.asarray(paper[k]) for k in _PAPER_KEYS)
    D_fine = np.linspace(0.0, 1.0, 401)[1:]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12.0, 4.6))
    for i, s2 in enumerate(sigma2):
        col = f"C{i}"
        atts = [gaussian_attack(1.0, s2, d) for d in D_fine]
        ax.plot(D_fine, [t.rho2 for t in atts], color=col, lw=1.8, label=rf"$\rho^{{*2}}$, $\sigma^2 = {s2:g}$")
        ax.plot(D_fine, [t.mi for t in atts], color=col, lw=1.8, ls="--", label=rf"$I^*$ [nats], $\sigma^2 = {s2:g}$")
        sel = (pa2 == 1.0) & (ps2 == s2)
        ax.plot(pD[sel], py[sel], "x", color=col, ms=7, mew=1.5)
    ax.plot([], [], "kx", ms=7, mew=1.5, label="paper's points, Fig. 3(a)")
    ax.set_xlabel("budget $D$")
    ax.set_ylabel(r"$\rho^{*2}$ (dimensionless)  /  $I^*$ [nats]")
    ax.set_title("Fig. 3(a), $a^2 = 1$: the paper's points follow $\\rho^{*2}$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.0)
    ax.legend(fontsize=8, ncol=2)

    a2_line = np.linspace(0.02, 1.05, 300)
    atts = [gaussian_attack(a2, 0.1, 0.1) for a2 in a2_line]
    ax2.plot(a2_line, [t.rho2 for t in atts], color="C0", lw=1.8, label=r"$\rho^{*2}$ (program (4))")
    ax2.plot(a2_line, [t.mi for t in atts], color="C0", lw=1.8, ls="--", label=r"$I^*$ [nats]")
    sel = (ps2 == 0.1) & (pD == 0.1)
    ax2.plot(pa2[sel], py[sel], "kx", ms=8, mew=1.5, label="paper's points, Fig. 3 (a)–(d)")
    ax2.set_xlabel("signal variance $a^2$")
    ax2.set_ylabel(r"$\rho^{*2}$ (dimensionless)  /  $I^*$ [nats]")
    ax2.set_title(r"$D = \sigma^2 = 0.1$ across the panels")
    ax2.set_xlim(0, 1.05)
    ax2.set_ylim(0, 0.75)
    ax2.legend(fontsize=9)
    fig.tight_layout()
    return fig


def blind_versus_informed(pairs, *, D_max: float = 1.5) -> matplotlib.figure.Figure:
    r"""Informed and blind optimal attacks side by side, for a few :math:`(a^2, \sigma^2)`.

    Left: the minimum MI of both attackers against the budget (informed solid,
    blind dashed). Right: the fraction of the clean information left, with dots
    at the budgets that remove half of it
    (:func:`mi_lib.gaussian_program.half_information_budgets`) and dotted lines at
    :math:`D = a^2`.

    Parameters
    ----------
    pairs : sequence of (float, float)
        :math:`(a^2, \sigma^2)`, both positive; at most 10 pairs.
    D_max : float, default 1.5
        Largest budget drawn (positive).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..gaussian import blind_gaussian_attack
    from ..gaussian_program import half_information_budgets

    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Sequence):
        raise TypeError(f"pairs must be a sequence of (a2, s2); got {pairs!r}")
    pairs = [_positive_values("pairs", p, length=2) for p in pairs]
    if not 1 <= len(pairs) <= 10:
        raise ValueError("give between 1 and 10 pairs")
    (D_max,) = _positive_values("D_max", [D_max])
    D_wide = np.linspace(0.0, D_max, 301)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12.0, 4.6))
    for i, (a2, s2) in enumerate(pairs):
        col = f"C{i}"
        clean, d_inf, d_blind = half_information_budgets(a2, s2)
        inf_curve = _mi_curve(a2, s2, D_wide)
        blind_curve = np.array([blind_gaussian_attack(a2, s2, d).mi for d in D_wide])
        lab = rf"$a^2 = {a2:g}$, $\sigma^2 = {s2:g}$"
        ax.plot(D_wide, inf_curve, color=col, lw=1.8, label=f"informed, {lab}")
        ax.plot(D_wide, blind_curve, color=col, lw=1.8, ls="--", label=f"blind, {lab}")
        ax2.plot(D_wide, inf_curve / clean, color=col, lw=1.8)
        ax2.plot(D_wide, blind_curve / clean, color=col, lw=1.8, ls="--")
        ax2.plot([d_inf, d_blind], [0.5, 0.5], "o", color=col, ms=6)
        ax2.axvline(a2, color=col, lw=0.8, ls=":")
    ax2.axhline(0.5, color="0.5", lw=0.8)
    ax.set_xlabel("budget $D$")
    ax.set_ylabel(r"min $I(U;Y)$ [nats]")
    ax.set_title("informed (solid) and blind (dashed) optimal attacks")
    ax.set_ylim(bottom=0)
    ax.set_xlim(0, D_max)
    ax.legend(fontsize=8)
    ax2.set_xlabel("budget $D$")
    ax2.set_ylabel("fraction of the clean information left")
    ax2.set_title("dots: budget that removes half; dotted: $D = a^2$")
    ax2.set_ylim(0, 1.02)
    ax2.set_xlim(0, D_max)
    fig.tight_layout()
    return fig
