"""Django settings for the print shop API.

Everything that differs between environments comes from environment variables;
see README.md for the full list.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from printshop.env import (
    database_config,
    parse_bool,
    parse_int,
    parse_list,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = parse_bool(os.environ.get("DEBUG"), default=False, name="DEBUG")
SECRET_KEY = secret_key(os.environ.get("SECRET_KEY"), debug=DEBUG)
ALLOWED_HOSTS = parse_list(
    os.environ.get("ALLOWED_HOSTS"), default="localhost,127.0.0.1"
)
RELEASE = os.environ.get("RELEASE", "").strip() or "dev"

DATABASES: dict[str, dict[str, Any]] = {
    "default": database_config(
        os.environ.get("DATABASE_URL"),
        conn_max_age=parse_int(
            os.environ.get("DB_CONN_MAX_AGE"), default=60, name="DB_CONN_MAX_AGE"
        ),
    )
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "rest_framework",
    "store",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "printshop.urls"
WSGI_APPLICATION = "printshop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Security -------------------------------------------------------------
# Plain-http deployments (the e2e stack, smoke tests inside containers) switch
# the redirect off with SECURE_SSL_REDIRECT=false.
SECURE_SSL_REDIRECT = parse_bool(
    os.environ.get("SECURE_SSL_REDIRECT"),
    default=not DEBUG,
    name="SECURE_SSL_REDIRECT",
)
# The health endpoint must answer load balancers / probes over plain http.
SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]
# Only enable behind a reverse proxy that always sets X-Forwarded-Proto.
if parse_bool(
    os.environ.get("TRUST_X_FORWARDED_PROTO"),
    default=False,
    name="TRUST_X_FORWARDED_PROTO",
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"

# --- Django REST framework --------------------------------------------------
_renderers = ["rest_framework.renderers.JSONRenderer"]
if DEBUG:
    _renderers.append("rest_framework.renderers.BrowsableAPIRenderer")

REST_FRAMEWORK: dict[str, Any] = {
    # Anonymous public API: no authentication, hence no CSRF enforcement.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": _renderers,
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# --- Logging: everything to stdout ------------------------------------------
LOG_LEVEL = (os.environ.get("LOG_LEVEL", "").strip() or "INFO").upper()

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
    },
}
