"""{% aid_portal_section %}: the member's own mutual-aid section on 我的 (schemes to join, their
enrolments, their claims)."""
from django import template

from tenants.mutualaid.selectors import claims_of_member, member_of, open_schemes_for_member

register = template.Library()


@register.inclusion_tag("web/aid/_portal.html", takes_context=True)
def aid_portal_section(context):
    request = context["request"]
    # 我的 has read the member already (MyPortal's "member", None for an account without a file)
    member = context["member"] if "member" in context else member_of(request.user)
    rows = open_schemes_for_member(member)
    claims = list(claims_of_member(member)[:10]) if member is not None else []
    return {"aid": rows or claims, "rows": rows, "claims": claims, "csrf_token": context.get("csrf_token"),
            "request": request}
