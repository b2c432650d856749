from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from store.models import Order, OrderLine, Product
from tests.conftest import ProductFactory

pytestmark = pytest.mark.django_db


def order_body(*lines: tuple[str, int], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_name": "Ada Lovelace",
        "email": "ada@example.com",
        "lines": [{"product": slug, "quantity": qty} for slug, qty in lines],
    }
    body.update(overrides)
    return body


def test_place_order(api_client: APIClient, make_product: ProductFactory) -> None:
    make_product(slug="a2-poster", title="A2 Poster", price="12.50", stock=5)

    response = api_client.post(
        "/api/orders/", order_body(("a2-poster", 2)), format="json"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    order = Order.objects.get()
    assert data["id"] == order.pk
    assert data["customer_name"] == "Ada Lovelace"
    assert data["email"] == "ada@example.com"
    assert data["total"] == "25.00"
    assert datetime.fromisoformat(data["created_at"]) == order.created_at
    assert data["lines"] == [
        {
            "product": "a2-poster",
            "title": "A2 Poster",
            "quantity": 2,
            "unit_price": "12.50",
        }
    ]
    assert Product.objects.get(slug="a2-poster").stock == 3
    assert order.total == Decimal("25.00")


def test_place_order_with_several_lines(
    api_client: APIClient, make_product: ProductFactory
) -> None:
    make_product(slug="cards", title="Business Cards", price="29.90", stock=10)
    make_product(slug="stickers", title="Stickers", price="18.00", stock=10)

    response = api_client.post(
        "/api/orders/", order_body(("stickers", 3), ("cards", 1)), format="json"
    )

    assert response.status_code == 201
    data = response.json()
    assert data["total"] == "83.90"
    assert [(line["product"], line["quantity"]) for line in data["lines"]] == [
        ("stickers", 3),
        ("cards", 1),
    ]
    stock = dict(Product.objects.values_list("slug", "stock"))
    assert stock == {"cards": 9, "stickers": 7}


def test_duplicate_lines_are_merged(
    api_client: APIClient, make_product: ProductFactory
) -> None:
    make_product(slug="flyers", title="Flyers", price="39.00", stock=10)

    response = api_client.post(
        "/api/orders/", order_body(("flyers", 1), ("flyers", 2)), format="json"
    )

    assert response.status_code == 201
    data = response.json()
    assert data["lines"] == [
        {"product": "flyers", "title": "Flyers", "quantity": 3, "unit_price": "39.00"}
    ]
    assert data["total"] == "117.00"
    assert Product.objects.get().stock == 7


def test_merged_lines_are_checked_against_stock(
    api_client: APIClient, make_product: ProductFactory
) -> None:
    make_product(slug="flyers", title="Flyers", stock=2)

    response = api_client.post(
        "/api/orders/", order_body(("flyers", 1), ("flyers", 2)), format="json"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "Not enough stock for Flyers: 2 left."}


def test_unknown_product_is_400_and_writes_nothing(
    api_client: APIClient, make_product: ProductFactory
) -> None:
    make_product(slug="flyers", stock=5)

    response = api_client.post(
        "/api/orders/", order_body(("flyers", 1), ("nope", 1)), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"lines": ['Unknown product: "nope".']}
    assert Order.objects.count() == 0
    assert Product.objects.get().stock == 5


def test_insufficient_stock_is_409_and_writes_nothing(
    api_client: APIClient, make_product: ProductFactory
) -> None:
    make_product(slug="cards", title="Business Cards", stock=10)
    make_product(slug="invites", title="Letterpress Invitations", stock=1)

    response = api_client.post(
        "/api/orders/", order_body(("cards", 2), ("invites", 2)), format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Not enough stock for Letterpress Invitations: 1 left."
    }
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    stock = dict(Product.objects.values_list("slug", "stock"))
    assert stock == {"cards": 10, "invites": 1}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order_body(("x", 1), customer_name=""), "customer_name"),
        (order_body(("x", 1), email="not-an-email"), "email"),
        (order_body(), "lines"),
        (order_body(("x", 0)), "lines"),
        (order_body(("x", -3)), "lines"),
        (order_body(("x", 1001)), "lines"),
        (order_body(("not a slug!", 1)), "lines"),
        ({"customer_name": "Ada", "email": "ada@example.com"}, "lines"),
        ({"lines": [{"product": "x", "quantity": 1}]}, "customer_name"),
        (order_body(lines="flyers"), "lines"),
    ],
)
def test_invalid_order_bodies_are_400(
    api_client: APIClient, body: dict[str, Any], field: str
) -> None:
    response = api_client.post("/api/orders/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Order.objects.count() == 0


def test_malformed_json_is_400(api_client: APIClient) -> None:
    response = api_client.post(
        "/api/orders/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_too_many_lines_is_400(api_client: APIClient) -> None:
    body = order_body(*[(f"p{i}", 1) for i in range(51)])
    response = api_client.post("/api/orders/", body, format="json")
    assert response.status_code == 400
    assert "lines" in response.json()


def test_get_order_returns_the_created_order(
    api_client: APIClient, make_product: ProductFactory
) -> None:
    make_product(slug="a2-poster", title="A2 Poster", price="12.50", stock=5)
    created = api_client.post(
        "/api/orders/", order_body(("a2-poster", 2)), format="json"
    ).json()

    response = api_client.get(f"/api/orders/{created['id']}/")

    assert response.status_code == 200
    assert response.json() == created


def test_order_keeps_the_price_paid(
    api_client: APIClient, make_product: ProductFactory
) -> None:
    product = make_product(slug="a2-poster", price="12.50", stock=5)
    created = api_client.post(
        "/api/orders/", order_body(("a2-poster", 1)), format="json"
    ).json()
    product.price = Decimal("99.00")
    product.save()

    data = api_client.get(f"/api/orders/{created['id']}/").json()

    assert data["total"] == "12.50"
    assert data["lines"][0]["unit_price"] == "12.50"


def test_unknown_order_is_404(api_client: APIClient) -> None:
    response = api_client.get("/api/orders/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Order 999999 not found."}


def test_orders_cannot_be_listed(api_client: APIClient) -> None:
    response = api_client.get("/api/orders/")
    assert response.status_code == 405
