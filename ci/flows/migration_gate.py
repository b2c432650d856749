"""Refuse migrations that would break the running release, before the host is touched.

The new release migrates the database while the old one still serves (blue-green), so
on an environment with `refuse_breaking_migrations` its new migrations must not break
the old code: django-migration-linter (ci/stages/migration_lint.py) reads the SQL of each
migration the new backend image has and the running one does not. A breaking one
(a column dropped or renamed, NOT NULL added without a default, ...) fails the deploy in
one sentence unless the deploy gives a reason, which the release keeps in the history
(ci/migration_report.py).
"""

import dagger

from ci.errors import PipelineError
from ci.migration_report import LintReport, MigrationCheck, listed, verdict
from ci.report import failure_text
from ci.stages import migration_lint, postgres
from ci.supply_chain import Registry, pulled_image
from ci.targets import ReleaseHost


async def migrations_checked(
    host: ReleaseHost,
    backend_image: str,
    login: Registry | None,
    reason: str,
    *,
    python_version: str,
    postgres_version: str,
) -> MigrationCheck:
    """The new migrations of `backend_image` against what `host` runs, linted; see verdict.

    Nothing to say where the environment does not refuse breaking migrations.
    """
    target = host.target
    if not target.refuse_breaking_migrations:
        return MigrationCheck("")
    running = await host.running()
    if running is None:
        return MigrationCheck(
            f"Migrations not checked: no release runs on {target.name} yet to break.\n"
        )
    if running.backend == backend_image:
        return MigrationCheck(f"Migrations: the backend image is {running.release}'s.\n")
    old = pulled_image(running.backend, target.platform, login)
    new = pulled_image(backend_image, target.platform, login)
    try:
        known = listed(await migration_lint.listing(old).stdout())
        database = postgres.postgres_service(postgres_version, "migration-check")
        linter = migration_lint.linter(python_version)
        output = await migration_lint.linting(new, known, linter, database).stdout()
    except dagger.ExecError as exc:
        raise PipelineError(
            f"The migration check could not run Django in the backend image of "
            f"{running.release} or of the new release, so nothing was touched: each must "
            "run `python manage.py shell` with only DATABASE_URL and SECRET_KEY set.\n"
            f"{failure_text(exc)}"
        ) from None
    return verdict(target.name, running.release, LintReport.of(output), reason)
