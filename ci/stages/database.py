"""Database stages: migrations against an environment's database, backups, round trips.

DATABASE_URL is a Secret from end to end: it reaches containers only through
with_secret_variable, and shell commands expand it inside the container, so the
value appears in no argument Dagger records.
"""

import dagger
from dagger import dag

from ci.stages import backend
from ci.versions import postgres_image

CHECK_COMMAND = ["python", "manage.py", "check_database"]
PLAN_COMMAND = ["python", "manage.py", "migrate", "--plan", "--noinput"]

BACKUP_PATH = "/backup/backup.dump"
BACKUP_COMMAND = [
    "sh",
    "-c",
    f'pg_dump --format=custom --no-owner --file={BACKUP_PATH} "$DATABASE_URL" '
    f"&& pg_restore --list {BACKUP_PATH} > /dev/null",
]


def roundtrip_commands(apps: tuple[str, ...]) -> list[list[str]]:
    """Every migration applied, each of the backend's own `apps` reversed to zero, re-applied."""
    back = [["python", "manage.py", "migrate", app, "zero", "--noinput"] for app in apps]
    return [backend.MIGRATE_COMMAND, *back, backend.MIGRATE_COMMAND]


def migration_runner(
    backend_dir: dagger.Directory,
    python_version: str,
    db_url: dagger.Secret,
    secret_key: dagger.Secret,
    run_id: str,
) -> dagger.Container:
    """The backend runtime pointed at an environment's database, checked reachable.

    `run_id` differs on every run, so nothing here is served from the layer cache.
    """
    return (
        backend.backend_runtime(backend_dir, python_version)
        .with_env_variable("PIPELINE_RUN_ID", run_id)
        .with_secret_variable("DATABASE_URL", db_url)
        .with_secret_variable("SECRET_KEY", secret_key)
        .with_exec(CHECK_COMMAND)
    )


def backup(db_url: dagger.Secret, postgres_version: str, run_id: str) -> dagger.File:
    """A pg_dump (custom format) of the database, verified readable by pg_restore."""
    return (
        dag.container()
        .from_(postgres_image(postgres_version))
        .with_env_variable("PIPELINE_RUN_ID", run_id)
        .with_secret_variable("DATABASE_URL", db_url)
        .with_exec(["mkdir", "-p", BACKUP_PATH.rsplit("/", 1)[0]])
        .with_exec(BACKUP_COMMAND)
        .file(BACKUP_PATH)
    )


def migrations_roundtrip(
    app: backend.BackendApp, python_version: str, postgres_version: str
) -> dagger.Container:
    """Apply every migration to an empty database, reverse the app's own, apply them again."""
    container = backend.backend_env(app, python_version, postgres_version, "migrations-roundtrip")
    for command in roundtrip_commands(app.profile.migration_apps.value):
        container = container.with_exec(command)
    return container
