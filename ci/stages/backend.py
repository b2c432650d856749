"""Backend stages: lint, pytest against PostgreSQL, and the migrations check.

The command lists here are the single definition of what each stage runs; the
host-native test tier imports them, so the pipeline and the tests cannot drift.
"""

import shlex

import dagger

from ci.stages.common import each_command, with_env, with_health_check
from ci.stages.postgres import ALIAS, database_url, postgres_service
from ci.stages.python import python_base, with_locked_requirements

WORKDIR = "/app"
REPORTS_DIR = "reports"
STATIC_DIR = "staticfiles"  # STATIC_ROOT in the project's settings.py
SERVER_PORT = 8000

LINT_COMMANDS = {
    "ruff": ["ruff", "check", "."],
    "ruff-format": ["ruff", "format", "--check", "."],
    "mypy": ["mypy", "."],
    "bandit": ["bandit", "-q", "-c", "pyproject.toml", "-r", "."],
}
TEST_COMMAND = [
    "pytest",
    f"--junitxml={REPORTS_DIR}/junit.xml",
    "--cov",
    "--cov-report=term",
    f"--cov-report=xml:{REPORTS_DIR}/coverage.xml",
]
MIGRATIONS_CHECK_COMMAND = ["python", "manage.py", "makemigrations", "--check", "--dry-run"]
MIGRATE_COMMAND = ["python", "manage.py", "migrate", "--noinput"]
DEMO_DATA_COMMAND = ["python", "manage.py", "load_demo_data"]
HEALTH_PATH = "/api/health/"
# The python images have no curl: the health check asks with the standard library.
HEALTHCHECK_SCRIPT = (
    "import urllib.request; "
    f"urllib.request.urlopen('http://127.0.0.1:{SERVER_PORT}{HEALTH_PATH}', timeout=4)"
)


def serve_command(bind: str, project: str) -> list[str]:
    """Gunicorn serving Django project `project` (its wsgi module) on `bind`, logging requests."""
    gunicorn = ["python", "-m", "gunicorn", f"{project}.wsgi"]
    return [*gunicorn, f"--bind={bind}", "--workers=2", "--access-logfile=-"]


def serve_settings(db_url: str, release: str) -> dict[str, str]:
    """Environment of a served backend over plain HTTP (e2e stacks and smoke tests)."""
    return test_settings(db_url) | {
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "*",
        "RELEASE": release,
    }


# Settings need a SECRET_KEY; this one is for throwaway test runs only, not a secret.
TEST_SECRET_KEY = "insecure-key-for-tests-only"  # noqa: S105


def test_settings(db_url: str) -> dict[str, str]:
    """Environment the backend's checks and tests run with."""
    return {"DATABASE_URL": db_url, "SECRET_KEY": TEST_SECRET_KEY}


def backend_base(backend: dagger.Directory, python_version: str) -> dagger.Container:
    """Dev dependencies installed from the lock, then test settings, then the source."""
    container = with_locked_requirements(
        python_base(python_version), WORKDIR, backend.file("requirements-dev.txt")
    )
    return with_env(container, test_settings(database_url())).with_directory(WORKDIR, backend)


def backend_runtime(backend: dagger.Directory, python_version: str) -> dagger.Container:
    """The runtime dependencies only (requirements.txt), then the source: what the app serves."""
    return with_locked_requirements(
        python_base(python_version), WORKDIR, backend.file("requirements.txt")
    ).with_directory(WORKDIR, backend)


def backend_server(
    backend: dagger.Directory,
    python_version: str,
    postgres_version: str,
    release: str,
    project: str,
) -> dagger.Service:
    """The backend served by gunicorn on port 8000 over a fresh, migrated PostgreSQL.

    Migrations and demo data load when the service starts, against the database
    it is bound to; it is ready when /api/health/ answers 200.
    """
    start = " && ".join(
        [
            shlex.join(MIGRATE_COMMAND),
            shlex.join(DEMO_DATA_COMMAND),
            "exec " + shlex.join(serve_command(f"0.0.0.0:{SERVER_PORT}", project)),
        ]
    )
    container = with_env(
        backend_runtime(backend, python_version), serve_settings(database_url(), release)
    )
    container = container.with_service_binding(
        ALIAS, postgres_service(postgres_version, "e2e")
    ).with_exposed_port(SERVER_PORT)
    ready = with_health_check(container, ["python", "-c", HEALTHCHECK_SCRIPT], "120s")
    return ready.as_service(args=["sh", "-c", start])


def backend_env(
    backend: dagger.Directory,
    python_version: str,
    postgres_version: str,
    stage: str = "backend-test",
) -> dagger.Container:
    """What `backend_base` has plus a PostgreSQL of `stage`'s own bound as `db`."""
    database = postgres_service(postgres_version, f"{stage} python{python_version}")
    return backend_base(backend, python_version).with_service_binding(ALIAS, database)


def backend_lint(backend: dagger.Directory, python_version: str) -> dict[str, dagger.Container]:
    """One container per lint command, each ending in that command."""
    return each_command(backend_base(backend, python_version), LINT_COMMANDS)


def backend_tests(
    backend: dagger.Directory,
    python_version: str,
    postgres_version: str,
    expect: dagger.ReturnType = dagger.ReturnType.SUCCESS,
) -> dagger.Container:
    """Run pytest with coverage against PostgreSQL; JUnit and coverage XML land in reports/."""
    return (
        backend_env(backend, python_version, postgres_version)
        .with_exec(["mkdir", "-p", REPORTS_DIR])
        .with_exec(TEST_COMMAND, expect=expect)
    )


def migrations_check(
    backend: dagger.Directory, python_version: str, postgres_version: str
) -> dagger.Container:
    """Fails when the models and the committed migrations disagree."""
    return backend_env(backend, python_version, postgres_version, "migrations-check").with_exec(
        MIGRATIONS_CHECK_COMMAND
    )
