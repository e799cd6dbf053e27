"""The scope vocabulary of API keys, in one place (pages, API, services and the generated clients
import it from here).

A scope is "<area>:<level>": level `read` allows GET/HEAD/OPTIONS in the area, `write` allows every
method (write includes read). Each host has its own areas: a school key can never name `schools`,
a provincial key never `members`. Which API views belong to which area is decided in
api/key_scopes.py (by the view's module), and a test fails for any API view that has no area.
"""
from __future__ import annotations

from dataclasses import dataclass

READ, WRITE = "read", "write"
LEVELS = {READ: "只读", WRITE: "读写"}
SCHOOL, PROVINCE = "school", "province"


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    hosts: frozenset[str]
    help: str


AREAS: dict[str, Area] = {area.code: area for area in (
    Area("members", "会员与组织", frozenset({SCHOOL}), "会员、分工会、小组、部门、入会申请、本校资料"),
    Area("congress", "教代会与提案", frozenset({SCHOOL}), "教代会、代表团、代表、提案、意见建议、站内通知"),
    Area("provincial", "省级事项报送", frozenset({SCHOOL, PROVINCE}),
         "荣誉推荐、教学竞赛、先进职工之家、经费补助、省级通知（省级站点另含各校年度总结）"),
    Area("statistics", "统计", frozenset({SCHOOL, PROVINCE}), "统计数据与导出"),
    Area("finance", "工会经费", frozenset({SCHOOL}), "账目、预算、结账年度"),
    Area("care", "帮扶与互助", frozenset({SCHOOL}), "帮扶慰问、困难档案、互助保障"),
    Area("activities", "活动与福利", frozenset({SCHOOL}), "活动报名、体检、疗休养、评先评优、荣休"),
    Area("workplan", "工作计划与通知", frozenset({SCHOOL}), "工作计划、行事历、十件实事、通知公告、年度总结"),
    Area("schools", "学校", frozenset({PROVINCE}), "学校名录与开通、停用、归档"),
    Area("audit", "操作日志", frozenset({SCHOOL, PROVINCE}), "只读"),
)}
# Areas a key may read but never write (the audit log is written by the platform only).
READ_ONLY_AREAS = frozenset({"audit"})


def scope(area: str, level: str) -> str:
    return f"{area}:{level}"


def areas_for(host: str) -> list[Area]:
    return [area for area in AREAS.values() if host in area.hosts]


def scopes_for(host: str) -> list[str]:
    """Every scope a key of this host may hold, e.g. ["members:read", "members:write", …]."""
    return [scope(area.code, level) for area in areas_for(host) for level in LEVELS
            if not (level == WRITE and area.code in READ_ONLY_AREAS)]


ALL_SCOPES = sorted({s for host in (SCHOOL, PROVINCE) for s in scopes_for(host)})


def scope_label(value: str) -> str:
    area, _, level = value.partition(":")
    return f"{AREAS[area].label}（{LEVELS[level]}）" if area in AREAS and level in LEVELS else value


def grants(scopes, area: str, level: str) -> bool:
    """Do ``scopes`` allow ``level`` (read/write) in ``area``? Write includes read."""
    held = set(scopes)
    return scope(area, WRITE) in held or (level == READ and scope(area, READ) in held)

# (value, Chinese label) of every scope of either host: the enum the API schema publishes
SCOPE_CHOICES = [(value, scope_label(value)) for value in ALL_SCOPES]
