"""JSON representations of the API (see README.md for the contract)."""

from __future__ import annotations

from rest_framework import serializers

from store.models import Order, OrderLine, Product

MAX_LINES_PER_ORDER = 50
MAX_QUANTITY_PER_LINE = 1000


class ProductSerializer(serializers.ModelSerializer[Product]):
    class Meta:
        model = Product
        fields = ["slug", "title", "description", "price", "stock"]


class OrderLineSerializer(serializers.ModelSerializer[OrderLine]):
    product = serializers.CharField(source="product.slug", read_only=True)
    title = serializers.CharField(source="product.title", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["product", "title", "quantity", "unit_price"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer[Order]):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "customer_name", "email", "total", "created_at", "lines"]
        read_only_fields = fields


class CartLineSerializer(serializers.Serializer[dict[str, object]]):
    product = serializers.SlugField(max_length=80)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY_PER_LINE)


class PlaceOrderSerializer(serializers.Serializer[dict[str, object]]):
    """Validates the body of POST /api/orders/ (it never saves by itself)."""

    customer_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    lines: serializers.ListSerializer[dict[str, object]] = serializers.ListSerializer(
        child=CartLineSerializer(),
        allow_empty=False,
        max_length=MAX_LINES_PER_ORDER,
    )
