"""Where the collection's files live, independent of the working directory.

Notebooks, tools and tests find ``figures/``, ``notebooks/data/`` and
``notebooks/results/`` through these functions, so a kernel started in the
repository root, in ``notebooks/`` or anywhere else reads and writes the same
files.

Two kinds of directory are distinguished:

* **inputs** (``notebooks/data/``, the committed caches a notebook reads) are
  always taken from the repository;
* **outputs** (figures and result records that a notebook writes) go to the
  repository unless the environment variable :data:`OUTPUT_ENV` names a
  scratch directory, in which case they go to ``$MI_LIB_OUTPUT_DIR/figures``
  and ``$MI_LIB_OUTPUT_DIR/results``. ``make test`` sets it, so running the
  test suite never writes into tracked files; ``make reproduce`` does not, so
  it refreshes the committed outputs.

The repository root is the parent of the installed package directory when that
contains ``notebooks/`` (the editable install used by ``make``); otherwise the
first parent of the working directory that contains both ``mi_lib/`` and
``notebooks/``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "OUTPUT_ENV",
    "data_dir",
    "figures_dir",
    "output_dir",
    "repo_root",
    "results_dir",
    "tracked_results_dir",
]

OUTPUT_ENV = "MI_LIB_OUTPUT_DIR"
"""Name of the environment variable that redirects figures and results."""


def _is_root(path: Path) -> bool:
    return (path / "mi_lib").is_dir() and (path / "notebooks").is_dir()


def repo_root() -> Path:
    """Return the repository root (the directory holding ``mi_lib/`` and ``notebooks/``).

    Raises
    ------
    FileNotFoundError
        If neither the package location nor any parent of the working
        directory is a checkout of the collection.
    """
    candidate = Path(__file__).resolve().parent.parent
    if _is_root(candidate):
        return candidate
    cwd = Path.cwd().resolve()
    for path in (cwd, *cwd.parents):
        if _is_root(path):
            return path
    raise FileNotFoundError(
        "cannot find the repository root: mi_lib is not installed from a checkout "
        "and no parent of the working directory contains mi_lib/ and notebooks/"
    )


def output_dir() -> Path | None:
    """Return the scratch directory named by ``$MI_LIB_OUTPUT_DIR``, or None if unset.

    Raises
    ------
    ValueError
        If the variable is set but empty or not an absolute path (a relative
        path would again depend on the kernel's working directory).
    """
    value = os.environ.get(OUTPUT_ENV)
    if value is None:
        return None
    path = Path(value)
    if not value or not path.is_absolute():
        raise ValueError(f"${OUTPUT_ENV} must be an absolute path; got {value!r}")
    return path


def data_dir() -> Path:
    """Return ``notebooks/data/``, the committed inputs and caches (never redirected)."""
    return repo_root() / "notebooks" / "data"


def tracked_results_dir() -> Path:
    """Return ``notebooks/results/``, the committed result records (never redirected)."""
    return repo_root() / "notebooks" / "results"


def figures_dir() -> Path:
    """Return the directory figures are written to: ``figures/`` or the scratch copy."""
    scratch = output_dir()
    return repo_root() / "figures" if scratch is None else scratch / "figures"


def results_dir() -> Path:
    """Return the directory result records are written to: ``notebooks/results/`` or the scratch copy."""
    scratch = output_dir()
    return tracked_results_dir() if scratch is None else scratch / "results"
