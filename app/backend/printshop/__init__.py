"""Django project package of the print shop web store API."""
