"""A Pipeline built directly, as the runtime builds it after `create` has run."""

from typing import Any

from dagger import dag

from ci.pipeline import Pipeline


def make_pipeline(**overrides: Any) -> Pipeline:
    """A Pipeline over a lazy host directory; no engine is contacted."""
    fields: dict[str, Any] = {"source": dag.host().directory(".")} | overrides
    return Pipeline(**fields)
