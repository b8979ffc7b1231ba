"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

from overleg import create_app

app = create_app()
