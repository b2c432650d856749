"""What the pipeline pins agrees with what the app declares."""

import json
import re
import tomllib

from ci import versions
from ci.profile import commands
from ci.stages import e2e, frontend
from tests.support.process import REPO
from tests.support.profiles import REFERENCE_PROFILE

FRONTEND = REPO / "app" / "frontend"
BACKEND = REPO / "app" / "backend"


def test_playwright_image_matches_the_locked_test_runner() -> None:
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@playwright/test"]["version"] == versions.PLAYWRIGHT


def test_supported_versions_are_what_the_app_declares() -> None:
    engines = json.loads((FRONTEND / "package.json").read_text())["engines"]["node"]
    floor = int(re.match(r">=(\d+)", engines).group(1))  # type: ignore[union-attr]
    assert min(int(v) for v in versions.NODE_VERSIONS) == floor
    project = tomllib.loads((BACKEND / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == f">={min(versions.PYTHON_VERSIONS)}"


def test_the_reference_frontend_runs_its_own_scripts_for_every_stage() -> None:
    scripts = json.loads((FRONTEND / "package.json").read_text())["scripts"]
    front = REFERENCE_PROFILE.frontend
    stages = [
        *commands.frontend_checks(front).values(),
        commands.frontend_test(front),
        commands.frontend_build(front),
        commands.end_to_end(front, "quick"),
        commands.end_to_end(front, "full"),
    ]
    for command in stages:
        assert command is not None
        assert command[:2] == ["npm", "run"]
        assert command[2] in scripts


def test_nginx_template_proxies_api_to_the_backend_url() -> None:
    template = (FRONTEND / "nginx" / "default.conf.template").read_text()
    assert f"listen {frontend.SERVER_PORT};" in template
    assert "proxy_pass ${BACKEND_URL};" in template
    assert "try_files $uri $uri/ /index.html;" in template


def test_playwright_writes_reports_where_the_stage_collects_them() -> None:
    config = (FRONTEND / "playwright.config.ts").read_text()
    for folder in e2e.REPORT_DIRS:
        assert f'"{folder}' in config
