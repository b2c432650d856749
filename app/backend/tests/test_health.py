from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connections
from pytest_django.fixtures import Settings as SettingsFixture
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_health_ok(api_client: APIClient, settings: SettingsFixture) -> None:
    settings.RELEASE = "1.4.0+abc1234"
    response = api_client.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "release": "1.4.0+abc1234",
    }


def test_health_reports_unreachable_database(
    api_client: APIClient, settings: SettingsFixture
) -> None:
    settings.RELEASE = "dev"
    with mock.patch.object(
        connections["default"],
        "cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = api_client.get("/api/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unavailable",
        "release": "dev",
    }


@pytest.mark.django_db
def test_health_is_exempt_from_ssl_redirect(settings: SettingsFixture) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = APIClient()

    assert client.get("/api/health/").status_code == 200

    redirected = client.get("/api/products/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/api/products/"
    assert client.get("/api/products/", secure=True).status_code == 200


@pytest.mark.django_db
def test_production_security_headers(settings: SettingsFixture) -> None:
    settings.SECURE_SSL_REDIRECT = True
    response = APIClient().get("/api/products/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
