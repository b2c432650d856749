"""Load test scenario of the print shop: browse the catalogue, open products, check out.

The pipeline's `load-test` runs it with Locust, headless, through the frontend's
nginx as a browser reaches the app (the API is under /api/). The cart lives in the
browser, so "add to cart" sends nothing; checking out is POST /api/orders/. The whole
checkout (list -> product -> order) is also reported as one request, "checkout flow",
so its percentiles are what a customer waits from the list to the confirmation.

Request names are what the pipeline's budgets read: "GET /api/products/",
"GET /api/products/[slug]/" and "checkout flow" (tagged `checkout`: left out against a
deployed environment, where it would place real orders).
"""

from __future__ import annotations

import random
import time
from typing import Any

from locust import HttpUser, between, tag, task

PRODUCT_LIST = "GET /api/products/"
PRODUCT_PAGE = "GET /api/products/[slug]/"
CHECKOUT = "POST /api/orders/"
CHECKOUT_FLOW = "checkout flow"


class Shopper(HttpUser):
    """A customer: mostly browsing, now and then buying one thing in stock."""

    wait_time = between(1, 3)

    def products(self) -> list[dict[str, Any]]:
        """The catalogue, as the product list page loads it."""
        with self.client.get(
            "/api/products/", name=PRODUCT_LIST, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return []
            products: list[dict[str, Any]] = response.json()
            return products

    def product(self, slug: str) -> bool:
        """One product's page; whether it answered."""
        response = self.client.get(f"/api/products/{slug}/", name=PRODUCT_PAGE)
        return response.status_code == 200

    @task(3)
    def browse(self) -> None:
        """Look at the list, then at one product."""
        products = self.products()
        if products:
            self.product(random.choice(products)["slug"])  # noqa: S311 - not crypto

    @tag("checkout")
    @task(1)
    def checkout(self) -> None:
        """List, product, order one item in stock: timed as one "checkout flow"."""
        started = time.perf_counter()
        error = self.checked_out()
        self.environment.events.request.fire(
            request_type="FLOW",
            name=CHECKOUT_FLOW,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )

    def checked_out(self) -> Exception | None:
        """The flow's steps; the first that failed, or None."""
        in_stock = [p for p in self.products() if p["stock"] > 0]
        if not in_stock:
            return RuntimeError("no product in stock (or the list failed)")
        slug = random.choice(in_stock)["slug"]  # noqa: S311 - not crypto
        if not self.product(slug):
            return RuntimeError(f"product {slug} did not open")
        order = {
            "customer_name": "Load Test",
            "email": "load-test@example.com",
            "lines": [{"product": slug, "quantity": 1}],
        }
        with self.client.post(
            "/api/orders/", json=order, name=CHECKOUT, catch_response=True
        ) as response:
            # 409: sold out between the list and the order, a checkout's proper answer.
            if response.status_code in (201, 409):
                response.success()
                return None
            response.failure(f"status {response.status_code}")
            return RuntimeError(f"the order got status {response.status_code}")
