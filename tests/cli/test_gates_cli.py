"""The gates through the CLI: green on this checkout, red with the cause on a broken copy."""

from pathlib import Path

import pytest

from tests.support.dagger_cli import DaggerCli, readable

pytestmark = pytest.mark.cli

GATES = ("lint", "backend-test", "frontend-test", "migrations-check", "migrations-roundtrip")


def test_test_passes_and_reports_each_gate(dagger_cli: DaggerCli, checkout: Path) -> None:
    done = dagger_cli.run("dagger call test", checkout)
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    for gate in (*GATES, "end-to-end"):
        assert f"PASS  {gate} " in done.stdout, done.stdout


def test_check_runs_every_check_and_passes(dagger_cli: DaggerCli, checkout: Path) -> None:
    done = dagger_cli.run("dagger check", checkout)
    output = readable(done.stdout + done.stderr)
    assert done.returncode == 0, output[-6000:]
    for gate in (*GATES, "end-to-end"):
        assert f"pipeline:{gate}" in output, f"dagger check did not run {gate}"


def test_a_broken_backend_test_fails_test_naming_the_stage(
    dagger_cli: DaggerCli, broken_checkout: Path
) -> None:
    done = dagger_cli.run("dagger call test", broken_checkout)
    error = readable(done.stderr)
    assert done.returncode != 0
    # the sentence itself, not the Python class that carried it
    assert "Error: test failed in backend-test; the failing output is below." in error
    assert "PipelineError" not in error
    assert "FAIL  backend-test" in error
    assert "deliberately broken for the CLI tier" in error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("copy", "exit_code", "a_test"),
    [("checkout", "0", "test_health_ok"), ("broken_checkout", "1", "test_deliberately_broken")],
)
def test_reports_are_written_with_o_also_after_a_red_run(
    dagger_cli: DaggerCli, request: pytest.FixtureRequest, copy: str, exit_code: str, a_test: str
) -> None:
    checkout: Path = request.getfixturevalue(copy)
    done = dagger_cli.run("dagger call -o reports/cli-backend backend-reports", checkout)
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    reports = checkout / "reports" / "cli-backend"
    assert (reports / "exit-code").read_text().strip() == exit_code
    assert a_test in (reports / "junit.xml").read_text()
    assert (reports / "coverage.xml").exists()
