"""Rules for a school's site name (slug) and the schema and domain derived from it."""
import re

from django.conf import settings

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
RESERVED_SLUGS = frozenset({
    "www", "api", "admin", "public", "static", "media", "mail", "smtp", "ftp", "ns1", "ns2",
    "localhost", "province", "template", "test", "demo", "docs", "status", "healthz", "root",
    "new",  # /schools/new/ on the provincial site is the provisioning page, not a school's
})


def slug_problem(slug: str) -> str | None:
    """The Chinese reason a slug cannot be used, or None when it can."""
    if not isinstance(slug, str) or not slug:
        return "站点标识不能为空。"
    if not 2 <= len(slug) <= 40:
        return "站点标识长度须为 2 到 40 个字符。"
    if not SLUG_PATTERN.match(slug):
        return "站点标识只能包含小写字母、数字和连字符，且不能以连字符开头或结尾。"
    if slug in RESERVED_SLUGS or slug.startswith("template"):
        return f"站点标识“{slug}”为系统保留字，请换一个。"
    return None


def schema_name_for(slug: str) -> str:
    # Slugs cannot contain '_', so this mapping never sends two slugs to one schema.
    return "school_" + slug.replace("-", "_")


def domain_for(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"
