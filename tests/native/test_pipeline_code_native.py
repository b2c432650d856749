"""The pipeline's own lint commands, run here with this virtualenv's tools."""

import sys
from pathlib import Path

import pytest

from ci.stages import pipeline_code
from tests.support.process import REPO, environment, run

pytestmark = pytest.mark.native


@pytest.mark.parametrize("name", list(pipeline_code.LINT_COMMANDS))
def test_lint_command_passes(name: str) -> None:
    env = environment([Path(sys.executable).parent])
    run(pipeline_code.LINT_COMMANDS[name], cwd=REPO, env=env)
