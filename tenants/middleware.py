from django.http import HttpResponse
from django.utils.html import escape
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import School
from tenants.http import chinese_json


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
            if request.path.startswith(("/api/", "/healthz")):
                return chinese_json({"detail": refusal}, status=403)
            return HttpResponse(REFUSAL_PAGE.format(school=escape(tenant.name), refusal=refusal), status=403)
        return self.get_response(request)


REFUSAL_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{refusal}</title></head>
<body style="font-family:sans-serif;text-align:center;padding:60px 16px">
<h2>{school}</h2><p>{refusal}。如有疑问，请联系自治区教育工会。</p></body></html>"""


class RejectNulBytesMiddleware:
    """PostgreSQL text cannot hold NUL: a NUL in the path or query string is refused up front
    (400) instead of failing deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        form = (request.content_type == "application/x-www-form-urlencoded"
                and int(request.META.get("CONTENT_LENGTH") or 0) <= 2_621_440 and b"%00" in request.body)
        if "\x00" in request.path or "%00" in query or "\x00" in query or form:
            return chinese_json({"detail": "请求中含有非法字符（空字符）。"}, status=400)
        return self.get_response(request)
