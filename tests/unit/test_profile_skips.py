"""A stage the app has nothing for is in the plan as skipped, with the sentence saying why."""

import json

from ci.profile import AppProfile, plan_view, skips
from tests.support.small_app import detected


def skipped(profile: AppProfile) -> dict[str, str]:
    """Each skipped stage of the plan, with its reason."""
    return {s.name: s.skipped for s in plan_view.stages(profile) if s.skipped}


def test_the_small_app_skips_linters_unit_tests_build_and_end_to_end_saying_why() -> None:
    assert skipped(detected({})) == {
        "lint: backend": "the backend's dependencies (requirements.txt) install none of ruff, "
        "black, isort, flake8, mypy, bandit; set [backend] linters in pipeline.toml to run some",
        "frontend-test": "web/package.json has no test script (test:coverage, coverage, "
        "test:ci, test); set [frontend.scripts] test in pipeline.toml",
        "frontend build": "nothing to run",
        "end-to-end": "no Playwright config (playwright.config.ts) in web or at the root",
    }


def test_a_frontend_at_the_root_is_named_as_such_in_the_reasons() -> None:
    root = {"package.json": '{"dependencies": {"react": "19"}}', "package-lock.json": None}
    profile = detected(root, frontend=".")
    reasons = skipped(profile)
    assert reasons["frontend-test"].startswith("./package.json has no test script (")
    assert reasons["end-to-end"] == (
        "no Playwright config (playwright.config.ts) in the root or at the root"
    )


def test_what_the_app_has_runs_and_is_not_skipped() -> None:
    manifest = {
        "dependencies": {"react": "19"},
        "scripts": {"test": "vitest run", "build": "vite build"},
    }
    profile = detected(
        {
            "requirements.txt": "Django\nflake8\n",
            "web/package.json": json.dumps(manifest),
            "playwright.config.ts": None,
        }
    )
    assert skipped(profile) == {}
    # What `test` asks before running each stage: nothing to skip.
    reasons = (skips.backend_lint, skips.frontend_test, skips.end_to_end)
    assert [reason(profile) for reason in reasons] == [None, None, None]
    stages = {s.name: s for s in plan_view.stages(profile)}
    assert stages["lint: backend flake8"].commands == [["flake8", "."]]
    assert stages["frontend-test"].commands == [["npm", "run", "test"]]
    # After the commands that start the app to test (the backend's server, migrations).
    assert stages["end-to-end"].commands[-1] == ["npx", "--no-install", "playwright", "test"]
    assert stages["end-to-end"].why.startswith("Playwright (playwright.config.ts)")
