"""Shared test configuration.

Hypothesis runs derandomized and without its example database, so a run on CI,
on a laptop or in a worktree that once found a failure draws exactly the same
examples: a property test passes or fails for everyone alike.
"""

from hypothesis import settings

settings.register_profile("mi_lib", derandomize=True, database=None, deadline=None)
settings.load_profile("mi_lib")
