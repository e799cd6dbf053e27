"""The browser harness's server: `make run`'s local settings (DEBUG off), with one change.

Seeding the demo hashes ~70 passwords; at Django's production hashing cost that alone is most of
a minute on a small CI machine, and hashing cost is not what the browser tests test.
"""
from config.settings.local import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
