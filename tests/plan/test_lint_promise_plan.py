"""`lint` runs every tool the README's function table promises, named here literally.

The other lint tests compare the plan with the stage modules' own command lists, and the
host-native tier runs those same lists: a tool dropped from a list keeps them all green.
This test does not read those lists.
"""

import json
import shlex

from tests.support import plan
from tests.support.pipeline import make_pipeline
from tests.support.process import REPO

# README.md, the `lint` row of the function table, word for word.
PROMISE = (
    "ruff, ruff format, mypy, bandit on the backend; ESLint and `tsc` on the frontend; "
    "ruff and mypy on `ci/`, `tests/` and `tools/`."
)
# What each promise means as a command: the program and its leading arguments, and the
# paths it must cover (the backend's and frontend's stages run in their own directory).
BACKEND = [["ruff", "check"], ["ruff", "format", "--check"], ["mypy"], ["bandit"]]
FRONTEND = [["eslint"], ["tsc"]]
PIPELINE = [["ruff", "check"], ["ruff", "format", "--check"], ["mypy"]]
PIPELINE_PATHS = {"ci", "tests", "tools"}


def resolved(command: list[str]) -> list[str]:
    """`command`, with `npm run SCRIPT` replaced by the script package.json defines."""
    if command[:2] != ["npm", "run"]:
        return command
    scripts = json.loads((REPO / "app/frontend/package.json").read_text())["scripts"]
    return shlex.split(scripts[command[2]])


def commands_of(part: str) -> list[list[str]]:
    """The commands `lint` runs for `part` (backend, frontend, pipeline), scripts resolved."""
    stages = make_pipeline()._lint_containers()
    found = [resolved(plan.execs(c)[-1]) for name, c in stages.items() if name.split()[0] == part]
    assert found, f"lint runs nothing for the {part}: {sorted(stages)}"
    return found


def running(tool: list[str], commands: list[list[str]]) -> list[list[str]]:
    """The commands that run `tool` (its program and leading arguments)."""
    return [command for command in commands if command[: len(tool)] == tool]


def test_the_readme_still_promises_these_tools() -> None:
    row = next(
        line for line in (REPO / "README.md").read_text().splitlines() if "| `lint` |" in line
    )
    assert PROMISE in row, f"README's lint row changed: update this test with it\n{row}"


def test_lint_runs_every_backend_tool_over_the_whole_backend() -> None:
    commands = commands_of("backend")
    for tool in BACKEND:
        assert [c[-1] for c in running(tool, commands)] == ["."], f"{tool} in {commands}"


def test_lint_runs_eslint_and_tsc_on_the_frontend() -> None:
    commands = commands_of("frontend")
    for tool in FRONTEND:
        assert len(running(tool, commands)) == 1, f"{tool} in {commands}"


def test_lint_runs_ruff_and_mypy_on_ci_tests_and_tools() -> None:
    commands = commands_of("pipeline")
    for tool in PIPELINE:
        (command,) = running(tool, commands)
        assert set(command) >= PIPELINE_PATHS, f"{tool} leaves out a path: {command}"
