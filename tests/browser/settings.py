"""The browser harness's server: `make run`'s local settings (DEBUG off), with two changes.

Seeding the demo hashes ~70 passwords; at Django's production hashing cost that alone is most of
a minute on a small CI machine, and hashing cost is not what the browser tests test.
"""
from config.settings.local import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No Celery worker runs beside this server, and its broker (memory://) is private to each gunicorn
# process: a task a page sends (a disbursed subsidy's income entry in the school's books) would be
# lost. Tasks run in the request instead, in the schema they were sent for, as a worker would.
CELERY_TASK_ALWAYS_EAGER = True
