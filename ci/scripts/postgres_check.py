"""Fail in one sentence when the Django settings would not test against PostgreSQL.

Settings that fall back to SQLite when their database variables are unset would run the
suite green against the wrong database; the backend stages run this before the tests.
"""

import os
import sys

# The backend's own modules, as manage.py finds them: from the directory it runs in.
sys.path.insert(0, os.getcwd())

import django  # type: ignore[import-not-found]
from django.db import connection  # type: ignore[import-not-found]

django.setup()
if connection.vendor != "postgresql":
    sys.exit(
        f"The tests would run on {connection.vendor}, not the PostgreSQL service: "
        f"{os.environ.get('DJANGO_SETTINGS_MODULE')} ignores the database variables the "
        "pipeline sets (DATABASE_URL, DB_*, POSTGRES_*); read one of them in DATABASES, or "
        "set them under [backend.test-env] in pipeline.toml."
    )
