from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from store.management.commands.load_demo_data import DEMO_PRODUCTS
from store.models import Product

pytestmark = pytest.mark.django_db


def run_command() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def test_load_demo_data_is_idempotent() -> None:
    count = len(DEMO_PRODUCTS)
    assert count >= 6

    assert f"{count} created, 0 updated" in run_command()
    assert Product.objects.count() == count

    Product.objects.filter(slug="a2-poster").update(stock=0, title="Changed")
    assert f"0 created, {count} updated" in run_command()
    assert Product.objects.count() == count
    poster = Product.objects.get(slug="a2-poster")
    assert (poster.title, poster.stock) == ("A2 Poster", 150)


def test_demo_products_are_sensible() -> None:
    run_command()
    for product in Product.objects.all():
        assert product.price > 0
        assert product.stock >= 100
        assert product.description
