"""Settings read from the environment, and the production security checks."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsFixture

BACKEND_DIR = Path(__file__).resolve().parent.parent
SETTINGS_VARS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "RELEASE",
    "SECURE_SSL_REDIRECT",
    "TRUST_X_FORWARDED_PROTO",
    "DB_CONN_MAX_AGE",
    "LOG_LEVEL",
)
DUMMY_DATABASE_URL = "postgres://printshop@localhost:5432/printshop"
PRODUCTION_SECRET_KEY = secrets.token_urlsafe(64)

# Prints the settings the tests look at, as JSON.
DUMP_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "RELEASE": settings.RELEASE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    "RENDERERS": settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"],
    "DATABASE_NAME": settings.DATABASES["default"]["NAME"],
}))
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with only ``env`` as app settings."""
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    environ["DJANGO_SETTINGS_MODULE"] = "printshop.settings"
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BACKEND_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def dump_settings(**env: str) -> dict[str, object]:
    result = run_python(DUMP_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def test_missing_database_url_is_a_clear_error() -> None:
    result = run_python(DUMP_SETTINGS, SECRET_KEY="x")
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: DATABASE_URL is not set" in (
        result.stderr
    )
    assert "postgres://user:pass@host:5432/name" in result.stderr


def test_missing_secret_key_in_production_is_a_clear_error() -> None:
    result = run_python(DUMP_SETTINGS, DATABASE_URL=DUMMY_DATABASE_URL)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set" in (
        result.stderr
    )


def test_production_defaults() -> None:
    values = dump_settings(DATABASE_URL=DUMMY_DATABASE_URL, SECRET_KEY="k")
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == "k"
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1"]
    assert values["RELEASE"] == "dev"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["RENDERERS"] == ["rest_framework.renderers.JSONRenderer"]
    assert values["DATABASE_NAME"] == "printshop"


def test_debug_mode_uses_dev_key_and_browsable_api() -> None:
    values = dump_settings(DATABASE_URL=DUMMY_DATABASE_URL, DEBUG="yes")
    assert values["DEBUG"] is True
    assert "insecure" in str(values["SECRET_KEY"])
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert "rest_framework.renderers.BrowsableAPIRenderer" in str(values["RENDERERS"])


def test_environment_overrides() -> None:
    values = dump_settings(
        DATABASE_URL=DUMMY_DATABASE_URL,
        SECRET_KEY="k",
        ALLOWED_HOSTS="shop.example.com, api.example.com",
        RELEASE="1.2.3+abc1234",
        SECURE_SSL_REDIRECT="0",
        TRUST_X_FORWARDED_PROTO="true",
    )
    assert values["ALLOWED_HOSTS"] == ["shop.example.com", "api.example.com"]
    assert values["RELEASE"] == "1.2.3+abc1234"
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_manage_py_check_deploy_with_production_environment() -> None:
    """The real settings module, fed a production environment, has no warnings."""
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line("
        "['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DATABASE_URL=DUMMY_DATABASE_URL,
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        ALLOWED_HOSTS="shop.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def _production_like(settings: SettingsFixture) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = PRODUCTION_SECRET_KEY
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    settings.SECURE_SSL_REDIRECT = True


def test_check_deploy_passes(settings: SettingsFixture) -> None:
    _production_like(settings)
    out = StringIO()
    call_command("check", deploy=True, fail_level="WARNING", stdout=out)
    assert "System check identified no issues" in out.getvalue()


def test_check_deploy_fails_without_ssl_redirect(settings: SettingsFixture) -> None:
    """Sanity check of the test above: an insecure setting is reported."""
    _production_like(settings)
    settings.SECURE_SSL_REDIRECT = False
    with pytest.raises(SystemCheckError, match=r"security\.W008"):
        call_command("check", deploy=True, fail_level="WARNING", stdout=StringIO())
