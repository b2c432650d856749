"""Where things live in the repository the pipeline is given as `--source`."""

from ci.errors import PipelineError

BACKEND_DIR = "app/backend"
FRONTEND_DIR = "app/frontend"

# What the app's dependencies are pinned in (scanned and catalogued as the source).
LOCK_FILES = (f"{BACKEND_DIR}/requirements.txt", f"{FRONTEND_DIR}/package-lock.json")

# A file each part of the app must have; their absence means a wrong --source.
APP_MARKERS = (f"{BACKEND_DIR}/manage.py", f"{FRONTEND_DIR}/package.json")

# Contextual directories ignore .gitignore, so everything generated is named here.
SOURCE_IGNORE = [
    ".git",
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


def check_app_present(missing: list[str]) -> None:
    """Raise one sentence naming the expected paths when the app is not in the source."""
    if missing:
        expected = " and ".join(APP_MARKERS)
        raise PipelineError(
            f"The source directory has no reference app (missing {', '.join(missing)}): "
            f"expected {expected}. Run from the repository root, or pass "
            "--source=<path to a checkout that contains app/>."
        )
