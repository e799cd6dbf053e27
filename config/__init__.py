"""Project configuration (the design's `platform/` package; the standard library owns that name)."""
from .celery import app as celery_app

__all__ = ["celery_app"]
