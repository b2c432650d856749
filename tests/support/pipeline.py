"""A Pipeline built directly, as the runtime builds it after `create` has run."""

import json
from typing import Any

from dagger import dag

from ci.pipeline import Pipeline
from tests.support.profiles import REFERENCE_PROFILE


def make_pipeline(**overrides: Any) -> Pipeline:
    """A Pipeline over a lazy host directory, with the reference app's profile; no engine."""
    fields: dict[str, Any] = {
        "source": dag.host().directory("."),
        "profile_json": json.dumps(REFERENCE_PROFILE.as_dict()),
    }
    return Pipeline(**(fields | overrides))
