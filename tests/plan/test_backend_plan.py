"""What the backend stages will do, read from their lazy plans (no engine)."""

from dataclasses import replace
from typing import Any

import pytest
from dagger import dag

from ci.profile import Found, commands
from ci.profile.model import PythonInstall
from ci.stages import backend, database, postgres
from tests.support import plan
from tests.support.profiles import REFERENCE_PROFILE

SOURCE = dag.host().directory(".")
APP = backend.BackendApp(SOURCE, REFERENCE_PROFILE.backend)
BACKEND = SOURCE.directory("app/backend")


def shaped(**changes: Any) -> backend.BackendApp:
    """The reference backend with some of its profile changed (another repository's shape)."""
    return backend.BackendApp(SOURCE, replace(REFERENCE_PROFILE.backend, **changes))


def test_tests_check_postgres_then_run_pytest_last_against_the_db_service() -> None:
    container = backend.backend_tests(APP, "3.13", "17")
    assert plan.execs(container)[-2:] == [
        ["python", "/opt/pipeline/postgres_check.py"],
        [
            "pytest",
            "--junitxml=reports/junit.xml",
            "--cov",
            "--cov-report=term",
            "--cov-report=xml:reports/coverage.xml",
        ],
    ]
    (binding,) = plan.named(container, "withServiceBinding")
    assert binding.args["alias"] == "db"
    env = plan.env(container)
    assert env["DATABASE_URL"] == "postgres://printshop@db:5432/printshop"
    assert env["DJANGO_SETTINGS_MODULE"] == "printshop.settings"


def test_every_common_database_variable_points_at_the_service() -> None:
    env = plan.env(backend.backend_env(APP, "3.13", "17"))
    for prefix in ("DB", "POSTGRES"):
        assert env[f"{prefix}_HOST"] == "db"
        assert env[f"{prefix}_PORT"] == "5432"
        assert env[f"{prefix}_USER"] == postgres.USER
    assert env["DB_NAME"] == env["POSTGRES_DB"] == postgres.DATABASE


def test_the_repository_test_env_comes_last_and_wins() -> None:
    app = shaped(test_env=Found({"DB_HOST": "elsewhere", "STRIPE_KEY": "sk_test_x"}))
    env = plan.env(backend.backend_env(app, "3.13", "17"))
    assert (env["DB_HOST"], env["STRIPE_KEY"]) == ("elsewhere", "sk_test_x")


def test_postgres_service_is_ready_by_health_check_not_sleep() -> None:
    service = postgres.postgres_service("17", "backend-test python3.13")
    image = plan.named(service, "from")[0].args["address"]
    assert image == "postgres:17"
    (health,) = plan.named(service, "withDockerHealthcheck")
    assert health.args["args"][0] == "pg_isready"
    assert "--host=127.0.0.1" in health.args["args"]
    assert plan.named(service, "withExposedPort")[0].args["port"] == 5432
    assert plan.named(service, "asService")[0].args.get("useEntrypoint") is True
    assert not any("sleep" in " ".join(argv) for argv in plan.execs(service))


def test_dependencies_install_before_the_source_arrives() -> None:
    container = backend.backend_tests(APP, "3.13", "17")
    lock = plan.position(container, "withFile", path="/app/requirements-dev.txt")
    pip = plan.position(container, "withExec")
    source = plan.position(container, "withDirectory", path="/app")
    assert lock < pip < source
    assert plan.execs(container)[0] == [
        "pip",
        "install",
        "--require-hashes",
        "-r",
        "requirements-dev.txt",
    ]


@pytest.mark.parametrize(
    ("install", "first_commands"),
    [
        (
            PythonInstall("pip", ("app/backend/requirements.txt",), hashed=False),
            [["pip", "install", "-r", "requirements.txt"]],
        ),
        (
            PythonInstall("poetry", ("app/backend/pyproject.toml", "app/backend/poetry.lock")),
            [
                ["pip", "install", "poetry==2.5.1"],
                ["poetry", "config", "virtualenvs.create", "false"],
                ["poetry", "install", "--no-root", "--no-interaction", "--all-groups"],
            ],
        ),
        (
            PythonInstall("uv", ("pyproject.toml", "uv.lock")),
            [
                ["pip", "install", "uv==0.13.9"],
                ["uv", "sync", "--frozen", "--no-install-project", "--all-groups"],
            ],
        ),
        (
            PythonInstall("pipenv", ("app/backend/Pipfile", "app/backend/Pipfile.lock")),
            [
                ["pip", "install", "pipenv==2026.10.3"],
                ["pipenv", "install", "--system", "--deploy", "--dev"],
            ],
        ),
    ],
)
def test_each_lock_installs_frozen_with_its_own_manager_before_the_source(
    install: PythonInstall, first_commands: list[list[str]]
) -> None:
    container = backend.backend_base(shaped(install=Found(install)), "3.13")
    assert plan.execs(container)[: len(first_commands)] == first_commands
    copied = [c.args["path"] for c in plan.named(container, "withFile")]
    for path in install.files:
        assert f"/app/{path.rsplit('/', 1)[-1]}" in copied
    last_install = plan.position(container, "withExec", args=first_commands[-1])
    assert last_install < plan.position(container, "withDirectory", path="/app")


def test_uv_installs_into_the_image_python() -> None:
    uv = PythonInstall("uv", ("app/backend/pyproject.toml", "app/backend/uv.lock"))
    container = backend.backend_base(shaped(install=Found(uv)), "3.13")
    assert plan.env(container)["UV_PROJECT_ENVIRONMENT"] == "/usr/local"


def test_poetry_trusts_the_system_certificates_a_proxy_ca_is_added_to() -> None:
    poetry = PythonInstall("poetry", ("app/backend/pyproject.toml", "app/backend/poetry.lock"))
    container = backend.backend_base(shaped(install=Found(poetry)), "3.13")
    assert plan.env(container)["REQUESTS_CA_BUNDLE"] == "/etc/ssl/certs/ca-certificates.crt"


def test_manage_py_test_runs_under_coverage_with_the_junit_runner() -> None:
    app = shaped(test_runner=Found("django"), coverage=Found(False))
    container = backend.backend_tests(app, "3.13", "17")
    assert ["pip", "install", "coverage==7.17.5", "unittest-xml-reporting==4.0.0"] in plan.execs(
        container
    )
    script = plan.execs(container)[-1][-1]
    assert script.startswith(
        "coverage run manage.py test --noinput --testrunner=junit_runner.JUnitRunner;"
    )
    assert "coverage xml -o reports/coverage.xml" in script
    assert plan.env(container)["PYTHONPATH"] == commands.SCRIPTS_DIR


def test_a_backend_using_redis_gets_a_redis_service_and_its_url() -> None:
    container = backend.backend_env(shaped(services=Found(("redis",))), "3.13", "17")
    aliases = [c.args["alias"] for c in plan.named(container, "withServiceBinding")]
    assert aliases == ["db", "redis"]
    redis = plan.bound(container, "redis")
    assert plan.named(redis, "from")[0].args["address"] == "redis:8"
    (health,) = plan.named(redis, "withDockerHealthcheck")
    assert health.args["args"][:1] == ["redis-cli"]
    assert plan.env(container)["REDIS_URL"] == "redis://redis:6379/0"


def test_pip_cache_is_a_cache_volume_per_python_version() -> None:
    container = backend.backend_tests(APP, "3.12", "17")
    (mount,) = plan.named(container, "withMountedCache")
    assert mount.args["path"] == "/root/.cache/pip"
    assert plan.calls(mount.args["cache"])[0].args == {"key": "pip-python3.12"}
    assert plan.named(container, "from")[0].args["address"] == "python:3.12-slim"


def test_env_is_the_test_stage_minus_its_commands() -> None:
    env = backend.backend_env(APP, "3.13", "17")
    tests = backend.backend_tests(APP, "3.13", "17")
    assert plan.calls(tests)[: len(plan.calls(env))] == plan.calls(env)
    migrations = backend.migrations_check(APP, "3.13", "17")
    assert plan.execs(migrations)[-1] == backend.MIGRATIONS_CHECK_COMMAND


def database_owner(container: object) -> str:
    return plan.env(plan.bound(container, "db"))["PIPELINE_DATABASE_OWNER"]


def test_stages_that_run_together_never_share_a_database() -> None:
    # Dagger runs one service for identical definitions: each stage names its own.
    stages = [
        backend.backend_tests(APP, "3.11", "17"),
        backend.backend_tests(APP, "3.13", "17"),
        backend.migrations_check(APP, "3.13", "17"),
        database.migrations_roundtrip(APP, "3.13", "17"),
        backend.backend_server(APP, "3.13", "17", "e2e"),
    ]
    owners = [database_owner(stage) for stage in stages]
    assert len(set(owners)) == len(owners), owners


def test_lint_runs_the_tools_the_reference_backend_promises_without_a_database() -> None:
    stages = backend.backend_lint(APP, "3.13")
    assert {name: plan.execs(c)[-1] for name, c in stages.items()} == {
        "ruff": ["ruff", "check", "."],
        "ruff-format": ["ruff", "format", "--check", "."],
        "mypy": ["mypy", "."],
        "bandit": ["bandit", "-q", "-c", "pyproject.toml", "-r", "."],
    }
    for container in stages.values():
        assert not plan.named(container, "withServiceBinding")
