"""Checkout under real concurrency; needs a real PostgreSQL (row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from store.models import Order, OrderLine
from tests.conftest import ProductFactory


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_checkouts_of_the_last_item(
    make_product: ProductFactory,
) -> None:
    product = make_product(slug="last-one", title="Last Poster", stock=1)
    barrier = threading.Barrier(2, timeout=30)
    responses: list[tuple[int, dict[str, object]]] = []
    errors: list[BaseException] = []
    results_lock = threading.Lock()

    def checkout(customer: str) -> None:
        try:
            client = APIClient()
            body = {
                "customer_name": customer,
                "email": f"{customer.lower()}@example.com",
                "lines": [{"product": "last-one", "quantity": 1}],
            }
            barrier.wait()
            response = client.post("/api/orders/", body, format="json")
            with results_lock:
                responses.append((response.status_code, response.json()))
        except BaseException as exc:  # reported by the main thread
            with results_lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=checkout, args=(name,)) for name in ("Ada", "Grace")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sorted(status for status, _ in responses) == [201, 409]
    conflict = next(body for status, body in responses if status == 409)
    assert conflict == {"detail": "Not enough stock for Last Poster: 0 left."}

    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.count() == 1
    assert OrderLine.objects.get().quantity == 1
