"""Shared fixtures. The tests need DATABASE_URL and SECRET_KEY in the environment."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from pytest_django.fixtures import Settings as SettingsFixture
from rest_framework.test import APIClient

from store.models import Product

ProductFactory = Callable[..., Product]


@pytest.fixture(autouse=True)
def _no_ssl_redirect(settings: SettingsFixture) -> None:
    """The test client speaks plain http; production settings would redirect it.

    Tests that check the redirect itself turn it back on.
    """
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_product() -> ProductFactory:
    counter = 0

    def factory(
        *,
        slug: str | None = None,
        title: str | None = None,
        price: str | Decimal = "12.50",
        stock: int = 10,
        description: str = "",
    ) -> Product:
        nonlocal counter
        counter += 1
        return Product.objects.create(
            slug=slug or f"product-{counter}",
            title=title or f"Product {counter}",
            description=description,
            price=Decimal(price),
            stock=stock,
        )

    return factory
