"""Root URL configuration: everything lives under /api/."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

urlpatterns = [
    path("api/", include("store.urls")),
]


def json_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Answer unknown URLs with JSON, like the rest of the API."""
    return JsonResponse({"detail": "Not found."}, status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    """Answer unhandled errors with JSON instead of Django's HTML page."""
    return JsonResponse({"detail": "Internal server error."}, status=500)


handler404 = json_not_found
handler500 = json_server_error
