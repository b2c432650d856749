"""What the gates print, read in client mode: the CLI tier checks that they pass."""

import pytest

from tests.engine.conftest import pipeline

pytestmark = [pytest.mark.engine, pytest.mark.anyio]


async def test_lint_reports_every_tool(engine: None) -> None:
    summary = await (await pipeline()).lint()
    assert "PASS  backend mypy" in summary
    assert "PASS  frontend eslint" in summary
    assert "PASS  pipeline ruff" in summary
    assert "FAIL" not in summary


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
    summary = await (await pipeline()).test_matrix(["3.11", "3.13"], ["22", "24"])
    assert [line.split()[:4] for line in summary.splitlines()] == [
        ["PASS", "backend", "python", "3.11"],
        ["PASS", "backend", "python", "3.13"],
        ["PASS", "frontend", "node", "22"],
        ["PASS", "frontend", "node", "24"],
    ]
