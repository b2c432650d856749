"""The commands a profile's stages run, and what `plan` prints of them."""

import json
from collections.abc import Mapping
from dataclasses import replace

import pytest

from ci.profile import Found, commands, plan_view
from ci.profile.commands import serve_command
from ci.profile.model import profile_of
from tests.support.profiles import REFERENCE_PROFILE
from tests.support.small_app import FILES as SMALL_APP
from tests.support.small_app import detected

BACK, FRONT = REFERENCE_PROFILE.backend, REFERENCE_PROFILE.frontend


def test_the_profile_survives_its_json_round_trip() -> None:
    assert profile_of(json.loads(json.dumps(REFERENCE_PROFILE.as_dict()))) == REFERENCE_PROFILE
    configured = detected({"pipeline.toml": "[backend]\nlinters = ['ruff']\n"})
    assert configured.config_file == "pipeline.toml"
    assert profile_of(json.loads(plan_view.as_json(configured))["profile"]) == configured


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


def test_the_port_is_after_the_last_colon_of_the_bind_address() -> None:
    assert serve_command("[::]:8000", "app.asgi:application", "uvicorn")[-2:] == [
        "--host=[::]",
        "--port=8000",
    ]


def test_the_backend_starts_under_its_own_server() -> None:
    asgi = replace(BACK, server=Found("uvicorn"), application=Found("shop.asgi:application"))
    assert commands.backend_start(asgi)[-1][:4] == [
        "python",
        "-m",
        "uvicorn",
        "shop.asgi:application",
    ]


@pytest.mark.parametrize(("coverage", "reports"), [("out/cov/html", "out"), ("", "coverage")])
def test_the_reports_directory_is_the_top_of_the_coverage_one(coverage: str, reports: str) -> None:
    front = replace(FRONT, coverage_dir=Found(coverage))
    assert commands.frontend_reports_dir(front) == reports


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


def frontend_stages(manifest: Mapping[str, object], *files: str) -> dict[str, list[list[str]]]:
    """The frontend lint stages of the small app with this package.json (and `files`)."""
    return {name: commands for name, (commands, _) in frontend_checks(manifest, *files).items()}


def frontend_checks(
    manifest: Mapping[str, object], *files: str
) -> dict[str, tuple[list[list[str]], str]]:
    """The frontend lint stages' commands and why they run, as `plan` shows them."""
    package = {"web/package.json": json.dumps({"dependencies": {"react": "19"}, **manifest})}
    profile = detected(package | dict.fromkeys(files))
    stages = plan_view.stages(profile)
    return {s.name: (s.commands, s.why) for s in stages if s.name.startswith("lint: frontend")}


def test_a_lint_script_runs_under_the_linters_name_or_as_lint() -> None:
    scripts = {"scripts": {"lint": "eslint src", "typecheck": "tsc -b"}}
    assert frontend_stages(scripts | {"devDependencies": {"eslint": "9"}}) == {
        "lint: frontend eslint": [["npm", "run", "lint"]],
        "lint: frontend tsc": [["npm", "run", "typecheck"]],
    }
    assert frontend_stages({"scripts": {"lint": "custom-lint"}}) == {
        "lint: frontend lint": [["npm", "run", "lint"]]
    }


def test_without_scripts_the_linter_and_typescript_run_through_npx() -> None:
    assert frontend_checks({"devDependencies": {"eslint": "9"}}, "web/tsconfig.json") == {
        "lint: frontend eslint": (
            [["npx", "--no-install", "eslint", "."]],
            "eslint in web/package.json",
        ),
        "lint: frontend tsc": (
            [["npx", "--no-install", "tsc", "--noEmit"]],
            "tsc in web/tsconfig.json",
        ),
    }
    assert frontend_stages({"devDependencies": {"@biomejs/biome": "2"}}) == {
        "lint: frontend biome": [["npx", "--no-install", "biome", "check", "."]],
    }
    assert frontend_stages({}) == {}


@pytest.mark.parametrize(
    ("files", "backend", "install", "copied"),
    [
        (
            {"requirements/base.txt": "Django\n", "requirements/local.txt": "-r base.txt\n"},
            "",
            ["pip", "install", "-r", "requirements/local.txt"],
            {
                "requirements/local.txt": "requirements/local.txt",
                "requirements.txt": "requirements.txt",
                "requirements/base.txt": "requirements/base.txt",
            },
        ),
        (
            {
                "api/manage.py": SMALL_APP["manage.py"],
                "api/shop/settings.py": SMALL_APP["shop/settings.py"],
                "api/requirements-dev.txt": "pytest \\\n    --hash=sha256:ab\n",
            },
            "api",
            ["pip", "install", "--require-hashes", "-r", "requirements-dev.txt"],
            {"api/requirements-dev.txt": "requirements-dev.txt"},
        ),
        (
            {
                "apps/web/api/manage.py": SMALL_APP["manage.py"],
                "apps/web/api/shop/settings.py": SMALL_APP["shop/settings.py"],
                "apps/web/uv.lock": None,
                "apps/web/pyproject.toml": "",
            },
            "apps/web/api",
            ["uv", "sync", "--frozen", "--no-install-project", "--all-groups"],
            {"apps/web/pyproject.toml": "pyproject.toml", "apps/web/uv.lock": "uv.lock"},
        ),
    ],
)
def test_the_install_reads_its_files_where_its_commands_name_them(
    files: dict[str, str | None], backend: str, install: list[str], copied: dict[str, str]
) -> None:
    back = detected(files, backend=backend).backend
    assert commands.python_install(back.install.value, back.dir.value)[-1] == install
    assert commands.install_paths(back.install.value, back.dir.value) == copied
