"""Where files of provincial (public-schema) records live.

They are read from two hosts (the school that uploaded them and the province), so they cannot use
the tenant-aware storage, which resolves paths by the current schema. They live under
MEDIA_ROOT/provincial/<area>/<school slug>/… and are only ever served through the API, which
checks who may see the record.
"""
from django.conf import settings
from django.core.files.storage import FileSystemStorage


def provincial_storage():
    return FileSystemStorage(location=settings.MEDIA_ROOT / "provincial", base_url=None)

