"""Lint of the pipeline's own code (ci/, tests/, tools/) with ruff and mypy."""

import dagger

from ci.stages.common import each_command
from ci.stages.python import python_base, with_locked_requirements

WORKDIR = "/src"
FILES = ["ci", "tests", "tools", "pyproject.toml"]

LINT_COMMANDS = {
    "ruff": ["ruff", "check", "ci", "tests", "tools"],
    "ruff-format": ["ruff", "format", "--check", "ci", "tests", "tools"],
    "mypy": ["mypy", "ci", "tests", "tools"],
}


def pipeline_code_lint(
    source: dagger.Directory, python_version: str
) -> dict[str, dagger.Container]:
    """One container per lint command over the pipeline's code, tools from the root lock."""
    base = with_locked_requirements(
        python_base(python_version), WORKDIR, source.file("requirements-dev.txt")
    ).with_directory(WORKDIR, source.filter(include=FILES))
    return each_command(base, LINT_COMMANDS)
