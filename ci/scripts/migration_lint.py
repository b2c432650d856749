"""The project's migrations in a release image, and whether the new ones are backward compatible.

Run by the pipeline inside a backend image after the app's own Django setup:
`python manage.py shell --command "import runpy; runpy.run_path(THIS, run_name='__main__')"`.

Without MIGRATION_LINT_KNOWN: prints the image's migrations, one `app_label.name` a line.
With MIGRATION_LINT_KNOWN=FILE (such a list from the release that runs now): lints each
migration not in FILE with django-migration-linter, against the database of DATABASE_URL,
and prints one line of JSON: {"new": [...], "breaking": [...], "report": "..."}.

Only the project's own apps count: migrations of installed packages (Django's own, a
library's) are not the project's to change, so they are neither listed nor linted.
"""

import contextlib
import io
import json
import os
import sys

from django.apps import apps  # type: ignore[import-not-found]
from django.db import connections  # type: ignore[import-not-found]
from django.db.migrations.loader import MigrationLoader  # type: ignore[import-not-found]

_PACKAGES = ("site-packages", "dist-packages")


def _own_labels() -> set[str]:
    """The labels of the apps that live in the project, not in an installed package."""
    return {
        config.label
        for config in apps.get_app_configs()
        if not any(part in config.path.split(os.sep) for part in _PACKAGES)
    }


def own_migrations() -> list[tuple[str, str]]:
    """Every migration on disk of the project's own apps, in order."""
    own = _own_labels()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    keys: list[tuple[str, str]] = list(loader.disk_migrations)
    return sorted(key for key in keys if key[0] in own)


def linted(known: set[str]) -> dict[str, object]:
    """Each own migration not in `known`, linted; which of them break the running release."""
    from django_migration_linter import MigrationLinter  # type: ignore[import-not-found]

    linter = MigrationLinter(no_cache=True)
    new: list[str] = []
    breaking: list[str] = []
    report = io.StringIO()
    for app_label, name in own_migrations():
        key = f"{app_label}.{name}"
        if key in known:
            continue
        new.append(key)
        before = linter.nb_erroneous
        with contextlib.redirect_stdout(report):
            linter.lint_migration(linter.migration_loader.disk_migrations[app_label, name])
        if linter.nb_erroneous > before:
            breaking.append(key)
    connections.close_all()
    return {"new": new, "breaking": breaking, "report": report.getvalue()}


def main() -> None:
    """List, or lint what the list in MIGRATION_LINT_KNOWN does not name."""
    known_file = os.environ.get("MIGRATION_LINT_KNOWN")
    if not known_file:
        sys.stdout.write("".join(f"{app}.{name}\n" for app, name in own_migrations()))
        return
    with open(known_file, encoding="utf-8") as file:
        known = {line.strip() for line in file if line.strip()}
    print(json.dumps(linted(known)))


if __name__ == "__main__":
    main()
