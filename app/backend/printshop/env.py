"""Small, dependency-free helpers that turn environment variables into settings.

They are plain functions (no Django settings access) so they can be unit tested
without reloading the settings module.
"""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
FALSE_VALUES = frozenset({"0", "false", "no", "off"})

# Only ever used when DEBUG is true; settings.py refuses to start without a
# real SECRET_KEY otherwise.
INSECURE_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-this-in-production"  # noqa: S105  # nosec B105

DATABASE_URL_EXAMPLE = "postgres://user:pass@host:5432/name"


def parse_bool(value: str | None, *, default: bool, name: str = "value") -> bool:
    """Parse true/false/1/0/yes/no/on/off (case-insensitive); empty means default."""
    if value is None or not value.strip():
        return default
    normalized = value.strip().lower()
    if normalized in TRUE_VALUES:
        return True
    if normalized in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false/1/0/yes/no, got {value!r}."
    )


def parse_list(value: str | None, *, default: str = "") -> list[str]:
    """Split a comma separated value, dropping blanks; unset or blank means default."""
    raw = default if value is None or not value.strip() else value
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_int(value: str | None, *, default: int, name: str = "value") -> int:
    """Parse a non-negative integer; unset or blank means default."""
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(
            f"{name} must be a non-negative integer, got {value!r}."
        )
    return number


def database_config(url: str | None, *, conn_max_age: int = 60) -> dict[str, Any]:
    """Build the Django DATABASES['default'] entry from DATABASE_URL."""
    if url is None or not url.strip():
        raise ImproperlyConfigured(
            "DATABASE_URL is not set: set it to the database to use, "
            f"e.g. {DATABASE_URL_EXAMPLE}."
        )
    try:
        config = dj_database_url.parse(
            url.strip(), conn_max_age=conn_max_age, conn_health_checks=True
        )
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL could not be parsed ({exc}); "
            f"expected something like {DATABASE_URL_EXAMPLE}."
        ) from exc
    return dict(config)


def secret_key(value: str | None, *, debug: bool) -> str:
    """Return SECRET_KEY, falling back to an insecure dev key only when DEBUG is on."""
    if value is not None and value.strip():
        return value.strip()
    if debug:
        return INSECURE_DEV_SECRET_KEY
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: set it to a long random string "
        "(it may only be omitted when DEBUG=true)."
    )
