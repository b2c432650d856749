"""What production's migration check found, and what the deploy says of it (plain Python).

The check's script (ci/scripts/migration_lint.py) runs inside the backend images: it
lists an image's migrations, one `app_label.name` a line, and reports on the new ones as
one line of JSON. This reads both and turns the report into the deploy's line, or into
one sentence refusing migrations that would break the release still serving.
"""

import json
import re
from dataclasses import dataclass

from ci.errors import PipelineError

TWO_RELEASES = 'deploy/README.md, "Breaking schema changes"'
_MIGRATION = re.compile(r"^\w+\.\w+$")


def listed(output: str) -> list[str]:
    """The `app_label.name` lines of the script's listing (the app may print others)."""
    return [line for line in output.splitlines() if _MIGRATION.match(line)]


@dataclass(frozen=True)
class LintReport:
    """The linter's verdict on the migrations new since the running release."""

    new: list[str]
    breaking: list[str]
    report: str

    @classmethod
    def of(cls, output: str) -> "LintReport":
        """The report the script printed: the last line of its output that is JSON."""
        last = [line for line in output.splitlines() if line.startswith("{")][-1:]
        data = json.loads(last[0]) if last else {}
        new, breaking = data.get("new"), data.get("breaking")
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
