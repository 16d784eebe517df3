r"""Figures of notebook 00 (the introduction): the paper's Figures 1 and 2 and the two attackers.

:func:`figure1_block_diagram` and :func:`figure2_binary_channel` redraw the
paper's diagrams (§2 and §3.3); :func:`informed_versus_blind_gaussian` draws the
closed-form minimum :math:`I(U;Y)` of the informed and the blind attacker for a
Gaussian :math:`U = X`. Each returns a new Figure; the notebook saves it with
:func:`mi_lib.plotting.save_figure`.
"""

from __future__ import annotations

import matplotlib.figure
import numpy as np

from .._validation import finite_array, positive

__all__ = ["figure1_block_diagram", "figure2_binary_channel", "informed_versus_blind_gaussian"]

PAIRS_UX = ((0, 0), (0, 1), (1, 0), (1, 1))
r"""The four values of :math:`(U, X)` in the order of the paper's :math:`a, b, c, d` and :math:`p_1, \dots, p_4`."""


def _box(ax, xy, text, width=1.9, height=0.8, color="C0"):
    from matplotlib.patches import FancyBboxPatch

    x, y = xy
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.05", fc="white", ec=color, lw=1.6))
    ax.text(x, y, text, ha="center", va="center", fontsize=10)


def _wire(ax, points, label="", at=0, dashed=False, dx=0.0, dy=0.12):
    # Polyline through `points` ending in an arrow head; optional label near segment `at`.
    style = dict(color="0.4" if dashed else "black", lw=1.4, ls="--" if dashed else "-")
    xs, ys = zip(*points)
    ax.plot(xs[:-1], ys[:-1], **style)
    ax.annotate("", xy=points[-1], xytext=points[-2],
                arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, **style))
    if label:
        (x0, y0), (x1, y1) = points[at], points[at + 1]
        ax.text((x0 + x1) / 2 + dx, (y0 + y1) / 2 + dy, label, ha="center", va="bottom", fontsize=11)


def figure1_block_diagram() -> matplotlib.figure.Figure:
    r"""The paper's Figure 1 redrawn: the mutual-information framework as a block diagram.

    Source :math:`U`, observation synthesis :math:`X = U + W`, the attacker's
    :math:`E` added to give :math:`Y = X + E`, which feeds both the MI
    computation :math:`I(U;Y)` and any decision system. Dashed arrows (an
    addition to the paper's figure) show what the informed attacker may look at.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure of size 9 x 4.2 inches with one axis (frame switched off).
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9.0, 4.2))
    ax.set_xlim(-0.3, 10.0)
    ax.set_ylim(-2.1, 2.9)
    ax.axis("off")
    _box(ax, (0.6, 0.6), "source\n$U$", width=1.1)
    _box(ax, (3.0, 0.6), "observation\nsynthesis\n$X = U + W$", height=1.1)
    ax.add_patch(plt.Circle((5.4, 0.6), 0.28, fc="white", ec="black", lw=1.4))
    ax.text(5.4, 0.6, "+", ha="center", va="center", fontsize=14)
    _box(ax, (5.4, -1.2), "attacker\n$p(E \\mid U, X)$", color="C3")
    _box(ax, (8.7, 1.7), "MI computation\n$I(U; Y)$", width=2.1, color="C2")
    _box(ax, (8.7, -0.5), "decision system\n(any classifier)", width=2.1)
    _wire(ax, [(1.2, 0.6), (2.0, 0.6)], "$U$")
    _wire(ax, [(4.0, 0.6), (5.12, 0.6)], "$X$")
    _wire(ax, [(5.4, -0.75), (5.4, 0.32)], "$E$", dx=0.22, dy=-0.15)
    _wire(ax, [(5.68, 0.6), (7.0, 0.6), (7.0, 1.5), (7.6, 1.5)], "$Y = X + E$", dx=0.0)
    _wire(ax, [(7.0, 0.6), (7.0, -0.5), (7.6, -0.5)])
    _wire(ax, [(0.6, 1.05), (0.6, 2.3), (8.7, 2.3), (8.7, 2.15)], "$U$ (the label)", at=1)
    _wire(ax, [(0.6, 0.15), (0.6, -1.2), (4.4, -1.2)], "sees $U$", at=1, dashed=True)
    _wire(ax, [(4.5, 0.6), (4.5, -0.75)], "sees $X$", dashed=True, dx=-0.45, dy=-0.1)
    ax.text(0.9, -2.05, "dashed: what the informed attacker may look at (the blind attacker sees neither)",
            fontsize=9, color="0.35")
    ax.set_title("Figure 1 (redrawn): the mutual-information framework for adversarial attacks")
    return fig


def figure2_binary_channel() -> matplotlib.figure.Figure:
    r"""The paper's Figure 2 redrawn: the binary attack as a channel from :math:`(U, X)` to :math:`Y`.

    The four pairs :math:`(U, X)` (probabilities :math:`a, b, c, d`) on the left,
    :math:`Y \in \{0, 1\}` on the right; the edge from pair :math:`i` into
    :math:`Y \ne X` carries the flip probability :math:`p_i = \Pr(E = 1 \mid U, X)`
    of equation (11), the edge into :math:`Y = X` carries :math:`1 - p_i`.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure of size 7.6 x 4.8 inches with one axis (frame switched off).
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.6, 4.8))
    ax.set_xlim(-0.4, 5.0)
    ax.set_ylim(-0.6, 4.0)
    ax.axis("off")
    rows = {pair: 3.0 - i for i, pair in enumerate(PAIRS_UX)}  # heights of the four (U, X) nodes
    outs = {0: 2.05, 1: 0.95}                                     # heights of Y = 0 and Y = 1
    x_left, x_right = 1.15, 4.2
    ax.text(0.75, 3.65, "$(U, X)$", ha="center", fontsize=13)
    ax.text(x_right + 0.15, 3.65, "$Y$", ha="center", fontsize=13)
    for (pair, h), prob, i in zip(rows.items(), "abcd", range(1, 5)):
        ax.text(0.0, h, f"${prob}$", ha="center", va="center", fontsize=13)
        ax.text(0.75, h, f"$({pair[0]},{pair[1]})$", ha="center", va="center", fontsize=12)
        for y_val, h_out in outs.items():
            ax.annotate("", xy=(x_right, h_out), xytext=(x_left, h),
                        arrowprops=dict(arrowstyle="-|>", color="C0", lw=1.2, shrinkA=0, shrinkB=4))
            label = f"$p_{i}$" if y_val != pair[1] else f"$1 - p_{i}$"  # Y != X: the attacker flipped X
            t = 0.22 if y_val == 0 else 0.42
            ax.text(x_left + t * (x_right - x_left), h + t * (h_out - h), label, ha="center", va="center",
                    fontsize=10, bbox=dict(fc="white", ec="none", pad=0.5))
    for y_val, h_out in outs.items():
        ax.text(x_right + 0.15, h_out, f"${y_val}$", ha="center", va="center", fontsize=13)
    ax.text(-0.35, -0.45,
            r"$p_i = \Pr(E = 1 \mid U, X)$, $Y = X \oplus E$; a symmetric channel only if $p_1 = p_2 = p_3 = p_4$",
            fontsize=9, color="0.35")
    ax.set_title("Figure 2 (redrawn): the binary attack as a channel from $(U, X)$ to $Y$")
    return fig


def informed_versus_blind_gaussian(a2: float, budgets) -> matplotlib.figure.Figure:
    r"""Minimum :math:`I(U;Y)` of the informed and the blind attacker for a Gaussian :math:`U = X`.

    The informed attacker reaches the Gaussian rate-distortion function
    :math:`\tfrac12\log(a^2/D)` (0 for :math:`D \ge a^2`,
    :func:`mi_lib.gaussian_rate_distortion`); the blind one, adding independent
    Gaussian noise, leaves :math:`\tfrac12\log(1 + a^2/D)`. Both are drawn
    against :math:`D / a^2`, with the y-axis cut at 2 nats.

    Parameters
    ----------
    a2 : float
        Signal variance :math:`a^2 > 0`.
    budgets : array_like, 1-D
        Energy budgets :math:`D > 0` (at least two, finite).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``a2`` is not positive and finite, or ``budgets`` is not a 1-D array
        of at least two finite positive numbers.
    """
    import matplotlib.pyplot as plt

    from ..gaussian_measures import gaussian_rate_distortion

    a2 = positive(a2, "a2")
    D = finite_array(budgets, "budgets", ndim=1)
    if D.size < 2 or np.any(D <= 0):
        raise ValueError("budgets must hold at least two positive values")
    informed = gaussian_rate_distortion(a2, D)
    blind = 0.5 * np.log1p(a2 / D)
    fig, ax = plt.subplots()
    ax.plot(D / a2, informed, label=r"informed: $\frac{1}{2}\log(a^2/D)$")
    ax.plot(D / a2, blind, label=r"blind: $\frac{1}{2}\log(1 + a^2/D)$")
    ax.set_xlabel(r"budget $D / a^2$")
    ax.set_ylabel(r"minimum $I(U;Y)$ [nats]")
    ax.set_title(r"Gaussian $U = X$: what seeing the signal is worth to the attacker")
    ax.set_ylim(0, 2.0)
    ax.legend()
    return fig
