"""Bad input to the lecture helpers moved out of the notebooks raises a clear error (audit of issue 12).

NaN and infinities where a finite number is meant raise ``ValueError``; complex
values raise ``TypeError`` (the package's ``ArgumentTypeError`` is both).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mi_lib import compression, projection_routes
from mi_lib.plotting import falling_bar_diagram

BAD = [math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("bad", BAD)
def test_compression_scalars_must_be_finite(bad):
    with pytest.raises(ValueError):
        compression.population_radius_accuracy(bad, 0.0, [0.5])
    with pytest.raises(ValueError):
        compression.population_radius_accuracy(1.0, bad, [0.5])
    with pytest.raises(ValueError):
        compression.population_budget_accuracy(bad, 0.0, [0.5])
    with pytest.raises(ValueError):
        compression.truncated_second_moment(bad, [1.0])
    with pytest.raises(ValueError):
        compression.linear_margins(np.ones(2), bad, np.ones((3, 2)), np.ones(3))


def test_budget_to_break_rejects_no_margins():
    with pytest.raises(ValueError, match="empty"):
        compression.budget_to_break([])


def test_mp_integral_above_rejects_nan_threshold():
    with pytest.raises(ValueError):
        projection_routes.mp_integral_above(0.5, math.nan, lambda x: x)
    assert projection_routes.mp_integral_above(0.5, math.inf, lambda x: x) == 0.0


def test_falling_bar_diagram_rejects_complex_and_nan():
    with pytest.raises(TypeError):
        falling_bar_diagram([1.0, 1j], 1.0)
    with pytest.raises(ValueError):
        falling_bar_diagram([1.0, math.nan], 1.0)


@pytest.mark.parametrize("w", [np.zeros(3), [0.0, -0.0]])
def test_zero_weight_vectors_rejected_by_both_linear_helpers(w):
    """compression and classifier_attacks share one weight check: an all-zero w has no decision boundary."""
    from mi_lib.classifier_attacks import linear_min_perturbation

    X = np.ones((2, len(w)))
    with pytest.raises(ValueError, match="w must have a non-zero entry"):
        compression.linear_margins(w, 0.0, X, np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="w must have a non-zero entry"):
        linear_min_perturbation(w, 0.0, X)
