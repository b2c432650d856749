"""The environment parsing helpers, as plain functions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from printshop.env import (
    INSECURE_DEV_SECRET_KEY,
    database_config,
    parse_bool,
    parse_int,
    parse_list,
    secret_key,
)


@pytest.mark.parametrize(
    "value", ["1", "true", "TRUE", "True", "yes", "Yes", "on", " true "]
)
def test_parse_bool_true(value: str) -> None:
    assert parse_bool(value, default=False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "NO", "off"])
def test_parse_bool_false(value: str) -> None:
    assert parse_bool(value, default=True) is False


@pytest.mark.parametrize("value", [None, "", "   "])
@pytest.mark.parametrize("default", [True, False])
def test_parse_bool_default(value: str | None, default: bool) -> None:
    assert parse_bool(value, default=default) is default


def test_parse_bool_rejects_garbage_with_clear_message() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG must be one of .*'maybe'"):
        parse_bool("maybe", default=False, name="DEBUG")


def test_parse_list_splits_and_strips() -> None:
    assert parse_list(" a.example , b.example,,") == ["a.example", "b.example"]


@pytest.mark.parametrize("value", [None, "", " "])
def test_parse_list_default(value: str | None) -> None:
    assert parse_list(value, default="localhost,127.0.0.1") == [
        "localhost",
        "127.0.0.1",
    ]


def test_parse_int() -> None:
    assert parse_int("30", default=60) == 30
    assert parse_int(None, default=60) == 60
    assert parse_int("", default=60) == 60


@pytest.mark.parametrize("value", ["-1", "soon", "1.5"])
def test_parse_int_rejects_bad_values(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="DB_CONN_MAX_AGE must be"):
        parse_int(value, default=60, name="DB_CONN_MAX_AGE")


def test_database_config_parses_postgres_url() -> None:
    config = database_config(
        "postgres://shop:secret@db.internal:6543/shopdb", conn_max_age=5
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "shopdb"
    assert config["USER"] == "shop"
    assert config["PASSWORD"] == "secret"
    assert config["HOST"] == "db.internal"
    assert config["PORT"] == 6543
    assert config["CONN_MAX_AGE"] == 5
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_config_without_password() -> None:
    config = database_config("postgres://printshop@localhost:5432/printshop")
    assert config["USER"] == "printshop"
    assert config["PASSWORD"] in ("", None)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_database_config_missing_url_is_a_clear_error(value: str | None) -> None:
    with pytest.raises(ImproperlyConfigured) as excinfo:
        database_config(value)
    message = str(excinfo.value)
    assert "DATABASE_URL is not set" in message
    assert "postgres://user:pass@host:5432/name" in message


def test_database_config_unparsable_url() -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL could not be parsed"):
        database_config("nosuchscheme://x/y")


def test_secret_key_is_used_when_set() -> None:
    assert secret_key("  s3cr3t  ", debug=False) == "s3cr3t"


def test_secret_key_falls_back_to_insecure_key_in_debug() -> None:
    assert secret_key(None, debug=True) == INSECURE_DEV_SECRET_KEY
    assert "insecure" in INSECURE_DEV_SECRET_KEY


@pytest.mark.parametrize("value", [None, ""])
def test_secret_key_missing_in_production_is_a_clear_error(value: str | None) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        secret_key(value, debug=False)
