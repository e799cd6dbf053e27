"""GET /healthz on every host (the probes and the answer: tenants/health.py)."""
from tenants.health import health_response


def healthz(request):
    return health_response()
