"""A developer's machine and the run command: embedded PostgreSQL unless DATABASE_URL is set."""
import os

from config.embedded_db import database_url

from .base import *  # noqa: F401,F403
from .base import database_from_url, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-development-only-not-a-secret"
DATABASES = {"default": database_from_url(database_url("pg", "eduunion"))}
