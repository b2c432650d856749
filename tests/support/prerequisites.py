"""A missing prerequisite skips on a laptop and fails under CI=true, saying how to get it."""

import os

import pytest

# How to get a Dagger engine here (the engine and CLI tiers need one).
ENGINE_FIX = "run tools/engine/up and source the environment it prints (/run/pipeline-engine/env)"


def require(condition: object, missing: str, fix: str) -> None:
    """Skip (or fail when CI is set) with `missing` and `fix` when `condition` is false."""
    if condition:
        return
    message = f"{missing}; {fix}."
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)
