"""The one place where figures are styled and saved.

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
import matplotlib.figure

from .paths import figures_dir

__all__ = ["FIG_DPI", "FIG_SIZE", "save_figure", "set_theme"]

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
