"""Checkout: turn a validated cart into an order, safely under concurrency.

The whole checkout runs in one transaction. The products involved are locked
with SELECT ... FOR UPDATE in primary-key order (so two checkouts touching the
same products always lock them in the same order and cannot deadlock), stock is
checked and decremented while the locks are held, and the order total is
computed from the prices read under the lock. Any error raised inside the
transaction rolls everything back, so a failed checkout writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from store.models import Order, OrderLine, Product


@dataclass(frozen=True)
class CartLine:
    """One requested line: a product slug and how many of it."""

    product: str
    quantity: int


class CheckoutError(Exception):
    """Base class of the errors a checkout can end with."""


class EmptyCartError(CheckoutError):
    def __init__(self) -> None:
        super().__init__("An order needs at least one line.")


class UnknownProductError(CheckoutError):
    def __init__(self, slugs: list[str]) -> None:
        self.slugs = slugs
        names = ", ".join(f'"{slug}"' for slug in slugs)
        noun = "product" if len(slugs) == 1 else "products"
        super().__init__(f"Unknown {noun}: {names}.")


class InsufficientStockError(CheckoutError):
    def __init__(self, product: Product, requested: int) -> None:
        self.product = product
        self.requested = requested
        self.available = product.stock
        super().__init__(f"Not enough stock for {product.title}: {product.stock} left.")


def merge_lines(lines: Iterable[CartLine]) -> dict[str, int]:
    """Merge lines that name the same product, keeping first-seen order.

    ``[a x1, b x2, a x3]`` becomes ``{a: 4, b: 2}``.
    """
    merged: dict[str, int] = {}
    for line in lines:
        merged[line.product] = merged.get(line.product, 0) + line.quantity
    return merged


def place_order(*, customer_name: str, email: str, lines: Iterable[CartLine]) -> Order:
    """Create an order for ``lines``, decrementing stock atomically.

    Raises EmptyCartError, UnknownProductError or InsufficientStockError; in
    those cases nothing has been written.
    """
    wanted = merge_lines(lines)
    if not wanted:
        raise EmptyCartError()

    with transaction.atomic():
        locked = list(
            Product.objects.select_for_update().filter(slug__in=wanted).order_by("pk")
        )
        by_slug = {product.slug: product for product in locked}

        missing = [slug for slug in wanted if slug not in by_slug]
        if missing:
            raise UnknownProductError(missing)

        for slug, quantity in wanted.items():
            product = by_slug[slug]
            if product.stock < quantity:
                raise InsufficientStockError(product, quantity)

        order = Order.objects.create(customer_name=customer_name, email=email)
        total = Decimal("0.00")
        order_lines = []
        for slug, quantity in wanted.items():
            product = by_slug[slug]
            Product.objects.filter(pk=product.pk).update(stock=F("stock") - quantity)
            order_lines.append(
                OrderLine(
                    order=order,
                    product=product,
                    quantity=quantity,
                    unit_price=product.price,
                )
            )
            total += product.price * quantity
        OrderLine.objects.bulk_create(order_lines)

        order.total = total
        order.save(update_fields=["total"])

    return order
