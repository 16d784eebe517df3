"""Lecture diagrams: each a function of the parameters a reader may vary.

Each takes those parameters, computes what it draws with mi_lib's solvers and
returns a new Figure, so a notebook draws the static version and hands the same
function to :func:`mi_lib.plotting.interactive` for a slider version.
"""

from __future__ import annotations

import matplotlib.figure
import numpy as np

from .._validation import finite_array



def _check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    if isinstance(value, (bool, complex)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number; got {value!r}")
    x = float(value)
    if not np.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        raise ValueError(f"{name} must be finite and {'non-negative' if allow_zero else 'positive'}; got {value!r}")
    return x


def gaussian_geometry(a2: float, s2: float, D: float) -> matplotlib.figure.Figure:
    r"""Draw program (4) two ways: the :math:`L^2` picture and the feasible ellipse.

    Left: the plane of :math:`e_1 = U/a`, :math:`e_2 = W/\sigma`; the attacker moves
    :math:`X = U + W` within the ball of radius :math:`\sqrt D` and the optimum
    :math:`Y^*` (from :func:`mi_lib.gaussian_attack`) is the point of the ball whose
    direction is furthest from :math:`U`. Right: the ellipse
    :math:`x^2/a^2 + y^2/\sigma^2 \le D` of program (4) with level lines of
    :math:`\rho^2` and the optimum. See notebook 02 and ``notes/derivations_gaussian.md``.

    Parameters
    ----------
    a2, s2, D : float
        Signal variance :math:`a^2 > 0`, noise variance :math:`\sigma^2 > 0` and budget :math:`D \ge 0`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Arc, Circle, Ellipse, Rectangle

    from ..gaussian import gaussian_attack

    a2, s2 = _check_positive("a2", a2), _check_positive("s2", s2)
    D = _check_positive("D", D, allow_zero=True)
    a, s = np.sqrt(a2), np.sqrt(s2)
    att = gaussian_attack(a2, s2, D)
    X, U = np.array([a, s]), np.array([a, 0.0])
    Y = np.array([a + att.x / a, s + att.y / s])
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12.0, 5.4), gridspec_kw={"width_ratios": [1.05, 1]})
    ax.add_patch(Circle(X, np.sqrt(D), fc="0.85", ec="0.4", lw=1.2, zorder=0))
    ax.axvline(0, color="0.5", lw=1, ls=":")
    for vec, name, col, dx in ((U, "$U$", "C0", 0.03), (X, "$X = U + W$", "black", 0.03), (Y, "$Y^*$", "C3", -0.15)):
        ax.annotate("", xy=vec, xytext=(0, 0), arrowprops={"arrowstyle": "-|>", "color": col, "lw": 1.8})
        ax.text(vec[0] + dx, vec[1] + 0.03, name, color=col, fontsize=12)
    ax.annotate("", xy=Y, xytext=X, arrowprops={"arrowstyle": "-|>", "color": "C2", "lw": 1.6})
    ax.text(*(0.5 * (X + Y) + 0.03), "$E^*$", color="C2", fontsize=12)
    span = max(np.hypot(a, s) + np.sqrt(D), 1e-12) * 1.15
    ax.text(0.03 * span, 0.92 * span, r"$U^\perp$ ($\rho = 0$)", color="0.35", fontsize=10)
    ax.plot([a, a], [0, s], color="0.5", lw=0.9, ls="--")  # W, from U to X
    if 0 < D < a2:
        # the angles of the proof: phi0 = angle(U, X), psi = arcsin(sqrt(D)/R); Y* is the tangent point
        phi0, psi = np.arctan2(s, a), np.arcsin(np.sqrt(D / (a2 + s2)))
        ray = 1.05 * span * np.array([np.cos(phi0 + psi), np.sin(phi0 + psi)])
        ax.plot([0, ray[0]], [0, ray[1]], color="C3", lw=0.9, ls="--")
        r0 = 0.2 * span
        ax.add_patch(Arc((0, 0), 2 * r0, 2 * r0, theta1=0, theta2=np.degrees(phi0), color="C0", lw=1.4))
        ax.add_patch(Arc((0, 0), 2.8 * r0, 2.8 * r0, theta1=np.degrees(phi0), theta2=np.degrees(phi0 + psi),
                         color="C3", lw=1.4))
        ax.text(1.1 * r0 * np.cos(phi0 / 2), 1.1 * r0 * np.sin(phi0 / 2) - 0.02 * span, r"$\varphi_0$",
                color="C0", fontsize=12)
        ax.text(1.55 * r0 * np.cos(phi0 + psi / 2), 1.55 * r0 * np.sin(phi0 + psi / 2), r"$\psi$", color="C3",
                fontsize=12)
        u1, u2 = -Y / np.linalg.norm(Y) * 0.035 * span, (X - Y) / np.linalg.norm(X - Y) * 0.035 * span
        ax.plot(*np.array([Y + u1, Y + u1 + u2, Y + u2]).T, color="0.3", lw=0.8)  # right angle at Y*
    ax.set_xlim(-0.15 * span - np.sqrt(D), span)
    ax.set_ylim(-0.15 * span, span)
    ax.set_aspect("equal")
    ax.set_xlabel(r"component along $e_1 = U/a$")
    ax.set_ylabel(r"component along $e_2 = W/\sigma$")
    ax.set_title(rf"$L^2$ picture: $a^2={a2:g}$, $\sigma^2={s2:g}$, $D={D:g}$"
                 + (r"; $\rho^{*2} = \cos^2(\varphi_0+\psi)$" if 0 < D < a2 else ""))

    xr, yr = np.sqrt(a2 * D), np.sqrt(s2 * D)
    if D > 0:
        gx, gy = np.meshgrid(np.linspace(-1.1 * xr, 1.1 * xr, 300), np.linspace(-1.1 * yr, 1.1 * yr, 300))
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = (a2 + gx) ** 2 / (a2 * (a2 + s2 + D + 2 * gx + 2 * gy))
        vals[gx**2 / a2 + gy**2 / s2 > 1.02 * D] = np.nan
        if np.isfinite(vals).any() and np.nanmax(vals) > np.nanmin(vals):
            cs = ax2.contour(gx, gy, vals, levels=8, cmap="viridis", linewidths=1.0)
            ax2.clabel(cs, fmt="%.2f", fontsize=8)
            if np.nanmin(vals) < att.rho2 < np.nanmax(vals):  # the level line through the optimum
                ax2.contour(gx, gy, vals, levels=[att.rho2], colors="C3", linewidths=1.4, linestyles="--")
        ax2.add_patch(Ellipse((0, 0), 2 * xr, 2 * yr, fc="C0", alpha=0.12, ec="C0", lw=1.5))
        ax2.add_patch(Rectangle((-xr, -yr), 2 * xr, 2 * yr, fill=False, ls="--", ec="0.4", lw=1.0))
    ax2.plot(att.x, att.y, "o", color="C3", ms=8,
             label=rf"optimum: $\rho^{{*2}} = {att.rho2:.4f}$, $I^* = {att.mi:.4f}$ nats")
    ax2.set_xlabel(r"$x = \mathrm{Cov}(U, E)$")
    ax2.set_ylabel(r"$y = \mathrm{Cov}(W, E)$")
    ax2.set_title(r"program (4): feasible ellipse and level lines of $\rho^2$")
    ax2.legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


def falling_bar_diagram(sigma_sq, D: float) -> matplotlib.figure.Figure:
    r"""Draw the falling bar (Algorithm 1): the budget per direction and the level :math:`\tau`.

    Bars are the squared singular values :math:`\sigma_i^2`; the attacker spends
    :math:`D_i = \min(\tau, \sigma_i^2)` on direction i, with :math:`\tau` from
    :func:`mi_lib.falling_bar` (:math:`\sum_i \min(\tau, \sigma_i^2) = D`). The right
    panel shows :math:`g(\tau) = \sum_j \min(\tau, \sigma_j^2)` crossing D once.

    Parameters
    ----------
    sigma_sq : array_like, shape (k,)
        Non-negative squared singular values.
    D : float
        Budget, :math:`0 \le D \le \sum_i \sigma_i^2`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..projection import falling_bar, projection_attack_from_spectrum

    s = np.sort(finite_array(sigma_sq, "sigma_sq", ndim=1))[::-1]
    tau, alloc = falling_bar(s, D)
    res = projection_attack_from_spectrum(s, D)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    _allocation_bars(ax, s, alloc, tau)
    ax.set_title(rf"$D = {D:g}$: $\tau = {tau:.3f}$, min MI $= {res.mi:.4f}$ nats")
    _level_crossing(ax2, s, D, tau, 1.1 * max(s.max(), 1e-12))
    ax2.set_xlabel(r"level $\tau$")
    ax2.set_ylabel(r"$g(\tau)$")
    ax2.set_title("one crossing")
    fig.tight_layout()
    return fig


def _allocation_bars(ax, s: np.ndarray, alloc: np.ndarray, tau: float) -> None:
    """Panel of the falling bar: the variances, the budget they receive and the water level (shared by two figures)."""
    idx = np.arange(1, s.size + 1)
    ax.bar(idx, s, color="0.85", edgecolor="0.4", label=r"$\sigma_i^2$")
    ax.bar(idx, alloc, color="C3", alpha=0.75, label=r"budget $D_i = \min(\tau, \sigma_i^2)$")
    ax.axhline(tau, color="C3", ls="--", lw=1.2)
    ax.set_xticks(idx)
    ax.set_xlabel("direction $i$")
    ax.set_ylabel("variance [budget units]")
    ax.legend(loc="upper right", fontsize=9)


def _level_crossing(ax, s: np.ndarray, D: float, tau: float, t_max: float, *, breakpoints: bool = False) -> None:
    r"""Panel of the falling bar: :math:`g(\tau) = \sum_j \min(\tau, \sigma_j^2)` on [0, t_max] and its one crossing with D.

    With ``breakpoints`` the kinks of g (the positive variances) are marked; the crossing is the last line drawn.
    """
    t = np.linspace(0, t_max, 400)
    ax.plot(t, np.minimum(t[:, None], s[None, :]).sum(axis=1), color="C0",
            label=r"$g(\tau) = \sum_j \min(\tau, \sigma_j^2)$")
    ax.axhline(D, color="0.3", ls=":", label=f"$D = {D:g}$")
    ax.axhline(s.sum(), color="0.6", ls="--", lw=1, label=r"$\|H\|_F^2$")
    if breakpoints:
        for b in np.unique(s[s > 0]):
            ax.axvline(b, color="0.85", lw=0.8, zorder=0)
    ax.plot(tau, D, "o", color="C2", ms=8)
    ax.legend(loc="lower right", fontsize=9)


def binary_flip_curves(a: float, b: float, c: float, eps_max: float = 0.4) -> matplotlib.figure.Figure:
    r"""Draw the minimum of I(U; Y) against the flip budget for one joint pmf (as in Figure 6).

    The pmf is :math:`P(U{=}0,X{=}0) = a`, :math:`P(0,1) = b`, :math:`P(1,0) = c`,
    :math:`P(1,1) = d = 1 - a - b - c`; the curve is the certified optimum of problem
    (21) from :func:`mi_lib.binary_flip_attack` (its dual lower bound as circles).

    Parameters
    ----------
    a, b, c : float
        Three entries of the joint pmf; ``d = 1 - a - b - c`` must be non-negative.
    eps_max : float, default 0.4
        Largest flip budget shown.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..discrete import binary_flip_attack

    a, b, c = (_check_positive(n, v, allow_zero=True) for n, v in (("a", a), ("b", b), ("c", c)))
    eps_max = _check_positive("eps_max", eps_max)
    d = 1.0 - a - b - c
    if d < -1e-12:
        raise ValueError(f"a + b + c must not exceed 1; got {a + b + c!r}")
    joint = np.array([a, b, c, max(d, 0.0)])
    eps = np.linspace(0.0, eps_max, 41)
    res = [binary_flip_attack(joint, e) for e in eps]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot(eps, [r.mi for r in res], color="C0", lw=1.8, label="certified optimum")
    ax.plot(eps[::4], [r.lower_bound for r in res][::4], "o", mfc="none", color="C0", label="dual lower bound")
    ax.set_xlabel(r"flip budget $\varepsilon$ [expected flips per sample]")
    ax.set_ylabel(r"min $I(U;Y)$ [nats]")
    ax.set_title(f"joint pmf {a:.2f}-{b:.2f}-{c:.2f}-{max(d, 0.0):.2f}")
    ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def blind_noise_law(D: float, h: float = 0.05, e_max: float = 6.0) -> matplotlib.figure.Figure:
    r"""Draw the worst blind noise against an equiprobable ±1 signal at power budget D.

    The law is the optimum of :func:`mi_lib.blind_attack` on the lattice
    :math:`e \in h\mathbb Z \cap [-e_{\max}, e_{\max}]` with :math:`\mathbb E E^2 \le D`;
    notebook 09 proves that it lives on at most two shifted copies of :math:`2\mathbb Z`.

    Parameters
    ----------
    D : float
        Power budget, positive.
    h : float, default 0.05
        Lattice step (1/h must be an integer so that ±1 lie on the lattice).
    e_max : float, default 6
        Largest perturbation.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    D, h, e_max = _check_positive("D", D), _check_positive("h", h), _check_positive("e_max", e_max)
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    res = _blind_law_panel(ax, D, h, e_max)
    ax.set_ylabel("probability")
    ax.set_title(f"worst blind noise, D = {D:g}: I = {res.mi:.4f} nats")
    fig.tight_layout()
    return fig


def _blind_law_panel(ax, D: float, h: float, e_max: float):
    """Stem plot of the worst blind noise law at budget D on one axes; returns the solver's result."""
    from ..discrete import blind_attack

    n = int(round(e_max / h))
    e = np.arange(-n, n + 1) * h
    res = blind_attack(np.diag([0.5, 0.5]), [-1.0, 1.0], e, D)
    keep = res.pmf > 1e-6
    ax.stem(e[keep], res.pmf[keep], basefmt=" ")
    ax.set_xlim(-e_max - 0.5, e_max + 0.5)
    ax.set_xlabel("perturbation e")
    return res
