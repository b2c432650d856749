"""The backend stages' own commands, run here against a real PostgreSQL server."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ci.profile import commands
from ci.stages import backend
from ci.stages.postgres import database_url
from tests.native.conftest import BACKEND
from tests.support.process import environment, run
from tests.support.profiles import REFERENCE_PROFILE

pytestmark = pytest.mark.native


LINT = commands.backend_lint(REFERENCE_PROFILE.backend)


@pytest.mark.parametrize("name", list(LINT))
def test_lint_command_passes(name: str, backend_bin: Path) -> None:
    # Lint loads settings (django-stubs) but never connects: the stage's URL is enough.
    env = environment([backend_bin], **backend.test_settings(database_url()))
    run(LINT[name], cwd=BACKEND, env=env)


def test_suite_passes_against_postgres_with_reports(backend_bin: Path, postgres_url: str) -> None:
    env = environment([backend_bin], **backend.test_settings(postgres_url))
    run(["mkdir", "-p", backend.REPORTS_DIR], cwd=BACKEND, env=env)
    run(commands.backend_test(REFERENCE_PROFILE.backend), cwd=BACKEND, env=env)

    suite = ET.parse(BACKEND / backend.REPORTS_DIR / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert int(suite.get("tests", "0")) > 0
    assert suite.get("failures") == "0"
    assert suite.get("errors") == "0"
    coverage = ET.parse(BACKEND / backend.REPORTS_DIR / "coverage.xml").getroot()
    assert float(coverage.get("line-rate", "0")) >= 0.85


def test_migrations_match_models(backend_bin: Path, postgres_url: str) -> None:
    env = environment([backend_bin], **backend.test_settings(postgres_url))
    run(backend.MIGRATIONS_CHECK_COMMAND, cwd=BACKEND, env=env)
