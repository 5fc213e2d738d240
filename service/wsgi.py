"""The app gunicorn serves (``wsgi_app`` in gunicorn.conf.py); with preload, built once in the master."""

from __future__ import annotations

from . import create_app

app = create_app()
