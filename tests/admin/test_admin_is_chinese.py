"""The admin speaks Chinese throughout: pages, the two-box picker and every other admin script."""
import html
import json
import re
from pathlib import Path

import django
from django.conf import settings
from django.test import Client

from tenants.accounts.roles import Role
from tenants.members.models import Department
from tests.admin.helpers import admin_browser
from tests.conftest import host_of, in_schema, make_user
from tests.members.factories import a_member

# Key names inside Chinese sentences ("按住 Control 键，或者 Mac 上的 Command 键"), and data: usernames,
# school slugs, hosts and schema names (school_guilin).
NOT_ENGLISH_TEXT = {"Control", "Command", "Mac", "admin", "localhost", "guilin", "huzhou", "hnit", "school",
                    "office", "province", "zhmember"}


def english_words(page) -> set[str]:
    # <bdi> holds data, not interface text: the password hash's algorithm, random salt and digest.
    text = re.sub(r"(?s)<script.*?</script>|<style.*?</style>|<!--.*?-->|<bdi>.*?</bdi>", " ",
                  page.content.decode())
    text = html.unescape(re.sub(r"(?s)<[^>]+>", " ", text))
    return {w for w in re.findall(r"[A-Za-z][A-Za-z’']{2,}", text) if w not in NOT_ENGLISH_TEXT}


def test_school_admin_pages_show_no_english(guilin):
    member = a_member(guilin)
    handler = make_user(guilin, [Role.MEMBER], username="zhmember")
    with in_schema(guilin):
        department = Department.objects.create(name="教务处")
        department.handlers.add(handler)
    client = admin_browser(guilin, [Role.UNION_ADMIN], "zh-office")
    client.post(f"/admin/members/member/{member.pk}/change/", {"name": "改名"})  # a form with errors
    pages = ["/admin/", "/admin/members/", "/admin/members/member/", "/admin/members/member/add/",
             f"/admin/members/member/{member.pk}/change/", f"/admin/members/member/{member.pk}/history/",
             f"/admin/members/department/{department.pk}/change/", "/admin/accounts/user/",
             "/admin/accounts/user/add/", f"/admin/accounts/user/{handler.pk}/change/",
             f"/admin/accounts/user/{handler.pk}/password/", "/admin/audit/auditrecord/",
             "/admin/congress/proposal/", "/admin/finance/ledgerentry/", "/admin/password_change/"]
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert english_words(page) == set(), path
    with_errors = client.post(f"/admin/members/member/{member.pk}/change/", {"name": ""})
    assert english_words(with_errors) == set()


def test_the_admin_login_page_shows_no_english(guilin):
    page = Client(HTTP_HOST=host_of(guilin)).get("/admin/login/")
    assert page.status_code == 200 and english_words(page) == set()


def test_province_admin_pages_show_no_english(province, guilin):
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "zh-province")
    for path in ["/admin/", "/admin/tenants/school/", f"/admin/tenants/school/{guilin.pk}/change/",
                 "/admin/staffhomes/criterion/add/", "/admin/audit/auditrecord/"]:
        page = client.get(path)
        assert page.status_code == 200, path
        assert english_words(page) == set(), path


def test_every_string_the_admin_scripts_show_is_in_the_chinese_catalogue(guilin):
    scripts = Path(django.__file__).parent / "contrib/admin/static/admin/js"
    shown = set()
    for script in scripts.rglob("*.js"):
        if "vendor" in script.parts or script.name.endswith(".min.js"):
            continue
        source = script.read_text(encoding="utf-8")
        calls = re.findall(r"(?<![\w.])gettext\('((?:[^'\\]|\\.)*)'", source)  # not ngettext/pgettext
        shown |= {call.encode().decode("unicode_escape") for call in calls}
    client = admin_browser(guilin, [Role.UNION_ADMIN], "zh-office")
    catalog_js = client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", catalog_js, re.S).group(1))
    assert "Choose all %s" in shown and catalog["Choose all %s"] == "全选%s"
    assert sorted(shown - set(catalog)) == []


def test_the_compiled_catalogues_are_those_of_the_po_files():
    import importlib.util

    spec = importlib.util.spec_from_file_location("compile_messages",
                                                  Path(settings.BASE_DIR) / "locale/compile_messages.py")
    compiler = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compiler)
    for po in (Path(settings.BASE_DIR) / "locale").glob("*/LC_MESSAGES/*.po"):
        expected = compiler.mo_bytes(compiler.parse_po(po.read_text(encoding="utf-8")))
        assert po.with_suffix(".mo").read_bytes() == expected, f"run locale/compile_messages.py ({po.name})"
