"""The gates through the CLI: green on this checkout, red with the cause on a broken copy."""

import uuid
from pathlib import Path

import pytest

from tests.support import summary
from tests.support.dagger_cli import DaggerCli, checkout_copy, readable

pytestmark = pytest.mark.cli

GATES = ("lint", "backend-test", "frontend-test", "migrations-check", "migrations-roundtrip")


def test_test_passes_and_reports_each_gate(dagger_cli: DaggerCli, checkout: Path) -> None:
    done = dagger_cli.run("dagger call test", checkout)
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    assert summary.results(done.stdout) == dict.fromkeys((*GATES, "end-to-end"), "PASS")
    assert "backend-reports" in done.stdout  # where the backend's reports are


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
    assert summary.results(error)["backend-test"] == "FAIL"
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


def test_a_red_ci_run_leaves_its_summary_for_the_job(
    dagger_cli: DaggerCli, broken_checkout: Path
) -> None:
    event = "--event=pull_request --revision=" + "7" * 40
    done = dagger_cli.run(f"dagger call ci {event} --git-ref=refs/pull/7/merge", broken_checkout)
    assert done.returncode != 0
    assert summary.results(readable(done.stderr))["backend-test"] == "FAIL"
    kept = dagger_cli.run(f"dagger call ci-summary {event}", broken_checkout)
    assert kept.returncode == 0, readable(kept.stderr)[-6000:]
    markdown = kept.stdout
    assert markdown.startswith("## pull request: the checks\n\n### test\n")
    assert "| backend-test | ❌ FAIL |" in markdown
    assert "| frontend-test | ✅ PASS |" in markdown
    assert "#### backend-test" in markdown
    assert "deliberately broken for the CLI tier" in markdown


LINT_ROWS = {
    "backend ruff": False,
    "backend ruff-format": False,
    "backend mypy": False,
    "backend bandit": False,
    "frontend eslint": True,
    "frontend tsc": True,
    "pipeline ruff": True,
    "pipeline ruff-format": True,
    "pipeline mypy": True,
}


def test_after_a_backend_edit_only_backend_stages_run_again(
    dagger_cli: DaggerCli, tmp_path: Path
) -> None:
    """The README's claim, read from the summaries' Cached column: after editing one
    backend file, every stage that reads the backend runs again, no frontend stage."""
    copy = checkout_copy(tmp_path / "copy")
    warm = dagger_cli.run("dagger call test", copy)  # the cache holds this exact source
    assert warm.returncode == 0, readable(warm.stderr)[-6000:]
    views = copy / "app/backend/store/views.py"
    views.write_text(f"{views.read_text()}\n\n# cache probe {uuid.uuid4().hex}\n")  # lint-clean

    lint = dagger_cli.run("dagger call lint", copy)
    assert lint.returncode == 0, readable(lint.stderr)[-6000:]
    assert summary.cached(lint.stdout) == LINT_ROWS, lint.stdout
    tested = dagger_cli.run("dagger call test", copy)
    assert tested.returncode == 0, readable(tested.stderr)[-6000:]
    assert summary.cached(tested.stdout) == {
        "lint": True,  # the call above ran it on this source
        "backend-test": False,
        "frontend-test": True,
        "migrations-check": False,
        "migrations-roundtrip": False,
        "end-to-end": False,
    }, tested.stdout
