"""Warning classes of mi_lib (private module; the classes are exported by the package).

A warning of this package is issued only where a result is returned that
does not meet what was asked of it (for example a certified gap above the
requested tolerance); the result itself then says so as well, so that a
caller who silences warnings still sees it.
"""

from __future__ import annotations

__all__ = ["ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """A solver returned before its certified gap reached the requested tolerance.

    The returned value is still an honest upper bound (a feasible point) and
    the returned lower bound is still certified; only their distance exceeds
    ``tol``. The result carries ``converged=False`` and a ``message``.
    """
