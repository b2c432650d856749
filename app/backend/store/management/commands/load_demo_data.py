"""``python manage.py load_demo_data``: create or refresh the demo catalogue.

Idempotent: products are matched by slug, so running it again updates the
existing rows (title, description, price and stock are reset to the values
below) instead of creating duplicates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from store.models import Product

DEMO_PRODUCTS: list[dict[str, Any]] = [
    {
        "slug": "business-cards",
        "title": "Business Cards (250)",
        "description": (
            "250 full-colour business cards, 85 x 55 mm, on 400 gsm matt board."
        ),
        "price": Decimal("29.90"),
        "stock": 200,
    },
    {
        "slug": "a2-poster",
        "title": "A2 Poster",
        "description": "A2 poster printed on 170 gsm silk paper, vivid colours.",
        "price": Decimal("12.50"),
        "stock": 150,
    },
    {
        "slug": "vinyl-stickers",
        "title": "Vinyl Stickers (50)",
        "description": "50 weatherproof die-cut vinyl stickers, up to 7 x 7 cm.",
        "price": Decimal("18.00"),
        "stock": 300,
    },
    {
        "slug": "a5-flyers",
        "title": "A5 Flyers (500)",
        "description": "500 double-sided A5 flyers on 135 gsm gloss paper.",
        "price": Decimal("39.00"),
        "stock": 120,
    },
    {
        "slug": "letterpress-invitations",
        "title": "Letterpress Invitations (50)",
        "description": (
            "50 letterpress wedding or party invitations on 600 gsm cotton "
            "paper, one ink colour, with envelopes."
        ),
        "price": Decimal("149.00"),
        "stock": 100,
    },
    {
        "slug": "greeting-cards",
        "title": "Greeting Cards (25)",
        "description": "25 folded A6 greeting cards with kraft envelopes.",
        "price": Decimal("22.75"),
        "stock": 180,
    },
]


class Command(BaseCommand):
    help = "Create or update the demo print shop products (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = updated = 0
        with transaction.atomic():
            for item in DEMO_PRODUCTS:
                defaults = {key: value for key, value in item.items() if key != "slug"}
                _, was_created = Product.objects.update_or_create(
                    slug=item["slug"], defaults=defaults
                )
                if was_created:
                    created += 1
                else:
                    updated += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {created} created, {updated} updated."
            )
        )
