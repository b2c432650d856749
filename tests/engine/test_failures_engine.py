"""Broken copies of the app make the stages fail, loudly and with the cause shown."""

import pytest
from dagger import dag

from ci.errors import PipelineError
from tests.engine.conftest import pipeline, repository

pytestmark = [pytest.mark.engine, pytest.mark.anyio]

BROKEN_TEST = """
def test_deliberately_broken():
    assert 1 + 1 == 3, "deliberately broken for the engine tier"
"""


async def test_failing_backend_test_fails_with_pytest_output(engine: None) -> None:
    source = repository().with_new_file("app/backend/tests/test_broken.py", BROKEN_TEST)
    with pytest.raises(PipelineError) as caught:
        await (await pipeline(source)).backend_test()
    message = str(caught.value)
    assert message.startswith("backend-test failed; the failing output is below.")
    assert "exited with code 1" in message
    assert "deliberately broken for the engine tier" in message


async def test_reports_of_a_red_run_can_still_be_had(engine: None) -> None:
    source = repository().with_new_file("app/backend/tests/test_broken.py", BROKEN_TEST)
    reports = await (await pipeline(source)).backend_reports()
    assert (await reports.file("exit-code").contents()).strip() == "1"
    assert "test_deliberately_broken" in await reports.file("junit.xml").contents()


async def test_lint_violation_fails_lint_naming_the_rule(engine: None) -> None:
    source = repository().with_new_file("app/backend/store/unused.py", "import os\n")
    with pytest.raises(PipelineError) as caught:
        await (await pipeline(source)).lint()
    message = str(caught.value)
    assert "FAIL  backend ruff" in message
    assert "F401" in message
    assert "PASS  frontend eslint" in message


async def test_source_without_the_app_is_one_sentence(engine: None) -> None:
    with pytest.raises(PipelineError) as caught:
        await pipeline(dag.directory().with_new_file("README.md", "not the app"))
    assert "expected app/backend/manage.py and app/frontend/package.json" in str(caught.value)
