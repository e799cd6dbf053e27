from django.http import JsonResponse
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import School


class SchoolHostMiddleware(TenantMainMiddleware):
    """Picks the schema from the Host header (never X-Forwarded-Host; see settings)."""


STATUS_REFUSALS = {
    School.Status.SUSPENDED: "该校账户已停用",
    School.Status.ARCHIVED: "该校账户已归档",
}


class SchoolStatusMiddleware:
    """A suspended or archived school's host refuses everything, tokens and sessions included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        refusal = STATUS_REFUSALS.get(getattr(tenant, "status", None))
        if refusal and not tenant.is_province:
            return JsonResponse({"detail": refusal}, status=403)
        return self.get_response(request)
