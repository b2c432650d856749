"""Shared test setup.

The module runtime names the main object in DAGGER_MAIN_OBJECT before it imports
the SDK; the tests do the same, so the SDK's registration code sees the module
exactly as `dagger` would.
"""

import os

os.environ.setdefault("DAGGER_MAIN_OBJECT", "Pipeline")
