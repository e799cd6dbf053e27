from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.html import escape
from django_tenants.middleware.main import TenantMainMiddleware

from tenants import host_cache
from tenants.models import School
from tenants.http import chinese_json


class SchoolHostMiddleware(TenantMainMiddleware):
    """Picks the schema from the Host header (never X-Forwarded-Host; see settings)."""

    def process_request(self, request):
        try:
            request.get_host()
        except DisallowedHost:
            # django-tenants answers an empty 404 here; a host we do not serve is an unknown host.
            return self.no_tenant_found(request, "")
        return super().process_request(request)

    def get_tenant(self, domain_model, hostname):
        # Remembered per process for a few seconds, emptied by any change (tenants/host_cache.py).
        return host_cache.school_for_host(hostname, lambda host: super(SchoolHostMiddleware, self).get_tenant(
            domain_model, host))


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
            if request.path.startswith(("/api/", "/healthz")):
                return chinese_json({"detail": refusal}, status=403)
            return HttpResponse(REFUSAL_PAGE.format(school=escape(tenant.name), refusal=refusal), status=403)
        return self.get_response(request)


REFUSAL_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{refusal}</title></head>
<body style="font-family:sans-serif;text-align:center;padding:60px 16px">
<h2>{school}</h2><p>{refusal}。如有疑问，请联系自治区教育工会。</p></body></html>"""
