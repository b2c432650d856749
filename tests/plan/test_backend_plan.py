"""What the backend stages will do, read from their lazy plans (no engine)."""

from dagger import dag

from ci.stages import backend, database, postgres
from tests.support import plan

BACKEND = dag.host().directory("app/backend")


def test_tests_run_pytest_last_against_the_db_service() -> None:
    container = backend.backend_tests(BACKEND, "3.13", "17")
    assert plan.execs(container)[-1] == backend.TEST_COMMAND
    (binding,) = plan.named(container, "withServiceBinding")
    assert binding.args["alias"] == "db"
    assert plan.env(container)["DATABASE_URL"] == "postgres://printshop@db:5432/printshop"


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
    container = backend.backend_tests(BACKEND, "3.13", "17")
    install = plan.position(container, "withFile", path="/app/requirements.lock")
    pip = plan.position(container, "withExec")
    source = plan.position(container, "withDirectory", path="/app")
    assert install < pip < source
    assert plan.execs(container)[0] == [
        "pip",
        "install",
        "--require-hashes",
        "-r",
        "requirements.lock",
    ]


def test_pip_cache_is_a_cache_volume_per_python_version() -> None:
    container = backend.backend_tests(BACKEND, "3.12", "17")
    (mount,) = plan.named(container, "withMountedCache")
    assert mount.args["path"] == "/root/.cache/pip"
    assert plan.calls(mount.args["cache"])[0].args == {"key": "pip-python3.12"}
    assert plan.named(container, "from")[0].args["address"] == "python:3.12-slim"


def test_env_is_the_test_stage_minus_its_command() -> None:
    env = backend.backend_env(BACKEND, "3.13", "17")
    tests = backend.backend_tests(BACKEND, "3.13", "17")
    assert plan.calls(tests)[: len(plan.calls(env))] == plan.calls(env)
    migrations = backend.migrations_check(BACKEND, "3.13", "17")
    assert plan.execs(migrations)[-1] == backend.MIGRATIONS_CHECK_COMMAND


def database_owner(container: object) -> str:
    return plan.env(plan.bound(container, "db"))["PIPELINE_DATABASE_OWNER"]


def test_stages_that_run_together_never_share_a_database() -> None:
    # Dagger runs one service for identical definitions: each stage names its own.
    stages = [
        backend.backend_tests(BACKEND, "3.11", "17"),
        backend.backend_tests(BACKEND, "3.13", "17"),
        backend.migrations_check(BACKEND, "3.13", "17"),
        database.migrations_roundtrip(BACKEND, "3.13", "17"),
        backend.backend_server(BACKEND, "3.13", "17", "e2e", "printshop"),
    ]
    owners = [database_owner(stage) for stage in stages]
    assert len(set(owners)) == len(owners), owners


def test_lint_runs_every_command_without_a_database() -> None:
    stages = backend.backend_lint(BACKEND, "3.13")
    assert {name: plan.execs(c)[-1] for name, c in stages.items()} == backend.LINT_COMMANDS
    for container in stages.values():
        assert not plan.named(container, "withServiceBinding")
