"""The database stages' commands against a real PostgreSQL server on loopback."""

import subprocess
from pathlib import Path

import pytest

from ci.stages import backend, database
from tests.native.conftest import BACKEND
from tests.support.postgres import free_port
from tests.support.process import environment, run
from tests.support.profiles import REFERENCE_PROFILE

pytestmark = pytest.mark.native


def settings(bin_dirs: list[Path], url: str) -> dict[str, str]:
    return environment(bin_dirs, **backend.test_settings(url))


def test_plan_backup_migrate_on_an_empty_database(
    backend_bin: Path, postgres_bin: Path, fresh_database: str, tmp_path: Path
) -> None:
    env = settings([backend_bin, postgres_bin], fresh_database)
    assert "Database reachable at" in run(database.CHECK_COMMAND, cwd=BACKEND, env=env).stdout
    plan = run(database.PLAN_COMMAND, cwd=BACKEND, env=env).stdout
    assert "store.0001_initial" in plan

    backup_path = Path(database.BACKUP_PATH)
    script = database.BACKUP_COMMAND[-1].replace(str(backup_path), str(tmp_path / "backup.dump"))
    run(["sh", "-c", script], cwd=BACKEND, env=env)
    assert (tmp_path / "backup.dump").read_bytes()[:5] == b"PGDMP"

    run(backend.MIGRATE_COMMAND, cwd=BACKEND, env=env)
    after = run(database.PLAN_COMMAND, cwd=BACKEND, env=env).stdout
    assert "No planned migration operations." in after


def test_backup_of_a_migrated_database_restores(
    backend_bin: Path, postgres_bin: Path, fresh_database: str, tmp_path: Path
) -> None:
    env = settings([backend_bin, postgres_bin], fresh_database)
    run(backend.MIGRATE_COMMAND, cwd=BACKEND, env=env)
    run(["python", "manage.py", *REFERENCE_PROFILE.backend.demo_data.value], cwd=BACKEND, env=env)
    dump = tmp_path / "backup.dump"
    script = database.BACKUP_COMMAND[-1].replace(database.BACKUP_PATH, str(dump))
    run(["sh", "-c", script], cwd=BACKEND, env=env)

    scratch = f"{fresh_database}_restored"
    psql = [str(postgres_bin / "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-At"]
    run(
        [*psql, fresh_database, "-c", f'CREATE DATABASE "{scratch.rsplit("/", 1)[1]}"'],
        BACKEND,
        env,
    )
    restore = [str(postgres_bin / "pg_restore"), "--no-owner", "--exit-on-error"]
    run([*restore, f"--dbname={scratch}", str(dump)], cwd=BACKEND, env=env)

    tables = table_names(psql, fresh_database, env)
    assert {"store_product", "store_order", "django_migrations"} <= set(tables)
    assert table_names(psql, scratch, env) == tables
    for table in tables:
        original = rows(psql, fresh_database, table, env)
        assert rows(psql, scratch, table, env) == original, f"{table} differs after the restore"
    assert rows(psql, scratch, "store_product", env), "the demo products were not restored"


def table_names(psql: list[str], url: str, env: dict[str, str]) -> list[str]:
    """The tables of `url`'s public schema, by name."""
    query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    return run([*psql, url, "-c", query], cwd=BACKEND, env=env).stdout.split()


def rows(psql: list[str], url: str, table: str, env: dict[str, str]) -> list[str]:
    """Every row of `table` as text, in a stable order."""
    query = f'SELECT t::text FROM "{table}" t ORDER BY 1'  # noqa: S608 - from pg_tables
    return run([*psql, url, "-c", query], cwd=BACKEND, env=env).stdout.splitlines()


def test_unreachable_database_is_one_sentence_naming_the_host(backend_bin: Path) -> None:
    port = free_port()
    env = settings([backend_bin], f"postgres://app@127.0.0.1:{port}/shop")
    done = subprocess.run(
        database.CHECK_COMMAND, cwd=BACKEND, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 3
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"CommandError: Cannot reach the database at 127.0.0.1:{port}")
    assert "Traceback" not in done.stderr


def test_every_migration_applies_reverses_and_reapplies(
    backend_bin: Path, fresh_database: str
) -> None:
    env = settings([backend_bin], fresh_database)
    for command in database.roundtrip_commands(REFERENCE_PROFILE.backend.migration_apps.value):
        run(command, cwd=BACKEND, env=env)
