"""The frontend stages' own commands, run here with Node.js and the locked node_modules."""

import json
import xml.etree.ElementTree as ET

import pytest

from ci.profile import commands
from tests.native.conftest import FRONTEND
from tests.support.process import environment, run
from tests.support.profiles import REFERENCE_PROFILE

pytestmark = pytest.mark.native


CHECKS = commands.frontend_checks(REFERENCE_PROFILE.frontend)


@pytest.mark.parametrize("name", list(CHECKS))
def test_lint_command_passes(name: str, node_ready: None) -> None:
    run(CHECKS[name], cwd=FRONTEND, env=environment(CI="true"))


def test_suite_passes_with_coverage_reports(node_ready: None) -> None:
    command = commands.frontend_test(REFERENCE_PROFILE.frontend)
    assert command is not None
    run(command, cwd=FRONTEND, env=environment(CI="true"))

    reports = FRONTEND / commands.frontend_reports_dir(REFERENCE_PROFILE.frontend)
    suites = ET.parse(reports / "junit.xml").getroot()
    assert int(suites.get("tests", "0")) > 0
    assert suites.get("failures") == "0"
    assert suites.get("errors") == "0"
    coverage = FRONTEND / REFERENCE_PROFILE.frontend.coverage_dir.value
    totals = json.loads((coverage / "coverage-summary.json").read_text())["total"]
    assert totals["lines"]["pct"] >= 80
