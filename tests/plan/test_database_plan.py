"""Migrations, backups and the round trip, read from their lazy plans (no engine)."""

import dagger
from dagger import dag

from ci.stages import backend, database
from tests.support import plan
from tests.support.profiles import REFERENCE_PROFILE

CANARY = "postgres://admin:canary-Zq8v@prod-db.example:5432/shop"
BACKEND = dag.host().directory("app/backend")


def secret_uses(obj: object) -> list[plan.Call]:
    return [
        call
        for call in plan.walk(obj)
        if any(isinstance(v, dagger.Secret) for v in call.args.values())
    ]


def test_database_url_reaches_containers_only_as_a_secret_variable() -> None:
    url = dag.set_secret("database-url", CANARY)
    key = dag.set_secret("secret-key", "canary-key-Xw2")
    runner = database.migration_runner(BACKEND, "3.13", url, key, "run-1")
    stages = [
        runner.with_exec(database.PLAN_COMMAND),
        runner.with_exec(backend.MIGRATE_COMMAND),
        database.backup(url, "17", "run-1"),
    ]
    for stage in stages:
        uses = secret_uses(stage)
        assert uses, plan.render(stage)
        assert {c.name for c in uses} == {"withSecretVariable"}
        for value in plan.values(stage):
            assert "canary" not in str(value), plan.render(stage)


def test_every_run_busts_the_cache_before_touching_the_database() -> None:
    url = dag.set_secret("database-url", CANARY)
    key = dag.set_secret("secret-key", "k")
    runner = database.migration_runner(BACKEND, "3.13", url, key, "run-42")
    bust = plan.position(runner, "withEnvVariable", name="PIPELINE_RUN_ID", value="run-42")
    check = plan.position(runner, "withExec", args=database.CHECK_COMMAND)
    assert bust < check
    dump = database.backup(url, "17", "run-42")
    assert plan.position(dump, "withEnvVariable", value="run-42") < plan.position(
        dump, "withExec", args=database.BACKUP_COMMAND
    )


def test_reachability_is_checked_before_any_plan_or_migration() -> None:
    url = dag.set_secret("database-url", CANARY)
    key = dag.set_secret("secret-key", "k")
    runner = database.migration_runner(BACKEND, "3.13", url, key, "r")
    assert plan.execs(runner.with_exec(database.PLAN_COMMAND))[-2:] == [
        database.CHECK_COMMAND,
        database.PLAN_COMMAND,
    ]


def test_backup_is_pg_dump_verified_by_pg_restore_in_the_postgres_image() -> None:
    dump = database.backup(dag.set_secret("u", CANARY), "16", "r")
    assert plan.named(dump, "from")[0].args["address"] == "postgres:16"
    script = plan.execs(dump)[-1][-1]
    assert script.startswith("pg_dump --format=custom")
    assert '"$DATABASE_URL"' in script
    assert "pg_restore --list" in script
    assert plan.calls(dump)[-1].args == {"path": database.BACKUP_PATH}


def test_roundtrip_applies_reverses_and_reapplies_against_postgres() -> None:
    app = backend.BackendApp(dag.host().directory("."), REFERENCE_PROFILE.backend)
    container = database.migrations_roundtrip(app, "3.13", "17")
    assert plan.execs(container)[-3:] == [
        ["python", "manage.py", "migrate", "--noinput"],
        ["python", "manage.py", "migrate", "store", "zero", "--noinput"],
        ["python", "manage.py", "migrate", "--noinput"],
    ]
    assert plan.named(container, "withServiceBinding")[0].args["alias"] == "db"
