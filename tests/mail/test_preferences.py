"""A person's own e-mail preferences: the API (`/api/v1/me/mail-preferences/`) and the page
(`/mail-preferences/`) on both hosts, and the EMAIL_URL setting."""
from __future__ import annotations

import pytest

from config.email_url import EmailUrlError, email_settings
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.mail.models import Preference
from tests.conftest import client_for, in_schema, signed_in, text

URL = "/api/v1/me/mail-preferences/"


def _with_email(school, user, email):
    with in_schema(school):
        User.objects.filter(pk=user.pk).update(email=email)


def test_everyone_reads_and_changes_only_their_own_preferences(guilin, huzhou, host_client):
    member = host_client(guilin, [Role.MEMBER])
    admin = host_client(guilin, [Role.UNION_ADMIN])
    _with_email(guilin, member.user, "li@guilin.edu.cn")
    got = member.get(URL)
    assert got.status_code == 200
    assert got.json() == {"email": "li@guilin.edu.cn", "mail_enabled": True, "todo": True, "reminder": True,
                          "result": True, "delivery": "immediate"}
    changed = member.patch(URL, {"result": False, "delivery": "daily_digest"}, format="json")
    assert changed.status_code == 200 and changed.json()["delivery"] == "daily_digest"
    assert member.get(URL).json()["result"] is False
    # the admin's own are untouched by the member's change; the admin has no way to address another's
    assert admin.get(URL).json()["delivery"] == "immediate"
    with in_schema(guilin):
        assert Preference.objects.get().user_id == member.user.pk
        record = AuditRecord.objects.filter(actor=member.user).latest("at")
        assert record.action == "create" and record.changes["delivery"] in ("daily_digest", ["", "daily_digest"],
                                                                            [None, "daily_digest"])
    # another school's admin: their token means nothing on guilin's host
    outsider = host_client(huzhou, [Role.UNION_ADMIN])
    outsider.defaults["HTTP_HOST"] = "guilin.localhost"
    assert outsider.get(URL).status_code == 401
    assert outsider.patch(URL, {"todo": False}, format="json").status_code == 401


def test_bad_values_are_refused_naming_the_field_and_nothing_is_written(guilin, host_client):
    member = host_client(guilin, [Role.MEMBER])
    for body, field in (({"delivery": "hourly"}, "delivery"), ({"todo": "maybe"}, "todo"),
                        ({"todo": True}, "reminder")):
        method = member.put if field == "reminder" else member.patch  # PUT needs every field
        response = method(URL, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["errors"] and field in response.json()["detail"], response.json()
    with in_schema(guilin):
        assert not Preference.objects.exists()
    assert member.get(URL).json()["delivery"] == "immediate"


def test_the_provincial_host_has_its_own_preferences_for_anyone_signed_in(province, guilin, host_client):
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    roleless = host_client(province, [])
    assert reviewer.patch(URL, {"todo": False}, format="json").json()["todo"] is False
    assert roleless.get(URL).status_code == 200 and roleless.get(URL).json()["todo"] is True
    school_admin = client_for(guilin, host_client(guilin, [Role.UNION_ADMIN]).user)
    school_admin.defaults["HTTP_HOST"] = "localhost"
    assert school_admin.get(URL).status_code == 401
    assert reviewer.get(URL, HTTP_HOST="guilin.localhost").status_code == 401


@pytest.mark.parametrize("host", ["school", "province"])
def test_the_page_shows_the_address_and_saves_the_choices(host, guilin, province):
    school = guilin if host == "school" else province
    client = signed_in(school, [Role.MEMBER] if host == "school" else [])
    _with_email(school, client.user, "me@example.edu.cn")
    page = client.get("/mail-preferences/")
    assert page.status_code == 200
    body = text(page)
    assert "me@example.edu.cn" in body and "每日汇总" in body and "逾期提醒" in body
    saved = client.post("/mail-preferences/", {"todo": "on", "delivery": "daily_digest"}, follow=True)
    assert "邮件提醒设置已保存" in text(saved)
    with in_schema(school):
        preference = Preference.objects.get(user=client.user)
    assert (preference.todo, preference.reminder, preference.result, preference.delivery) == (
        True, False, False, "daily_digest")
    refused = client.post("/mail-preferences/", {"todo": "on", "delivery": "weekly"})
    assert refused.status_code == 200 and "请选择“即时发送”或“每日汇总”" in text(refused)
    with in_schema(school):
        assert Preference.objects.get(user=client.user).delivery == "daily_digest"


def test_the_page_says_when_there_is_no_address_or_mail_is_off(guilin, settings):
    client = signed_in(guilin, [Role.MEMBER])
    assert "还没有登记邮箱" in text(client.get("/mail-preferences/"))
    settings.MAIL_ENABLED = False
    assert "本站尚未开通邮件发送" in text(client.get("/mail-preferences/"))
    from django.test import Client

    anonymous = Client(HTTP_HOST="guilin.localhost").get("/mail-preferences/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_email_url_becomes_djangos_settings():
    assert email_settings("smtp://user%40campus:p%40ss@smtp.example.edu.cn:587/?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.edu.cn",
        "EMAIL_PORT": 587, "EMAIL_HOST_USER": "user@campus", "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False}
    smtps = email_settings("smtps://u:p@mail.example.org?timeout=5")
    assert (smtps["EMAIL_PORT"], smtps["EMAIL_USE_SSL"], smtps["EMAIL_USE_TLS"], smtps["EMAIL_TIMEOUT"]) == (
        465, True, False, 5.0)
    assert email_settings("smtp://relay.internal")["EMAIL_PORT"] == 25
    assert email_settings("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    for bad in ("http://x", "smtp://", "smtp://h:port"):
        with pytest.raises(EmailUrlError):
            email_settings(bad)


def test_production_reads_email_url_refuses_a_bad_one_and_says_when_mail_is_off():
    from tests.config.test_deploy import run_production

    configured = run_production("-c", "import django; django.setup(); from django.conf import settings as s; "
                                      "print(s.MAIL_ENABLED, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL)",
                                EMAIL_URL="smtps://union:secret@smtp.example.edu.cn")
    assert configured.stdout.split() == ["True", "smtp.example.edu.cn", "465", "True"], configured.stderr
    assert "邮件发送未配置" not in configured.stderr
    bad = run_production("manage.py", "check", EMAIL_URL="pop3://mail.example.edu.cn")
    assert bad.returncode != 0 and "EMAIL_URL 的协议“pop3”不受支持" in bad.stderr
    off = run_production("manage.py", "check")
    assert off.returncode == 0 and "邮件发送未配置" in off.stderr
