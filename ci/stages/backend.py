"""Backend stages: lint, the test suite against PostgreSQL, the migrations check, the server.

What each stage runs comes from the app's profile (ci.profile.commands, which the
host-native test tier imports too, so the pipeline and the tests cannot drift).
"""

import shlex
from dataclasses import dataclass

import dagger

from ci.layout import PIPELINE_SCRIPTS
from ci.profile import BackendProfile, commands
from ci.stages.common import each_command, with_env, with_health_check
from ci.stages.postgres import ALIAS, DATABASE, PASSWORD, USER, database_url, postgres_service
from ci.stages.python import python_base, with_locked_requirements
from ci.stages.redis import REDIS_ALIAS, redis_service, redis_url

WORKDIR = "/app"
REPORTS_DIR = commands.REPORTS_DIR
STATIC_DIR = "staticfiles"  # STATIC_ROOT in the project's settings.py
SERVER_PORT = commands.BACKEND_PORT

MIGRATIONS_CHECK_COMMAND = ["python", "manage.py", "makemigrations", "--check", "--dry-run"]
MIGRATE_COMMAND = commands.MIGRATE_COMMAND
# What the recipe's image checks (the reference app's health path).
HEALTH_PATH = "/api/health/"
HEALTHCHECK_COMMAND = commands.readiness_command(HEALTH_PATH)


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


# What each Python installer needs to install into the image's Python trusting the
# system's certificates (a proxy's CA too: pip does by itself; Poetry's requests would
# trust only its own bundle, certifi's).
SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # Debian's, in the python images
INSTALL_ENV = {
    "uv": {"UV_PROJECT_ENVIRONMENT": "/usr/local", "UV_NATIVE_TLS": "1"},
    "poetry": {"REQUESTS_CA_BUNDLE": SYSTEM_CA_BUNDLE},
}


@dataclass(frozen=True)
class BackendApp:
    """The repository and what its profile says of the backend: what the stages build from."""

    source: dagger.Directory
    profile: BackendProfile

    @property
    def directory(self) -> dagger.Directory:
        """The backend's own directory (manage.py's)."""
        return self.source.directory(self.profile.dir.value or ".")


def database_settings(profile: BackendProfile) -> dict[str, str]:
    """Every common way of naming the test database, the settings module, and its own env.

    DATABASE_URL, DB_* and POSTGRES_* all point at the PostgreSQL service; the
    repository's `[backend] test-env` (pipeline.toml) comes last and wins.
    """
    url = database_url()
    parts = {"NAME": DATABASE, "USER": USER, "PASSWORD": PASSWORD, "HOST": ALIAS, "PORT": "5432"}
    named = {f"DB_{k}": v for k, v in parts.items()} | {
        f"POSTGRES_{k}": v for k, v in parts.items()
    }
    named["POSTGRES_DB"] = DATABASE
    redis = {"REDIS_URL": redis_url(), "CELERY_BROKER_URL": redis_url()}
    services = redis if "redis" in profile.services.value else {}
    return (
        test_settings(url)
        | named
        | services
        | {"DJANGO_SETTINGS_MODULE": profile.settings.value}
        | dict(profile.test_env.value)
    )


def with_dependencies(container: dagger.Container, app: BackendApp) -> dagger.Container:
    """The backend's lock installed the repository's way, before any source arrives.

    Only the files the install reads are copied in, so editing source keeps this
    layer cached; a manager other than pip is installed first, pinned (ci.versions).
    """
    install = app.profile.install.value
    container = with_env(container.with_workdir(WORKDIR), INSTALL_ENV.get(install.manager, {}))
    for path, target in commands.install_paths(install, app.profile.dir.value).items():
        container = container.with_file(f"{WORKDIR}/{target}", app.source.file(path))
    for command in commands.python_install(install, app.profile.dir.value):
        container = container.with_exec(command)
    return container


def backend_base(app: BackendApp, python_version: str) -> dagger.Container:
    """Dev dependencies installed from the lock, report tools, test settings, then the source."""
    container = with_dependencies(python_base(python_version), app)
    tools = commands.report_tools(app.profile)
    if tools:
        container = container.with_exec(["pip", "install", *tools])
    for script in commands.TEST_SCRIPTS:
        text = (PIPELINE_SCRIPTS / script).read_text()
        container = container.with_new_file(f"{commands.SCRIPTS_DIR}/{script}", text)
    if app.profile.test_runner.value == "django":
        container = container.with_env_variable("PYTHONPATH", commands.SCRIPTS_DIR)
    container = with_env(container, database_settings(app.profile))
    return container.with_directory(WORKDIR, app.directory)


def served_settings(profile: BackendProfile, release: str) -> dict[str, str]:
    """Environment of the backend the end-to-end stack serves.

    Its production settings module over the test database (every common name of it),
    plain HTTP, and the repository's `[backend] test-env` last.
    """
    return (
        database_settings(profile)
        | serve_settings(database_url(), release)
        | {"DJANGO_SETTINGS_MODULE": profile.production_settings.value}
        | dict(profile.test_env.value)
    )


def backend_runtime(backend: dagger.Directory, python_version: str) -> dagger.Container:
    """The runtime dependencies only (requirements.txt), then the source: what the app serves."""
    return with_locked_requirements(
        python_base(python_version), WORKDIR, backend.file("requirements.txt")
    ).with_directory(WORKDIR, backend)


def backend_server(
    app: BackendApp, python_version: str, postgres_version: str, release: str
) -> dagger.Service:
    """The backend served over a fresh PostgreSQL (and Redis), the way its profile says.

    It is installed as backend-test installs it (the same layer), plus its server when the
    lock lacks it. At start it migrates, loads demo data (if the profile names a command)
    and serves on port 8000; it is ready when the health path answers (else the port).
    """
    profile = app.profile
    *setup, serve = commands.backend_start(profile)
    start = " && ".join([*map(shlex.join, setup), "exec " + shlex.join(serve)])
    container = with_dependencies(python_base(python_version), app).with_exec(
        commands.server_install(profile)
    )
    container = with_env(container, served_settings(profile, release)).with_directory(
        WORKDIR, app.directory
    )
    # Its own database (and Redis), owned by `release`: stacks of two stages never share one.
    container = container.with_service_binding(ALIAS, postgres_service(postgres_version, release))
    if "redis" in profile.services.value:
        container = container.with_service_binding(REDIS_ALIAS, redis_service(release))
    ready = commands.readiness_command(profile.health_path.value)
    served = container.with_exposed_port(SERVER_PORT)
    return with_health_check(served, ready, "120s").as_service(args=["sh", "-c", start])


def backend_env(
    app: BackendApp,
    python_version: str,
    postgres_version: str,
    stage: str = "backend-test",
) -> dagger.Container:
    """What `backend_base` has plus a PostgreSQL of `stage`'s own bound as `db` (and Redis)."""
    owner = f"{stage} python{python_version}"
    container = backend_base(app, python_version).with_service_binding(
        ALIAS, postgres_service(postgres_version, owner)
    )
    if "redis" in app.profile.services.value:
        container = container.with_service_binding(REDIS_ALIAS, redis_service(owner))
    return container


def backend_lint(app: BackendApp, python_version: str) -> dict[str, dagger.Container]:
    """One container per linter the backend's lock installs, each ending in that command."""
    return each_command(backend_base(app, python_version), commands.backend_lint(app.profile))


def backend_tests(
    app: BackendApp,
    python_version: str,
    postgres_version: str,
    expect: dagger.ReturnType = dagger.ReturnType.SUCCESS,
) -> dagger.Container:
    """The suite with coverage against PostgreSQL; JUnit and coverage XML land in reports/.

    First a check that the settings really use that PostgreSQL (not an SQLite fallback).
    """
    return (
        backend_env(app, python_version, postgres_version)
        .with_exec(["mkdir", "-p", REPORTS_DIR])
        .with_exec(commands.postgres_check())
        .with_exec(commands.backend_test(app.profile), expect=expect)
    )


def migrations_check(
    app: BackendApp, python_version: str, postgres_version: str
) -> dagger.Container:
    """Fails when the models and the committed migrations disagree."""
    return backend_env(app, python_version, postgres_version, "migrations-check").with_exec(
        MIGRATIONS_CHECK_COMMAND
    )
