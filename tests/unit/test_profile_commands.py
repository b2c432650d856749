"""The commands a profile's stages run, and what `plan` prints of them."""

import json
from dataclasses import replace

import pytest

from ci.profile import Found, commands, plan_view
from ci.profile.commands import serve_command
from ci.profile.model import profile_of
from tests.support.profiles import REFERENCE_PROFILE

BACK, FRONT = REFERENCE_PROFILE.backend, REFERENCE_PROFILE.frontend


def test_the_profile_survives_its_json_round_trip() -> None:
    assert profile_of(json.loads(json.dumps(REFERENCE_PROFILE.as_dict()))) == REFERENCE_PROFILE


def test_pytest_without_pytest_cov_runs_under_coverage_and_keeps_the_exit_code() -> None:
    back = replace(BACK, coverage=Found(False))
    script = commands.backend_test(back)[-1]
    assert script.startswith("coverage run -m pytest --junitxml=reports/junit.xml; status=$?")
    assert script.endswith('[ "$status" -ne 0 ] && exit "$status"; exit "$report"')
    assert commands.report_tools(back) == ["coverage==7.17.5"]


def test_the_reference_backend_needs_no_report_tool_of_ours() -> None:
    assert commands.report_tools(BACK) == []


@pytest.mark.parametrize(
    ("server", "argv"),
    [
        ("gunicorn", ["python", "-m", "gunicorn", "app.wsgi:application", "--bind=0.0.0.0:8000"]),
        ("uvicorn", ["python", "-m", "uvicorn", "app.wsgi:application", "--host=0.0.0.0"]),
        ("daphne", ["daphne", "-b", "0.0.0.0", "-p", "8000", "app.wsgi:application"]),  # noqa: S104
    ],
)
def test_each_server_serves_the_application(server: str, argv: list[str]) -> None:
    command = serve_command("0.0.0.0:8000", "app.wsgi:application", server)
    assert command[: len(argv)] == argv


def test_npm_passes_script_arguments_after_a_double_dash() -> None:
    assert commands.js_run(FRONT, "e2e", "--grep", "@quick") == [
        "npm",
        "run",
        "e2e",
        "--",
        "--grep",
        "@quick",
    ]
    pnpm = replace(FRONT, package_manager=Found("pnpm"))
    assert commands.js_run(pnpm, "e2e", "--x") == ["pnpm", "run", "e2e", "--x"]


def test_end_to_end_quick_is_the_whole_suite_without_a_quick_script() -> None:
    front = replace(FRONT, scripts=Found({"e2e": "test:e2e"}))
    assert commands.end_to_end(front, "quick") == ["npm", "run", "test:e2e"]
    bare = replace(FRONT, scripts=Found({}))
    assert commands.end_to_end(bare, "full") == ["npx", "--no-install", "playwright", "test"]
    assert commands.end_to_end(replace(FRONT, end_to_end=Found("cypress")), "full") is None


def test_the_plan_names_each_value_with_what_decided_it_and_each_stage() -> None:
    text = plan_view.as_text(REFERENCE_PROFILE)
    assert "app/backend/manage.py" in text
    assert "pip install --require-hashes -r requirements-dev.txt" in text
    assert "npm run e2e:quick" in text
    assert "Settings file: none" in text


def test_the_plan_shows_a_skipped_stage_with_its_reason() -> None:
    profile = replace(
        REFERENCE_PROFILE,
        frontend=replace(FRONT, end_to_end=Found("cypress", "frontend/cypress.config.ts")),
    )
    (stage,) = [s for s in plan_view.stages(profile) if s.name == "end-to-end"]
    assert stage.commands == []
    assert stage.skipped == (
        "a Cypress suite (frontend/cypress.config.ts): the pipeline runs Playwright suites "
        "only, for now"
    )
    data = json.loads(plan_view.as_json(profile))
    assert data["profile"]["frontend"]["end_to_end"] == {
        "value": "cypress",
        "source": "frontend/cypress.config.ts",
    }
    assert {"name": "end-to-end", "commands": [], "why": "", "skipped": stage.skipped} in data[
        "stages"
    ]


def test_brackets_in_the_plan_are_text_not_markup() -> None:
    profile = replace(REFERENCE_PROFILE, backend=replace(BACK, linters=Found(())))
    assert "set [backend] linters in pipeline.toml" in plan_view.as_text(profile)
