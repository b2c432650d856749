"""Where things live in the repository the pipeline is given as `--source`."""

from pathlib import Path

from ci.errors import PipelineError

# The scripts stages send into their containers or to a host (ci/scripts).
PIPELINE_SCRIPTS = Path(__file__).parent / "scripts"

# Where the pipeline's own code is in this repository (linted when the source has it).
PIPELINE_MARKER = "ci/pipeline.py"

# Contextual directories ignore .gitignore, so everything generated is named here.
SOURCE_IGNORE = [
    ".git",
    ".env",
    "**/.venv",
    "**/node_modules",
    "**/__pycache__",
    "**/.pytest_cache",
    "**/.mypy_cache",
    "**/.ruff_cache",
    "**/.coverage",
    "**/reports",
    "**/coverage",
    "**/dist",
    "**/test-results",
    "**/playwright-report",
    "**/*.tsbuildinfo",
    "sdk",
]


def checked_dir(option: str, path: str) -> str:
    """`path` as a directory inside the source, or one sentence saying why it cannot be."""
    parts = path.strip("/").split("/")
    if not path or path.startswith("/") or ".." in parts:
        raise PipelineError(
            f"--{option} must be a directory inside --source, like app/backend (got {path!r})."
        )
    return "/".join(parts)
