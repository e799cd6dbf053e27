"""The site's navigation, in one list per host: the desktop top bar and the phone's bottom bar are
both drawn from it. A later area adds its page here, with the roles that see the entry.

`bottom=True` puts an entry in the phone's bottom bar too (at most five fit at 390 px).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from tenants.accounts.roles import FINANCE_READERS, HARDSHIP_READERS, Role
from web.badges import unread_badges


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()   # empty: everyone signed in on this host
    bottom: bool | frozenset[str] = False  # True, or the roles whose phone bar holds it
    icon: str = "•"                        # a character: no icon font, no image request
    badge: Callable[[object], int] | None = None  # of the request: a count beside the label (unread notices)


def _unread_notices(request) -> int:
    counted_by_page = getattr(request.user, "_unread_notices", None)  # web.school.notices.remember_unread_notices
    return unread_badges(request)["notices"] if counted_by_page is None else counted_by_page


# The phone's bottom bar (owned by the member-portal pages): the five things a phone user needs
# most — 工作台, 提案, 意见建议, 我的, 更多. Everything else is one tap away on 更多 (/more/), which
# lists every entry below for this person; add new entries with bottom=False.
SCHOOL_NAV = [
    NavItem("工作台", "web:home", bottom=True, icon="⌂"),
    NavItem("提案", "school:proposals", bottom=True, icon="✎"),
    NavItem("意见建议", "school:suggestions", bottom=True, icon="✉"),
    NavItem("会员", "school:members", roles=frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR}), icon="☰"),
    # the union office's pages (members, organisation, 操作日志)
    NavItem("入会申请", "school:applications", icon="＋"),
    NavItem("组织机构", "school:org", icon="▦"),
    NavItem("操作日志", "school:operation-log", roles=frozenset({Role.UNION_ADMIN}), icon="≡"),
    # the school's side of provincial work (web/provincial_views.py)
    NavItem("省级事项", "school:provincial", roles=frozenset({Role.UNION_ADMIN}), icon="★"),
    NavItem("本校统计", "school:school-stats", icon="▤"),
    # --- pages-congress ---
    # a branch chair runs the branch's 二级教代会 (the list shows them only those)
    NavItem("教代会", "school:congresses", roles=frozenset({Role.UNION_ADMIN, Role.BRANCH_CHAIR}), icon="◎"),
    # --- issue #10: care, hardship, mutual aid, the books (web/school/) ---
    NavItem("帮扶慰问", "school:care", roles=frozenset({Role.UNION_ADMIN, Role.CARE_OFFICER, Role.BRANCH_CHAIR}),
            icon="♥"),
    NavItem("困难档案", "school:hardship", roles=HARDSHIP_READERS, icon="▣"),
    NavItem("互助保障", "school:mutual-aid", roles=frozenset({Role.UNION_ADMIN, Role.CARE_OFFICER}), icon="✚"),
    NavItem("经费", "school:books", roles=FINANCE_READERS, icon="¥"),
    # --- issue #11: activities, health checks, trips, awards (web/school/) ---
    NavItem("活动报名", "school:activities", icon="⚑"),
    NavItem("体检", "school:health-checks", roles=frozenset({Role.UNION_ADMIN}), icon="✓"),
    NavItem("疗休养", "school:trips", icon="⛰"),
    # everyone: a member reads the 公示 and may object; the office and chairs run the campaigns
    NavItem("评先评优", "school:awards", icon="✪"),
    NavItem("荣休", "school:retirement", roles=frozenset({Role.UNION_ADMIN}), icon="❀"),
    # --- issue #12: the work plan, 行事历, 十件实事, notices, the yearly summary (web/school/) ---
    NavItem("通知公告", "school:notices", icon="✉", badge=_unread_notices),
    NavItem("工作计划", "school:workplan", icon="☑"),
    NavItem("行事历", "school:calendar", icon="▦"),
    NavItem("十件实事", "school:pledges", icon="✔"),
    NavItem("年度总结", "school:summary", roles=frozenset({Role.UNION_ADMIN}), icon="✍"),
    # --- issue #13: settings of the host's admin ---
    NavItem("API 密钥", "school:api-keys", roles=frozenset({Role.UNION_ADMIN}), icon="⚷"),
    # issue #13: a setting of the host, for its admin
    NavItem("Webhook 推送", "school:webhooks", roles=frozenset({Role.UNION_ADMIN}), icon="⇄"),
    NavItem("邮件提醒", "web:mail-preferences", icon="✉"),  # issue #13: everyone's own settings
    NavItem("我的", "school:me", bottom=True, icon="☺"),
    NavItem("更多", "school:more", bottom=True, icon="⋯"),
    # --- end pages-congress ---
    # issue #13: the school's campus single sign-on (a setting: the union office only)
    NavItem("统一身份认证", "school:sso-settings", roles=frozenset({Role.UNION_ADMIN}), icon="⚿"),
]

_ADMIN = frozenset({Role.PROVINCE_ADMIN})
_REVIEWING = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER})
_COMPETITION = frozenset({Role.PROVINCE_ADMIN, Role.JUDGE})
_REVIEWER_ONLY = frozenset({Role.PROVINCE_REVIEWER})

# One entry per area of web/province/ (an entry whose page does not exist yet is left out).
PROVINCE_NAV = [
    NavItem("工作台", "web:home", bottom=True, icon="⌂"),
    NavItem("学校", "province:schools", roles=_ADMIN, bottom=True, icon="▦"),
    # in a reviewer's phone bar; not in the admin's (full with five), even for an admin who also reviews
    NavItem("荣誉推荐", "province:honours", roles=_REVIEWING, bottom=_REVIEWER_ONLY, icon="★"),
    NavItem("教学竞赛", "province:competitions", roles=_COMPETITION, bottom=True, icon="✎"),
    NavItem("建家", "province:staffhomes", roles=_REVIEWING, bottom=_REVIEWER_ONLY, icon="♥"),
    NavItem("经费补助", "province:subsidies", roles=_ADMIN, icon="¥"),
    NavItem("省级通知", "province:circulars", roles=_ADMIN, icon="✉"),
    NavItem("数据看板", "province:dashboard", roles=_ADMIN, bottom=True, icon="▤"),
    NavItem("年度总结", "province:summary", roles=_ADMIN, icon="✍"),
    NavItem("API 密钥", "province:api-keys", roles=_ADMIN, icon="⚷"),
    NavItem("Webhook 推送", "province:webhooks", roles=_ADMIN, icon="⇄"),  # issue #13
    NavItem("操作日志", "province:operation-log", roles=_ADMIN, icon="≡"),
    NavItem("邮件提醒", "web:mail-preferences", roles=frozenset(), icon="✉"),  # issue #13: one's own settings
    NavItem("更多", "province:more", bottom=True, icon="⋯"),
]


# Where each entry's page is, per URLconf (school or province) and script prefix: the same for
# every request, and reversing ~30 names on every page cost more than the rest of the layout.
_URLS: dict[tuple, list[tuple[NavItem, str]]] = {}


def _entries_with_urls(items: list[NavItem]) -> list[tuple[NavItem, str]]:
    key = (id(items), get_urlconf(), get_script_prefix())
    found = _URLS.get(key)
    if found is None:
        found = []
        for item in items:
            try:
                found.append((item, reverse(item.url_name)))
            except NoReverseMatch:  # a page of the other host's URLconf
                continue
        _URLS[key] = found
    return found


def nav_for(request) -> list[dict]:
    # asked by the layout and by 更多 on the same request: built once
    entries = getattr(request, "_nav_entries", None)
    if entries is None:
        entries = request._nav_entries = _nav_for(request)
    return entries


def _nav_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    if user is None or not user.is_authenticated or tenant is None:
        return []
    items = PROVINCE_NAV if tenant.is_province else SCHOOL_NAV
    entries = []
    for item, url in _entries_with_urls(items):
        if item.roles and not user.has_role(*item.roles):
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        bottom = item.bottom if isinstance(item.bottom, bool) else (
            user.has_role(*item.bottom) and not user.has_role(Role.PROVINCE_ADMIN))
        entries.append({"label": item.label, "url": url, "bottom": bottom, "icon": item.icon,
                        "current": current, "badge": item.badge(request) if item.badge else 0})
    return entries
