"""The provincial site as a whole: every provincial role lands on a workbench of its own, and the
navigation offers each role the areas it works in — no more."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from tenants.accounts.roles import Role
from tests.conftest import ADMIN_PASSWORD, signed_in


def nav_labels(html: str) -> list[str]:
    top = html.split('class="topnav"', 1)[1].split("</nav>", 1)[0]
    return [part.split("</a>", 1)[0].rsplit(">", 1)[-1] for part in top.split("<a ")[1:]]


@pytest.mark.parametrize("roles, expected", [
    ([Role.PROVINCE_ADMIN], ["工作台", "学校", "荣誉推荐", "教学竞赛", "建家", "经费补助", "省级通知", "数据看板", "年度总结", "API 密钥",
                             "Webhook 推送", "操作日志", "邮件提醒", "更多"]),
    ([Role.PROVINCE_REVIEWER], ["工作台", "荣誉推荐", "建家", "邮件提醒", "更多"]),
    ([Role.JUDGE], ["工作台", "教学竞赛", "邮件提醒", "更多"]),
])
def test_each_provincial_role_sees_the_areas_it_works_in(province, roles, expected):
    home = signed_in(province, roles).get("/")
    assert home.status_code == 200
    assert nav_labels(home.content.decode()) == expected


def bottom_labels(html: str) -> list[str]:
    bar = html.split('class="bottomnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<span>([^<]+)</span></a>", bar)


@pytest.mark.parametrize("roles, expected", [
    ([Role.PROVINCE_ADMIN], ["工作台", "学校", "教学竞赛", "数据看板", "更多"]),
    ([Role.PROVINCE_REVIEWER], ["工作台", "荣誉推荐", "建家", "更多"]),
    ([Role.JUDGE], ["工作台", "教学竞赛", "更多"]),
    ([Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER], ["工作台", "学校", "教学竞赛", "数据看板", "更多"]),
])
def test_the_phone_bar_holds_at_most_five_entries_of_the_persons_own_work(province, roles, expected):
    assert bottom_labels(signed_in(province, roles).get("/").content.decode()) == expected


def test_the_school_list_on_the_workbench_is_for_the_provincial_admin_only(province):
    assert "成员学校" in signed_in(province, [Role.PROVINCE_ADMIN]).get("/").content.decode()
    for role in (Role.PROVINCE_REVIEWER, Role.JUDGE):
        assert "成员学校" not in signed_in(province, [role]).get("/").content.decode()


def test_more_lists_every_entry_of_the_person_as_big_tap_targets(province):
    page = signed_in(province, [Role.JUDGE]).get("/more/").content.decode()
    menu = page.split('class="more-menu', 1)[1].split("</nav>", 1)[0]
    assert "教学竞赛" in menu and "学校" not in menu and "更多" not in menu


def test_a_school_account_does_not_exist_on_the_provincial_host(guilin):
    # guilin's admin (tests/conftest.py) signs in on its school, never on the province
    assert Client(HTTP_HOST="guilin.localhost").post(
        "/login/", {"username": "admin", "password": ADMIN_PASSWORD}).status_code == 302
    refused = Client(HTTP_HOST="localhost").post("/login/", {"username": "admin", "password": ADMIN_PASSWORD})
    assert refused.status_code == 200 and "用户名或密码不正确" in refused.content.decode()


def test_the_province_reads_its_own_operation_log_and_no_schools(province, guilin):
    from rest_framework.test import APIClient

    from tests.conftest import host_of

    for host, key in (("localhost", "eduk_province00_made-up"), (host_of(guilin), "eduk_guilin0000_made-up")):
        APIClient(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me/")
    admin = signed_in(province, [Role.PROVINCE_ADMIN])
    log = admin.get("/operation-log/", {"action": "refused"})
    assert log.status_code == 200
    page = log.content.decode()
    assert "拒绝访问" in page and "API 密钥被拒绝" in page and "/api/v1/me/" in page
    assert page.count("API 密钥被拒绝") == 1, "guilin's refusal stays in guilin's log"
    assert signed_in(province, [Role.PROVINCE_REVIEWER]).get("/operation-log/").status_code == 403
