"""Connect to the configured database and say in one sentence if that fails."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

UNREACHABLE_EXIT_CODE = 3
ADVICE = (
    "Check that the host in DATABASE_URL is right and reachable from where this runs, "
    "that PostgreSQL accepts connections there, and the credentials."
)


class Command(BaseCommand):
    """`manage.py check_database`: run before migrations and deployments."""

    help = "Check that the database in DATABASE_URL can be reached."

    def handle(self, *args: Any, **options: Any) -> None:
        """Open a connection and run a trivial query."""
        settings = connection.settings_dict
        host = settings.get("HOST") or "localhost"
        where = (
            f"{host}:{settings.get('PORT') or 5432} (database {settings.get('NAME')})"
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except OperationalError as exc:
            lines = str(exc).strip().splitlines()
            reason = lines[0] if lines else "no answer"
            raise CommandError(
                f"Cannot reach the database at {where}: {reason}. {ADVICE}",
                returncode=UNREACHABLE_EXIT_CODE,
            ) from exc
        self.stdout.write(f"Database reachable at {where}.")
