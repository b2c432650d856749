"""Where things live in the repository the pipeline is given as `--source`."""

from dataclasses import dataclass

from ci.errors import PipelineError

BACKEND_DIR = "app/backend"
FRONTEND_DIR = "app/frontend"
DJANGO_PROJECT = "printshop"  # the package with settings.py and wsgi.py
# Where the pipeline's own code is in this repository (linted when the source has it).
PIPELINE_MARKER = "ci/pipeline.py"

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


def checked_dir(option: str, path: str) -> str:
    """`path` as a directory inside the source, or one sentence saying why it cannot be."""
    parts = path.strip("/").split("/")
    if path.startswith("/") or not path.strip("/") or ".." in parts:
        raise PipelineError(
            f"--{option} must be a directory inside --source, like app/backend (got {path!r})."
        )
    return "/".join(parts)


def checked_package(name: str) -> str:
    """`name` if it is a Python package name, or one sentence saying what was expected."""
    if not name.isidentifier():
        raise PipelineError(
            f"--django-project must be the Python package with settings.py and wsgi.py, "
            f"like printshop (got {name!r})."
        )
    return name


@dataclass(frozen=True)
class AppLayout:
    """Where the backend and the frontend are in the source (the contract: README)."""

    backend: str = BACKEND_DIR
    frontend: str = FRONTEND_DIR
    django_project: str = DJANGO_PROJECT

    @property
    def markers(self) -> tuple[str, str, str]:
        """Files the app must have; their absence means a wrong --source or layout."""
        return (
            f"{self.backend}/manage.py",
            f"{self.backend}/{self.django_project}/wsgi.py",
            f"{self.frontend}/package.json",
        )

    @property
    def lock_files(self) -> tuple[str, str]:
        """What the app's dependencies are pinned in (scanned and catalogued as the source)."""
        return f"{self.backend}/requirements.txt", f"{self.frontend}/package-lock.json"

    def check_present(self, missing: list[str]) -> None:
        """Raise one sentence naming the expected paths when the app is not in the source."""
        if missing:
            *first, last = self.markers
            raise PipelineError(
                f"The source directory has no app where the pipeline looks (missing "
                f"{', '.join(missing)}): expected {', '.join(first)} and {last}. Run from the "
                "repository root, pass --source=<your checkout>, or say where the parts are "
                "with --backend-dir, --frontend-dir and --django-project."
            )
