"""What the gates print, read in client mode: the CLI tier checks that they pass."""

import uuid

import pytest

from tests.engine.conftest import pipeline, repository
from tests.support import summary

pytestmark = [pytest.mark.engine, pytest.mark.asyncio]


async def test_lint_reports_every_tool(engine: None) -> None:
    table = await (await pipeline()).lint()
    results = summary.results(table)
    assert results["backend mypy"] == "PASS"
    assert results["frontend eslint"] == "PASS"
    assert results["pipeline ruff"] == "PASS"
    assert "FAIL" not in results.values()


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
    assert "test_concurrent" in output or " passed" in output
    assert "Required test coverage of 85.0% reached" in output


async def test_frontend_test_runs_vitest_with_coverage(engine: None) -> None:
    output = await (await pipeline()).frontend_test()
    assert "Test Files" in output
    assert "Coverage" in output or "% Stmts" in output


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
