"""Broken copies of the app make the stages fail, with the cause shown (the CLI tier
runs the broken backend test; these are the other causes)."""

import pytest
from dagger import dag

from ci.errors import PipelineError
from tests.engine.conftest import pipeline, repository
from tests.support import summary

pytestmark = [pytest.mark.engine, pytest.mark.asyncio]


async def test_lint_violation_fails_lint_naming_the_rule(engine: None) -> None:
    source = repository().with_new_file("app/backend/store/unused.py", "import os\n")
    with pytest.raises(PipelineError) as caught:
        await (await pipeline(source)).lint()
    message = str(caught.value)
    results = summary.results(message)
    assert results["backend ruff"] == "FAIL"
    assert "F401" in message
    assert results["frontend eslint"] == "PASS"


async def test_source_without_the_app_is_one_sentence(engine: None) -> None:
    with pytest.raises(PipelineError) as caught:
        await pipeline(dag.directory().with_new_file("README.md", "not the app"))
    assert str(caught.value) == (
        "No Django backend (manage.py) in the source: pass --source=<your checkout>, or set "
        "[backend] dir in pipeline.toml."
    )
