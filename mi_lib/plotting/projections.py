r"""Drawings of the linear-projection lectures (notebooks 03 and 04).

:func:`falling_bar_search` draws Algorithm 1 step by step; :func:`mi_curves`,
:func:`figure45_two_conventions` and :func:`marchenko_pastur_figure` draw the
paper's Figures 4 and 5 and their large-m limit from curves and spectra that the
notebook computed. Each returns a new Figure and prints nothing.
"""

from __future__ import annotations

import matplotlib.figure
import numpy as np

from .diagrams import _allocation_bars, _level_crossing


def _curve_dict(curves, name: str) -> dict:
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"{name} must be a non-empty dict")
    out = {}
    for key, value in curves.items():
        if len(value) != 2:
            raise ValueError(f"{name}[{key!r}] must be a pair (x, y)")
        x, y = (np.asarray(v, dtype=float) for v in value)
        if x.ndim != 1 or x.shape != y.shape or x.size == 0:
            raise ValueError(f"{name}[{key!r}]: x and y must be 1-d arrays of one length")
        out[key] = (x, y)
    return out


def falling_bar_search(sigma_sq, D: float) -> matplotlib.figure.Figure:
    r"""Algorithm 1 in three panels: the allocation, the falling bar's candidates, the one crossing.

    (a) bars :math:`\sigma_i^2` and the budget :math:`D_i = \min(\tau, \sigma_i^2)`
    (:func:`mi_lib.falling_bar`); (b) the interval :math:`R_i` of each step (shaded)
    and its candidate :math:`\tau_i` (:func:`mi_lib.projection_routes.falling_bar_candidates`),
    rejected or accepted; (c) :math:`g(\tau) = \sum_j\min(\tau, \sigma_j^2)` crossing
    :math:`D` once.

    Parameters
    ----------
    sigma_sq : array_like, shape (k,)
        Non-negative squared singular values (sorted in descending order here).
    D : float
        Budget, :math:`0 < D < \sum_i \sigma_i^2`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..projection import falling_bar
    from ..projection_routes import falling_bar_candidates

    cands, accept = falling_bar_candidates(sigma_sq, D)  # validates both arguments
    s = np.sort(np.asarray(sigma_sq, dtype=float))[::-1]
    tau, alloc = falling_bar(s, D)
    k, smax = s.size, float(s.max())
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.2))
    ax = axes[0]
    _allocation_bars(ax, s, alloc, tau)
    ax.text(k + 0.45, tau + 0.02 * smax, rf"$\tau = {tau:.2f}$", color="C3", ha="right")
    ax.set_title(rf"(a) allocation, $D = {D:g}$")

    ax = axes[1]
    top, bottom = 1.2 * smax, min(float(cands.min()), 0.0) - 0.1 * smax
    for i in range(0, k + 1):
        hi = top if i == 0 else s[i - 1]
        lo = s[i] if i < k else bottom
        if hi > lo:
            ax.fill_between([i - 0.3, i + 0.3], lo, hi, color="C0", alpha=0.18, lw=0)
        else:
            ax.text(i, hi + 0.03 * smax, "empty", ha="center", fontsize=8, color="0.3")
    for i, (c, ok) in enumerate(zip(cands, accept), start=1):
        ax.plot(i, c, "o" if ok else "x", color="C2" if ok else "C3", ms=9 if ok else 8, mew=2)
    ax.axhline(tau, color="C3", ls="--", lw=1.0)
    ax.set_xticks(range(0, k + 1))
    ax.set_xlim(-0.6, k + 0.6)
    ax.set_ylim(bottom, top)
    ax.set_xlabel("step $i$ (interval $R_i$ shaded)")
    ax.set_ylabel(r"candidate level $\tau_i$ [budget units]")
    ax.set_title(r"(b) the bar falls: $\times$ rejected, $\bullet$ accepted")

    ax = axes[2]
    _level_crossing(ax, s, D, tau, 1.15 * smax, breakpoints=True)
    ax.set_xlabel(r"level $\tau$ [budget units]")
    ax.set_ylabel(r"$g(\tau)$ [budget units]")
    ax.set_title("(c) one crossing")
    fig.tight_layout()
    return fig


def mi_curves(curves, title: str) -> matplotlib.figure.Figure:
    r"""Minimum MI against the budget, one curve per aspect ratio (one panel of Figure 4 or 5).

    Parameters
    ----------
    curves : dict
        ``{n/m: (budgets, minimum MI in nats)}``, drawn in key order.
    title : str
        Panel title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    curves = _curve_dict(curves, "curves")
    if not isinstance(title, str):
        raise TypeError("title must be a str")
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    colors = plt.cm.viridis(np.linspace(0.0, 0.9, len(curves)))
    for (alpha, (x, y)), c in zip(sorted(curves.items()), colors):
        ax.plot(x, y, "o-", color=c, ms=3.5, lw=1.2, label=f"n/m = {float(alpha):.1f}")
    ax.set_xlabel(r"budget $D$ [squared-norm units]")
    ax.set_ylabel(r"minimum $I(U;Y)$ [nats]")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.legend(fontsize=8, ncol=2)
    return fig


def figure45_two_conventions(ours_bits, paper, ours_nats, *, number: int, shape: str) -> matplotlib.figure.Figure:
    r"""Figure 4 or 5 drawn twice: as the paper drew it (top row) and in the text's convention (bottom row).

    One column per panel size m. Top: our curves in bits on the paper's grid
    :math:`0.1 + j\lVert H\rVert_F^2/10` (lines) and the paper's extracted points
    (crosses). Bottom: our curves in nats on :math:`\{0.1, \dots, 1\}\lVert H\rVert_F^2`
    and the paper's points times :math:`\log 2`, without their first point
    (:math:`D = 0.1`, far above the frame).

    Parameters
    ----------
    ours_bits, paper, ours_nats : dict
        ``{(m, n/m in tenths): (budgets, values)}`` with the same keys.
    number : {4, 5}
        Figure number (for the title).
    shape : str
        Description of the matrices (for the title).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    ours_bits, paper, ours_nats = (_curve_dict(c, n) for c, n in
                                   ((ours_bits, "ours_bits"), (paper, "paper"), (ours_nats, "ours_nats")))
    if not set(ours_bits) == set(paper) == set(ours_nats):
        raise ValueError("ours_bits, paper and ours_nats must have the same keys")
    if number not in (4, 5) or isinstance(number, bool):
        raise ValueError(f"number must be 4 or 5; got {number!r}")
    m_values = sorted({m for m, _ in ours_bits})
    tenths = sorted({t for _, t in ours_bits})
    fig, axes = plt.subplots(2, len(m_values), figsize=(3.875 * len(m_values), 7.6), squeeze=False)
    colors = plt.cm.viridis(np.linspace(0.0, 0.9, len(tenths)))
    for col, m in enumerate(m_values):
        top, bottom = axes[:, col]
        for t, c in zip(tenths, colors):
            if (m, t) not in paper:
                continue
            x_p, y_p = paper[(m, t)]
            top.plot(*ours_bits[(m, t)], "-", color=c, lw=1.2, label=f"n/m = {t / 10:.1f}")
            top.plot(x_p, y_p, "x", color=c, ms=5, mew=1.0)
            bottom.plot(*ours_nats[(m, t)], "o-", color=c, ms=3, lw=1.2)
            bottom.plot(x_p[1:], y_p[1:] * np.log(2.0), "x", color=c, ms=5, mew=1.0)
        letter = "abcdefgh"[col] if col < 8 else str(col)
        top.set_title(f"({letter}) m = {m}, as the paper drew it", fontsize=10)
        bottom.set_title(f"({letter}) m = {m}, corrected", fontsize=10)
        top.set_ylabel(r"minimum $I(U;Y)$ [bits]")
        bottom.set_ylabel(r"minimum $I(U;Y)$ [nats]")
        for ax in (top, bottom):
            ax.set_xlabel(r"budget $D$ [squared-norm units]")
            ax.set_xlim(left=0)
            ax.set_ylim(bottom=0)
    axes[0, 0].plot([], [], "x", color="0.3", label="paper (PDF)")
    axes[0, 0].legend(fontsize=7, loc="upper right")
    axes[1, 0].plot([], [], "x", color="0.3", label=r"paper (PDF) $\times \log 2$")
    axes[1, 0].legend(fontsize=8, loc="upper right")
    fig.suptitle(rf"Figure {number} regenerated ({shape}): top, the paper's convention (bits, $D_j = 0.1 + j\|H\|_F^2/10$); "
                 r"bottom, the text's (nats, $D \in \{0.1,\dots,1\}\cdot\|H\|_F^2$). Lines: ours; $\times$: the paper's points",
                 fontsize=11)
    fig.tight_layout()
    return fig


def marchenko_pastur_figure(curves, spectra, *, fractions=None, d_show=(0.1, 0.2, 0.4, 0.6),
                            m_values=(50, 250, 1250, 2500), histograms=((2500, 5), (2500, 15))) -> matplotlib.figure.Figure:
    r"""The large-m limit of Figures 4-5 and the eigenvalue law behind it.

    (a) :math:`I^*/m` against :math:`\alpha = n/m` at budget fractions ``d_show``:
    the Marchenko–Pastur limit :func:`mi_lib.mp_limit_mi_per_m` (lines) and the
    simulated curves (markers, one per m). (b), (c) eigenvalue histograms of two
    cached matrices (normalised by n) against :func:`mi_lib.marchenko_pastur_pdf`.

    Parameters
    ----------
    curves : dict
        ``{(m, n/m in tenths): (budgets, minimum MI in nats)}`` at the budget fractions ``fractions``.
    spectra : dict
        ``{(m, n/m in tenths): positive squared singular values}``; must hold the keys of ``histograms``.
    fractions : array_like, optional
        Budget fractions of the points of each curve; default ``0.1, 0.2, ..., 1.0``.
    d_show : sequence of float
        Fractions drawn in panel (a); each must be one of ``fractions``.
    m_values : sequence of int
        Panel sizes drawn as markers in (a) (at most four).
    histograms : pair of (m, tenths)
        The two matrices of panels (b) and (c), wide and tall (n/m not 1).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..projection import marchenko_pastur_pdf, mp_limit_mi_per_m

    curves = _curve_dict(curves, "curves")
    fractions = np.arange(1, 11) / 10 if fractions is None else np.asarray(fractions, dtype=float)
    cols = []
    for d in d_show:
        hit = np.flatnonzero(np.isclose(fractions, d))
        if hit.size != 1:
            raise ValueError(f"d_show entry {d!r} is not one of the fractions")
        cols.append(int(hit[0]))
    if not 1 <= len(m_values) <= 4:
        raise ValueError("m_values must have one to four entries")
    if len(histograms) != 2 or any(key not in spectra or key[1] == 10 for key in histograms):
        raise ValueError("histograms must name two keys of spectra with n/m != 1")
    markers = dict(zip(m_values, "s^Do"))
    tenths = sorted({t for _, t in curves})
    alpha_line = np.linspace(0.02, 2.0, 100)

    fig = plt.figure(figsize=(11, 8.2))
    grid = fig.add_gridspec(2, 2, height_ratios=(1.15, 1.0))
    ax = fig.add_subplot(grid[0, :])
    for c, (d, j) in enumerate(zip(d_show, cols)):
        ax.plot(alpha_line, [mp_limit_mi_per_m(a, d) for a in alpha_line], color=f"C{c}", lw=1.6,
                label=f"Marchenko–Pastur limit, d = {d:.1f}")
        for m, mk in markers.items():
            ts = [t for t in tenths if (m, t) in curves]
            ax.plot([t / 10 for t in ts], [curves[(m, t)][1][j] / m for t in ts], mk, color=f"C{c}",
                    ms=4.5, mfc="none", mew=1.0)
    for m, mk in markers.items():
        ax.plot([], [], mk, color="0.3", mfc="none", ms=5, label=f"simulation, m = {m}")
    ax.axvline(1.0, color="0.7", lw=0.8, ls=":")
    ax.set_xlabel(r"aspect ratio $\alpha = n/m$")
    ax.set_ylabel(r"minimum $I(U;Y)/m$ [nats per input coordinate]")
    ax.set_title(r"(a) $I^*/m$ at budget $D = d\,\|H\|_F^2$: simulations (markers) and the large-$m$ limit (lines)")
    ax.set_xlim(0, 2.02)
    ax.set_ylim(0, 1.3)
    ax.legend(fontsize=8, ncol=2, loc="upper left")

    for pos, (m, t), letter in zip((grid[1, 0], grid[1, 1]), histograms, "bc"):
        ax = fig.add_subplot(pos)
        alpha, n = t / 10, t * m // 10
        ev = np.sort(np.asarray(spectra[(m, t)], dtype=float))
        b = (1 + np.sqrt(alpha)) ** 2
        bins = np.linspace(0, b * 1.05, 60)
        ax.hist(ev, bins=bins, weights=np.full(ev.size, 1.0 / (n * (bins[1] - bins[0]))), color="C0", alpha=0.5,
                label=f"eigenvalues, m = {m}, n = {n}")
        x = np.linspace(0, b * 1.05, 600)
        ax.plot(x, marchenko_pastur_pdf(x, alpha), color="C3", lw=1.6, label="Marchenko–Pastur density")
        ax.set_xlabel(r"eigenvalue of $HH^\top$ ($=\sigma_i^2$)")
        ax.set_ylabel("density")
        ax.set_title(f"({letter}) n/m = {alpha:.1f}" + ("" if t < 10 else f", atom {1 - 1 / alpha:.3f} at 0 not drawn"))
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
