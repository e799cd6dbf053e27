"""The health check's probes and answer: the database and the broker, 503 when either is down.

Served by the /healthz view (api/views/health.py) and, when the outage meets a request before that
view runs (the host lookup), by the 503 handler (web/errors.py): one body either way.
"""
from django.db import connection

from tenants.http import chinese_json

# Seconds a client is asked to wait while something is down: a restart of the database takes a few
# seconds, and the next request reconnects by itself (CONN_HEALTH_CHECKS).
RETRY_AFTER_SECONDS = 5


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # reported, not raised: this is the health check
        return f"error: {type(exc).__name__}"


def broker_state() -> str:
    from django.conf import settings

    from config.celery import app

    try:
        if app.conf.broker_url.startswith("filesystem"):
            folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
            from pathlib import Path

            Path(folder).mkdir(parents=True, exist_ok=True)
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


PROBLEMS = {"database": "数据库不可用", "broker": "消息队列不可用"}


def health_response(*, database: str | None = None):
    """The health check's answer; ``database`` is given when a failure before the view (the host
    lookup) already answered for it, so an outage reads the same whichever step met it first."""
    checks = {"database": database or database_state(), "broker": broker_state()}
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    if not healthy:
        # For the operator reading it in a browser: what is down, in words.
        body["detail"] = "；".join(PROBLEMS[name] for name, state in checks.items() if state != "ok") + "。"
    response = chinese_json(body, status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
