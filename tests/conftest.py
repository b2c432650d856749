"""Shared test setup.

The module runtime names the main object in DAGGER_MAIN_OBJECT before it imports
the SDK; the tests do the same, so the SDK's registration code sees the module
exactly as `dagger` would.
"""

import os
import secrets

import pytest

os.environ.setdefault("DAGGER_MAIN_OBJECT", "Pipeline")


@pytest.fixture
def canary() -> str:
    """A secret value that must never show in any output."""
    return f"canary{secrets.token_hex(8)}"
