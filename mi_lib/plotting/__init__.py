"""The one place where figures are styled, drawn and saved.

The drawings live in topic modules and are re-exported here, so a notebook
imports everything from ``mi_lib.plotting``. Each is a function of the
parameters it shows and returns a new Figure.

``diagrams``
    The slider-ready lecture diagrams :func:`gaussian_geometry` (02),
    :func:`falling_bar_diagram` (03), :func:`binary_flip_curves` (05) and
    :func:`blind_noise_law` (09); :func:`interactive` turns any of them into a
    slider version for class.
``framework``, ``estimators``, ``gaussian``, ``projections``, ``binary``, ``subset``, ``redundancy``, ``compression``, ``discrete``, ``realdata``
    The figures of notebooks 00, 01, 02, 03–04, 05, 06, 07, 08, 09 and 10.

Notebooks call :func:`set_theme` once and save every figure through
:func:`save_figure`, which writes a PDF and a PNG of fixed size and resolution
with the variable metadata (creation date, software version) removed, so that
rerunning a notebook on the same environment rewrites byte-identical PNGs and
the committed ``figures/`` only change when a figure does.

A bare name (``save_figure(fig, "fig3_min_mi")``) is saved into
:func:`mi_lib.paths.figures_dir`: the repository's ``figures/`` whatever the
kernel's working directory, or the scratch directory named by
``$MI_LIB_OUTPUT_DIR`` (set by ``make test``, so tests never rewrite tracked
figures).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import numpy as np
import matplotlib.figure

from ..paths import figures_dir

__all__ = [
    "FIG_DPI",
    "FIG_SIZE",
    "accuracy_curves",
    "attacked_digits",
    "binary_bayes_errors",
    "binary_flip_curves",
    "binary_label_budgets",
    "binary_mi_curves",
    "blind_noise_law",
    "blind_noise_laws",
    "blind_versus_informed",
    "compression_accuracy_curves",
    "estimator_bias_spread",
    "estimator_redundancy_failure",
    "falling_bar_diagram",
    "falling_bar_search",
    "figure1_block_diagram",
    "figure2_binary_channel",
    "figure3_panels",
    "figure45_two_conventions",
    "figure6_panels",
    "gaussian_geometry",
    "informed_binary_law",
    "informed_versus_blind_gaussian",
    "interactive",
    "marchenko_pastur_figure",
    "mi_curves",
    "pam_curves",
    "redundancy_budget_curves",
    "rho2_versus_mi",
    "sandwich_figure",
    "save_figure",
    "set_theme",
    "sparsity_figure",
    "subset_budget_curves",
    "subset_which_coordinate",
]

# The lecture diagrams live in topic modules of this package; they are
# re-exported here so that notebooks import everything from mi_lib.plotting.
from .diagrams import binary_flip_curves, blind_noise_law, falling_bar_diagram, gaussian_geometry  # noqa: E402
from .binary import figure6_panels  # noqa: E402
from .compression import compression_accuracy_curves  # noqa: E402
from .estimators import estimator_bias_spread, estimator_redundancy_failure  # noqa: E402
from .framework import figure1_block_diagram, figure2_binary_channel, informed_versus_blind_gaussian  # noqa: E402
from .discrete import binary_bayes_errors, binary_mi_curves, blind_noise_laws, informed_binary_law, pam_curves  # noqa: E402
from .gaussian import blind_versus_informed, figure3_panels, rho2_versus_mi  # noqa: E402
from .projections import falling_bar_search, figure45_two_conventions, marchenko_pastur_figure, mi_curves  # noqa: E402
from .realdata import accuracy_curves, attacked_digits, sandwich_figure, sparsity_figure  # noqa: E402
from .redundancy import binary_label_budgets, redundancy_budget_curves  # noqa: E402
from .subset import subset_budget_curves, subset_which_coordinate  # noqa: E402

FIG_SIZE = (6.4, 4.0)
"""Default figure size in inches (width, height) for single-panel figures."""

FIG_DPI = 150
"""Resolution of saved PNG files."""


def set_theme(context: str = "notebook") -> None:
    """Apply the collection's seaborn theme to matplotlib's rcParams.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}, default "notebook"
        Seaborn context (font scale).

    Notes
    -----
    This changes matplotlib's global rcParams, the one piece of global state
    the collection touches, and only when a notebook asks for it.
    """
    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid", palette="colorblind")
    mpl.rcParams.update(
        {
            "figure.figsize": FIG_SIZE,
            "figure.dpi": 100,
            "savefig.dpi": FIG_DPI,
            "savefig.bbox": "tight",
            "axes.titlesize": "medium",
            "svg.hashsalt": "mi_lib",
        }
    )


def save_figure(fig: matplotlib.figure.Figure, path: str | Path) -> tuple[Path, Path]:
    """Save ``fig`` as ``path.pdf`` and ``path.png`` (any suffix is replaced).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    path : str or Path
        Target without (or with an ignored) ``.pdf``/``.png`` suffix. A
        relative path is taken relative to :func:`mi_lib.paths.figures_dir`
        (so ``"fig3_min_mi"`` is the usual call); an absolute path is used as
        given. Parent directories are created.

    Returns
    -------
    (Path, Path)
        The PDF and PNG paths written.
    """
    if not isinstance(path, (str, Path)) or not str(path):
        raise TypeError(f"path must be a non-empty str or Path; got {path!r}")
    base = Path(path)
    if not base.is_absolute():
        if ".." in base.parts:
            raise ValueError(f"a relative figure path must stay inside the figures directory; got {path!r}")
        base = figures_dir() / base
    base = base.with_suffix("") if base.suffix in {".pdf", ".png"} else base
    base.parent.mkdir(parents=True, exist_ok=True)
    pdf, png = base.with_name(base.name + ".pdf"), base.with_name(base.name + ".png")
    fig.savefig(pdf, metadata={"CreationDate": None, "Producer": None, "Creator": None})
    fig.savefig(png, dpi=FIG_DPI, metadata={"Software": None})
    return pdf, png


def interactive(draw, **sliders):
    """Return an ipywidgets slider version of a diagram function (for class use in JupyterLab).

    Parameters
    ----------
    draw : callable
        One of the diagram functions of this module (returns a Figure).
    **sliders : tuple
        ``name=(min, max, step, value)`` for each float argument of ``draw``.

    Returns
    -------
    ipywidgets.interactive
        Moving a slider redraws the figure (on release, not while dragging).

    Notes
    -----
    Needs ipywidgets (in the lock). The notebooks mark the cell that shows it
    ``# NBVAL_IGNORE_OUTPUT`` (a widget's output carries a random model id);
    ``tests/test_plotting.py`` drives the sliders programmatically.
    """
    import ipywidgets
    import matplotlib.pyplot as plt

    widgets = {}
    for name, spec in sliders.items():
        if len(spec) != 4:
            raise ValueError(f"slider {name!r} needs (min, max, step, value); got {spec!r}")
        lo, hi, step, value = (float(v) for v in spec)
        if not lo <= value <= hi or step <= 0:
            raise ValueError(f"slider {name!r}: need min <= value <= max and step > 0; got {spec!r}")
        widgets[name] = ipywidgets.FloatSlider(min=lo, max=hi, step=step, value=value, description=name,
                                               continuous_update=False, readout_format=".3g")

    def show(**kwargs):
        from IPython.display import display

        fig = draw(**kwargs)
        display(fig)  # into the widget's output area, whatever matplotlib backend is active
        plt.close(fig)
        return fig

    return ipywidgets.interactive(show, **widgets)
