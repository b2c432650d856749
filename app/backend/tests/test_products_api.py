from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from printshop.urls import json_server_error
from tests.conftest import ProductFactory

pytestmark = pytest.mark.django_db


def test_list_products_is_a_plain_array_ordered_by_title(
    api_client: APIClient, make_product: ProductFactory
) -> None:
    make_product(
        slug="stickers", title="Stickers", price="18.00", stock=300, description="d"
    )
    make_product(slug="a2-poster", title="A2 Poster", price="12.5", stock=7)

    response = api_client.get("/api/products/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == [
        {
            "slug": "a2-poster",
            "title": "A2 Poster",
            "description": "",
            "price": "12.50",
            "stock": 7,
        },
        {
            "slug": "stickers",
            "title": "Stickers",
            "description": "d",
            "price": "18.00",
            "stock": 300,
        },
    ]


def test_list_products_empty(api_client: APIClient) -> None:
    response = api_client.get("/api/products/")
    assert response.status_code == 200
    assert response.json() == []


def test_product_detail(api_client: APIClient, make_product: ProductFactory) -> None:
    make_product(slug="flyers", title="Flyers", price="39.00", stock=120)

    response = api_client.get("/api/products/flyers/")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "flyers",
        "title": "Flyers",
        "description": "",
        "price": "39.00",
        "stock": 120,
    }


def test_unknown_product_is_404_with_detail(api_client: APIClient) -> None:
    response = api_client.get("/api/products/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": 'Product "no-such-thing" not found.'}


def test_products_are_read_only(api_client: APIClient) -> None:
    response = api_client.post("/api/products/", {"slug": "x"}, format="json")
    assert response.status_code == 405
    assert "detail" in response.json()


def test_only_json_is_rendered(api_client: APIClient) -> None:
    """The browsable API is only enabled with DEBUG; browsers get JSON."""
    response = api_client.get(
        "/api/products/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_unknown_url_is_a_json_404(api_client: APIClient) -> None:
    response = api_client.get("/definitely/not/here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_server_error_handler_answers_json() -> None:
    response = json_server_error(RequestFactory().get("/api/products/"))
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "Internal server error."}
