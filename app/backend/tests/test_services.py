from __future__ import annotations

from decimal import Decimal

import pytest

from store.models import Order, Product
from store.services import (
    CartLine,
    EmptyCartError,
    InsufficientStockError,
    UnknownProductError,
    merge_lines,
    place_order,
)
from tests.conftest import ProductFactory


def test_merge_lines_sums_quantities_and_keeps_order() -> None:
    lines = [CartLine("a", 1), CartLine("b", 2), CartLine("a", 3)]
    assert list(merge_lines(lines).items()) == [("a", 4), ("b", 2)]


def test_merge_lines_empty() -> None:
    assert merge_lines([]) == {}


def test_place_order_without_lines() -> None:
    with pytest.raises(EmptyCartError, match="at least one line"):
        place_order(customer_name="Ada", email="ada@example.com", lines=[])


@pytest.mark.django_db
def test_place_order_decrements_stock_and_totals(make_product: ProductFactory) -> None:
    cards = make_product(slug="cards", price="29.90", stock=3)
    poster = make_product(slug="poster", price="12.50", stock=2)

    order = place_order(
        customer_name="Ada",
        email="ada@example.com",
        lines=[CartLine("poster", 2), CartLine("cards", 3)],
    )

    order.refresh_from_db()
    assert order.total == Decimal("114.70")
    cards.refresh_from_db()
    poster.refresh_from_db()
    assert (cards.stock, poster.stock) == (0, 0)
    assert [(line.product.slug, line.quantity) for line in order.lines.all()] == [
        ("poster", 2),
        ("cards", 3),
    ]


@pytest.mark.django_db
def test_place_order_uses_current_price(make_product: ProductFactory) -> None:
    product = make_product(slug="cards", price="10.00")
    Product.objects.filter(pk=product.pk).update(price=Decimal("11.00"))

    order = place_order(
        customer_name="Ada", email="ada@example.com", lines=[CartLine("cards", 2)]
    )

    assert order.total == Decimal("22.00")
    assert order.lines.get().unit_price == Decimal("11.00")


@pytest.mark.django_db
def test_unknown_products_are_all_reported(make_product: ProductFactory) -> None:
    make_product(slug="cards")
    with pytest.raises(UnknownProductError) as excinfo:
        place_order(
            customer_name="Ada",
            email="ada@example.com",
            lines=[CartLine("x", 1), CartLine("cards", 1), CartLine("y", 1)],
        )
    assert excinfo.value.slugs == ["x", "y"]
    assert str(excinfo.value) == 'Unknown products: "x", "y".'
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_insufficient_stock_rolls_back(make_product: ProductFactory) -> None:
    make_product(slug="cards", stock=5)
    make_product(slug="poster", title="A2 Poster", stock=0)

    with pytest.raises(InsufficientStockError) as excinfo:
        place_order(
            customer_name="Ada",
            email="ada@example.com",
            lines=[CartLine("cards", 5), CartLine("poster", 1)],
        )

    error = excinfo.value
    assert (error.product.slug, error.requested, error.available) == ("poster", 1, 0)
    assert str(error) == "Not enough stock for A2 Poster: 0 left."
    assert Order.objects.count() == 0
    assert Product.objects.get(slug="cards").stock == 5
