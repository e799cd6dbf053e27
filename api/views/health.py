"""GET /healthz on every host (the probes and the answer: tenants/health.py)."""
import logging

from tenants.health import health_response

logger = logging.getLogger("eduunion.errors")


def healthz(request):
    response = health_response()
    if response.status_code == 503:
        # An outage is the health check's answer, not a server error: one warning line, as when the
        # outage meets the request before this view (web/errors.py), not Django's ERROR record.
        logger.warning("health check answered 503 during %s %s", request.method, request.path)
        response._has_been_logged = True
    return response
