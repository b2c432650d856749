from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from store.models import Order, OrderLine, Product
from tests.conftest import ProductFactory

pytestmark = pytest.mark.django_db


def test_str_representations(make_product: ProductFactory) -> None:
    product = make_product(slug="a2-poster", title="A2 Poster")
    order = Order.objects.create(customer_name="Ada", email="ada@example.com")
    line = OrderLine.objects.create(
        order=order, product=product, quantity=2, unit_price=Decimal("12.50")
    )
    assert str(product) == "A2 Poster (a2-poster)"
    assert str(order) == f"Order #{order.pk} by Ada"
    assert str(line) == f"2 x {product.pk} in order {order.pk}"


def test_products_are_ordered_by_title(make_product: ProductFactory) -> None:
    make_product(title="Stickers")
    make_product(title="Business cards")
    assert [p.title for p in Product.objects.all()] == ["Business cards", "Stickers"]


def test_slug_is_unique(make_product: ProductFactory) -> None:
    make_product(slug="flyers")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_product(slug="flyers")


def test_price_cannot_be_negative(make_product: ProductFactory) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_product(price="-0.01")


def test_order_line_quantity_must_be_positive(make_product: ProductFactory) -> None:
    product = make_product()
    order = Order.objects.create(customer_name="Ada", email="ada@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(
            order=order, product=product, quantity=0, unit_price=Decimal("1.00")
        )


def test_ordered_product_cannot_be_deleted(make_product: ProductFactory) -> None:
    product = make_product()
    order = Order.objects.create(customer_name="Ada", email="ada@example.com")
    OrderLine.objects.create(
        order=order, product=product, quantity=1, unit_price=product.price
    )
    with pytest.raises(ProtectedError):
        product.delete()


def test_deleting_an_order_deletes_its_lines(make_product: ProductFactory) -> None:
    product = make_product()
    order = Order.objects.create(customer_name="Ada", email="ada@example.com")
    OrderLine.objects.create(
        order=order, product=product, quantity=1, unit_price=product.price
    )
    order.delete()
    assert OrderLine.objects.count() == 0
