"""The kernel warm-up of ``make env`` (``mi_lib._warmup``) takes every solver path and certifies each solve."""

from __future__ import annotations

from mi_lib._warmup import warm_up


def test_warm_up_solves_certify():
    results = warm_up()
    assert len(results) == 5
    for r in results:
        assert r.converged and r.gap <= 1e-10
        assert r.lower_bound <= r.mi
