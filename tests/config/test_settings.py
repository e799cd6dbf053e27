"""Production refuses to start without its secrets or with DEBUG on."""
import os
import subprocess
import sys

from config.embedded_db import PROJECT_DIR

COMPLETE = {"SECRET_KEY": "s" * 50, "PERSONAL_DATA_KEY": "k" * 50, "DATABASE_URL": "postgres://u:p@db/eduunion",
            "CELERY_BROKER_URL": "redis://redis:6379/0", "BASE_DOMAIN": "jygh.example.cn"}


def load_production(**env):
    clean = {k: v for k, v in os.environ.items() if k not in COMPLETE and k != "DJANGO_DEBUG"}
    return subprocess.run([sys.executable, "-c", "import config.settings.production"], cwd=PROJECT_DIR,
                          env={**clean, **env}, capture_output=True, text=True)


def test_production_loads_with_every_secret_present():
    assert load_production(**COMPLETE).returncode == 0


def test_production_names_the_missing_secrets():
    result = load_production(**{**COMPLETE, "SECRET_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = load_production(**COMPLETE, DJANGO_DEBUG="1")
    assert result.returncode != 0 and "DEBUG" in result.stderr
