"""WSGI entry point, e.g. ``gunicorn printshop.wsgi --bind 0.0.0.0:8000``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "printshop.settings")

application = get_wsgi_application()
