"""Refuse migrations that would break the running release, before the host is touched.

The new release migrates the database while the old one still serves (blue-green), so
on an environment with `refuse_breaking_migrations` its new migrations must not break
the old code: django-migration-linter (ci/stages/migration_lint.py) reads the SQL of each
migration the new backend image has and the running one does not. A breaking one
(a column dropped or renamed, NOT NULL added without a default, ...) fails the deploy in
one sentence unless the deploy gives a reason, which the release keeps in the history.
"""

from dataclasses import dataclass

import dagger

from ci.errors import PipelineError
from ci.report import failure_text
from ci.stages import migration_lint, postgres
from ci.targets import compose_host

TWO_RELEASES = 'deploy/README.md, "Breaking schema changes"'


@dataclass(frozen=True)
class LintReport:
    """The linter's verdict on the migrations new since the running release."""

    new: list[str]
    breaking: list[str]
    report: str

    @classmethod
    def of(cls, data: dict[str, object]) -> "LintReport":
        """The report as the script in the image prints it (JSON)."""
        new, breaking = data.get("new", []), data.get("breaking", [])
        return cls(
            [str(name) for name in new] if isinstance(new, list) else [],
            [str(name) for name in breaking] if isinstance(breaking, list) else [],
            str(data.get("report", "")),
        )


@dataclass(frozen=True)
class MigrationCheck:
    """What the deploy says of the new migrations, and what the release records."""

    line: str
    allowed_breaking: str = ""  # "MIGRATIONS: REASON", kept in release.json


def verdict(env: str, running: str, report: LintReport, reason: str) -> MigrationCheck:
    """The deploy's line on `report`, or one sentence refusing its breaking migrations."""
    if not report.new:
        return MigrationCheck(f"Migrations: none new since {running}.\n")
    if not report.breaking:
        names = ", ".join(report.new)
        return MigrationCheck(
            f"Migrations new since {running} ({names}): backward compatible "
            "(django-migration-linter).\n"
        )
    breaking = ", ".join(report.breaking)
    if not reason:
        raise PipelineError(
            f"{env} refuses migrations that would break the release it runs ({running}) "
            f"while they apply: {breaking}; nothing was touched. Ship the change in two "
            f"releases ({TWO_RELEASES}), or deploy it anyway with `dagger call deploy "
            f"--env {env} --allow-breaking-migrations=REASON`.\n{report.report.rstrip()}"
        )
    return MigrationCheck(
        f"Deploying despite backward-incompatible migrations ({breaking}): {reason}\n"
        f"{report.report.rstrip()}\n",
        f"{breaking}: {reason}",
    )


async def migrations_checked(
    host: compose_host.Host,
    backend_image: str,
    login: compose_host.RegistryLogin | None,
    python_version: str,
    postgres_version: str,
    reason: str,
) -> MigrationCheck:
    """The new migrations of `backend_image` against what `host` runs, linted; see verdict."""
    target = host.target
    history = await compose_host.history(host)
    running = history.releases.get(history.current)
    if running is None:
        return MigrationCheck(
            f"Migrations not checked: no release runs on {target.name} yet to break.\n"
        )
    if running.backend == backend_image:
        return MigrationCheck(f"Migrations: the backend image is {running.release}'s.\n")
    old = compose_host.pulled_image(running.backend, target.platform, login)
    new = compose_host.pulled_image(backend_image, target.platform, login)
    try:
        known = await migration_lint.migrations_of(old)
        database = postgres.postgres_service(postgres_version, "migration-check")
        linter = migration_lint.linter(python_version)
        data = await migration_lint.lint_report(new, known, linter, database)
    except dagger.ExecError as exc:
        raise PipelineError(
            f"The migration check could not run Django in the backend image of "
            f"{running.release} or of the new release, so nothing was touched: each must "
            "run `python manage.py shell` with only DATABASE_URL and SECRET_KEY set.\n"
            f"{failure_text(exc)}"
        ) from None
    return verdict(target.name, running.release, LintReport.of(data), reason)
