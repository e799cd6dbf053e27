"""The processes the fault tests start (gunicorn, manage.py): `make run`'s local settings, DEBUG off,
on the fault tests' own PostgreSQL server (DATABASE_URL), with two changes.

The database is a copy of the test database, whose passwords were hashed with the test suite's
cheap hasher; and no Celery worker runs beside these processes, so a task runs in the request.
"""
from config.settings.local import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
