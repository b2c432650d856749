"""HTTP layer: thin views over the models and the checkout service."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from store.models import Order, Product
from store.serializers import OrderSerializer, PlaceOrderSerializer, ProductSerializer
from store.services import (
    CartLine,
    InsufficientStockError,
    UnknownProductError,
    place_order,
)

logger = logging.getLogger(__name__)


class ProductListView(generics.ListAPIView[Product]):
    """GET /api/products/ : every product, ordered by title, not paginated."""

    serializer_class = ProductSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Product]:
        return Product.objects.order_by("title", "pk")


class ProductDetailView(generics.RetrieveAPIView[Product]):
    """GET /api/products/<slug>/"""

    serializer_class = ProductSerializer
    queryset = Product.objects.all()

    def get_object(self) -> Product:
        slug = self.kwargs["slug"]
        try:
            return Product.objects.get(slug=slug)
        except Product.DoesNotExist:
            raise NotFound(f'Product "{slug}" not found.') from None


def _order_queryset() -> QuerySet[Order]:
    return Order.objects.prefetch_related("lines__product")


class OrderCreateView(APIView):
    """POST /api/orders/ : checkout."""

    def post(self, request: Request) -> Response:
        body = PlaceOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(body.validated_data)
        lines = [
            CartLine(product=line["product"], quantity=line["quantity"])
            for line in data["lines"]
        ]
        try:
            order = place_order(
                customer_name=data["customer_name"],
                email=data["email"],
                lines=lines,
            )
        except UnknownProductError as exc:
            raise ValidationError({"lines": [str(exc)]}) from exc
        except InsufficientStockError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)

        logger.info("Order %s placed, total %s", order.pk, order.total)
        fresh = _order_queryset().get(pk=order.pk)
        return Response(OrderSerializer(fresh).data, status=status.HTTP_201_CREATED)


class OrderDetailView(generics.RetrieveAPIView[Order]):
    """GET /api/orders/<id>/ : used by the confirmation page."""

    serializer_class = OrderSerializer

    def get_queryset(self) -> QuerySet[Order]:
        return _order_queryset()

    def get_object(self) -> Order:
        pk = self.kwargs["pk"]
        try:
            return self.get_queryset().get(pk=pk)
        except Order.DoesNotExist:
            raise NotFound(f"Order {pk} not found.") from None


class HealthView(APIView):
    """GET /api/health/ : liveness plus a trivial database round trip."""

    def get(self, request: Request) -> Response:
        release = settings.RELEASE
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            logger.warning("Health check: database unavailable", exc_info=True)
            return Response(
                {"status": "error", "database": "unavailable", "release": release},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response({"status": "ok", "database": "ok", "release": release})
