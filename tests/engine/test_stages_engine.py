"""What the gates print, read in client mode: the CLI tier checks that they pass."""

import re
import uuid

import pytest

from tests.engine.conftest import pipeline, repository
from tests.support import summary
from tests.support.dagger_cli import readable

pytestmark = [pytest.mark.engine, pytest.mark.asyncio]


# A row for every tool README's function table names for `lint`, literally.
LINT_ROWS = (
    "backend ruff",
    "backend ruff-format",
    "backend mypy",
    "backend bandit",
    "frontend eslint",
    "frontend tsc",
    "pipeline ruff",
    "pipeline ruff-format",
    "pipeline mypy",
)


async def test_lint_reports_every_tool(engine: None) -> None:
    table = await (await pipeline()).lint()
    assert summary.results(table) == dict.fromkeys(LINT_ROWS, "PASS"), table


async def test_the_summary_tells_cached_stages_from_those_that_ran(engine: None) -> None:
    # A file no earlier run has seen: the backend's linters must really run.
    probe = f"app/backend/cache_probe_{uuid.uuid4().hex}.py"
    source = repository().with_new_file(probe, '"""Only the cache test adds this module."""\n')
    first = summary.cached(await (await pipeline(source)).lint())
    again = summary.cached(await (await pipeline(source)).lint())
    assert first["backend ruff"] is False
    assert first["backend mypy"] is False
    assert set(again.values()) == {True}, again


async def test_backend_test_runs_pytest_against_postgres(engine: None) -> None:
    output = await (await pipeline()).backend_test()
    collected = re.search(r"^collected (\d+) items$", output, re.MULTILINE)
    assert collected, output[-3000:]
    # Every test collected passed: no failure, error, skip or xfail on the summary line.
    assert re.search(
        rf"^=+ {collected.group(1)} passed in [\d.]+s(?: \([\d:]+\))? =+$", output, re.MULTILINE
    ), output[-3000:]
    assert "Required test coverage of 85.0% reached" in output
    # The file that needs PostgreSQL's row locks ran, each of its tests passing.
    assert re.search(r"^tests/test_concurrency\.py \.+ +\[", output, re.MULTILINE), output


async def test_frontend_test_runs_vitest_with_coverage(engine: None) -> None:
    output = readable(await (await pipeline()).frontend_test())
    # Every file and test passed: `N passed (N)`, nothing failed or skipped beside it.
    for what in ("Test Files", "Tests"):
        assert re.search(rf"^\s*{what}\s+(\d+) passed \(\1\)$", output, re.MULTILINE), output
    assert re.search(r"^All files\s+\|(\s+[\d.]+\s+\|){4}", output, re.MULTILINE), output
    for metric in ("Statements", "Branches", "Functions", "Lines"):
        assert re.search(rf"^{metric}\s+: [\d.]+% \( \d+/\d+ \)$", output, re.MULTILINE)


async def test_migrations_check_passes(engine: None) -> None:
    output = await (await pipeline()).migrations_check()
    assert "No changes detected" in output


async def test_matrix_runs_one_cell_per_version(engine: None) -> None:
    # The versions with stand-in images here; a machine with Docker Hub runs the defaults.
    table = await (await pipeline()).test_matrix(["3.11", "3.13"], ["22", "24"])
    assert summary.results(table) == {
        "backend python 3.11": "PASS",
        "backend python 3.13": "PASS",
        "frontend node 22": "PASS",
        "frontend node 24": "PASS",
    }
