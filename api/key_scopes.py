"""Which area (tenants/apikeys/scopes.py) each API view belongs to, so the host bases can check an
API key's scopes once for every view: the area comes from the view's module (api/views/<module>.py),
read or write from the HTTP method (GET/HEAD/OPTIONS read; anything else writes).

A view whose module is not listed here is refused to every key (fail closed), and
tests/apikeys/test_scopes.py fails until the module is given an area — or listed in
KEY_REFUSED_MODULES with the reason.
"""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS

from tenants.apikeys.scopes import AREAS, PROVINCE, READ, SCHOOL, WRITE

VIEW_MODULE_AREAS: dict[str, dict[str, str]] = {
    SCHOOL: {
        "members": "members", "school_profile": "members",
        "congress": "congress",
        "honours": "provincial", "competitions": "provincial", "staffhomes": "provincial",
        "subsidies": "provincial", "circulars": "provincial",
        "stats": "statistics",
        "books": "finance",
        "care": "care", "hardship": "care", "mutualaid": "care",
        "activities": "activities", "healthchecks": "activities", "trips": "activities", "awards": "activities",
        "retirement": "activities",
        "workplan": "workplan", "calendar": "workplan", "notices": "workplan", "summary": "workplan",
        "audit": "audit",
    },
    PROVINCE: {
        "schools": "schools",
        "honours": "provincial", "competitions": "provincial", "staffhomes": "provincial",
        "subsidies": "provincial", "circulars": "provincial", "summary": "provincial",
        "stats": "statistics",
        "audit": "audit",
    },
}
# Reads that reveal what lists mask, each audited as 查看敏感信息: (module, view action) → why a key
# needs the area's write scope for them. A read-only key is for lists and masked records.
SENSITIVE_READS = {
    ("members", "id_number"): "完整身份证号",
    ("hardship", "retrieve"): "困难职工档案（家庭成员、收入、复核）",
}
# Views any valid key may call whatever its scopes: who am I (lets an integrator test a key).
KEY_OPEN_VIEWS = frozenset({"SchoolMeView", "ProvinceMeView"})
# Modules no key may call, and why.
KEY_REFUSED_MODULES = {
    "apikeys": "密钥不能管理密钥：创建与撤销只由登录的管理员进行，一把泄露的密钥不能为自己续命或造出更大的密钥。",
    "auth": "令牌的换取与撤销属于登录的人，不属于机器客户端（“当前用户”除外，见 KEY_OPEN_VIEWS）。",
    "mail": "邮件提醒设置属于登录的本人：密钥的服务账号没有邮箱，也不替任何人改设置。",
    "sso": "统一身份认证的设置决定谁能登录本站，只由登录的管理员修改，任何密钥都不能改。",
    "webhooks": "推送订阅（及其签名密钥）只由登录的管理员管理：一把泄露的密钥不能把本站的变更转发到别处。",
}


def view_module(view) -> str:
    return type(view).__module__.rpartition(".")[2]


def area_of(view, host: str) -> str | None:
    """The area of ``view`` on ``host`` (school/province); None: no key may call it."""
    return VIEW_MODULE_AREAS[host].get(view_module(view))


def required(view, method: str, host: str) -> tuple[str, str] | None:
    area = area_of(view, host)
    if area is None:
        return None
    sensitive = (view_module(view), getattr(view, "action", None)) in SENSITIVE_READS
    return area, READ if method in SAFE_METHODS and not sensitive else WRITE


def refusal_message(area: str | None, level: str) -> str:
    if area is None:
        return "API 密钥不能调用这个接口，请由本站账号登录后操作。"
    word = "读取" if level == READ else "写入"
    return f"该 API 密钥没有“{AREAS[area].label}”的{word}权限。"
