"""The provincial schools pages: the list, provisioning (the one-time password once), suspend /
activate / archive through the lifecycle with reasons, and each school's submissions across the
areas. Only province_admin gets in; a reviewer or judge is refused, an anonymous visitor is sent
to sign in, and on a school's host the pages do not exist."""
import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from shared.circulars.services import circular_create, circular_publish
from shared.honours.services import campaign_create, nomination_submit
from shared.stats.models import SchoolStats
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.models import School
from tests.conftest import ADMIN_PASSWORD, make_user, signed_in, text


@pytest.fixture
def admin(province):
    return signed_in(province, [Role.PROVINCE_ADMIN])


@pytest.fixture(autouse=True)
def archives_in_tmp(settings, tmp_path):
    settings.ARCHIVE_DIR = tmp_path / "archives"


def token(page: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


PAGES = ["/schools/", "/schools/new/", "/schools/guilin/", "/schools/guilin/submissions/honours/",
         "/schools/guilin/submissions/circulars/"]


def test_only_the_province_admin_opens_the_schools_pages(admin, province, guilin):
    for url in PAGES:
        page = admin.get(url)
        assert page.status_code == 200 and "Content-Security-Policy" in page, url
        # Nothing the policy would block: scripts only from files, no style="".
        assert all(' src="' in tag for tag in re.findall(r"<script\b[^>]*>", text(page))), url
        assert ' style="' not in text(page), url
    for role in (Role.PROVINCE_REVIEWER, Role.JUDGE):
        other = signed_in(province, [role])
        for url in PAGES:
            refused = other.get(url)
            assert refused.status_code == 403 and "您没有执行该操作的权限" in text(refused), (role, url)
        assert other.post("/schools/guilin/lifecycle/suspend/", {"suspend-reason": "试试"}).status_code == 403
        assert other.post("/schools/new/", {"name": "某某大学", "slug": "mmdx"}).status_code == 403
    anonymous = Client(HTTP_HOST="localhost")
    for url in PAGES:
        answer = anonymous.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/login/?next="), url
    school_admin = signed_in(guilin, [Role.UNION_ADMIN])
    for url in PAGES:
        assert school_admin.get(url).status_code == 404, url
    guilin.refresh_from_db()
    assert guilin.status == "active" and not School.objects.filter(slug="mmdx").exists()


def test_a_school_s_admin_cannot_sign_in_on_the_provincial_host(guilin):
    school_admin = make_user(guilin, [Role.UNION_ADMIN])
    provincial = Client(HTTP_HOST="localhost")
    refused = provincial.post("/login/", {"username": school_admin.username, "password": ADMIN_PASSWORD})
    assert refused.status_code == 200 and "用户名或密码不正确" in text(refused)
    assert provincial.get("/schools/").status_code == 302
    # Signed in on the school's own host, the session does not reach the provincial one.
    on_school = signed_in(guilin, [Role.UNION_ADMIN])
    on_school.defaults["HTTP_HOST"] = "localhost"
    assert on_school.get("/schools/").status_code == 302


def test_the_list_shows_status_members_and_the_last_roll_up_and_filters(admin, guilin, huzhou, hnit):
    year = timezone.localdate().year
    SchoolStats.objects.create(school=guilin, year=year, members_total=246813)
    School.objects.filter(pk=hnit.pk).update(status="suspended")  # set-up; the page's own step is tested below
    page = text(admin.get("/schools/"))
    assert "桂林学院" in page and "湖州师范学院" in page and "246813" in page and "尚未统计" in page
    assert 'href="/schools/guilin/"' in page and "已停用" in page

    suspended = text(admin.get("/schools/", {"status": "suspended"}))
    assert "湖南信息学院" in suspended and "桂林学院" not in suspended
    for search in ("湖州", "HUZHOU", "huz"):
        found = text(admin.get("/schools/", {"q": search}))
        assert "湖州师范学院" in found and "桂林学院" not in found, search
    assert "没有符合条件的记录" in text(admin.get("/schools/", {"q": "没有这样的学校"}))
    # Sorted by members, a school never rolled up counts as fewer than any figure, in both directions.
    SchoolStats.objects.create(school=huzhou, year=year, members_total=7)
    most_first = text(admin.get("/schools/", {"sort": "-members_sort"}))
    assert most_first.index("桂林学院") < most_first.index("湖州师范学院") < most_first.index("湖南信息学院")
    fewest_first = text(admin.get("/schools/", {"sort": "members_sort"}))
    assert fewest_first.index("湖南信息学院") < fewest_first.index("湖州师范学院") < fewest_first.index("桂林学院")
    never_first = text(admin.get("/schools/", {"sort": "rolled_up_sort"}))
    assert never_first.index("湖南信息学院") < never_first.index("桂林学院")


def test_provisioning_shows_the_password_once_and_the_school_runs_through_its_lifecycle(admin, province):
    form = text(admin.get("/schools/new/"))
    created = admin.post("/schools/new/", {
        "submission": token(form), "name": "南宁师范大学", "slug": "nnnu", "short_name": "南师大",
        "kind": "undergraduate", "region": "广西壮族自治区南宁市", "contact_name": "黄老师",
        "contact_phone": "0771-1234567", "admin_username": "admin"})
    page = text(created)
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    password = re.search(r'id="admin-password" class="secret" value="([^"]+)"', page).group(1)
    assert len(password) >= 12 and "只显示这一次" in page and 'data-copy="admin-password"' in page
    assert "http://nnnu.localhost/" in page
    school = School.objects.get(slug="nnnu")
    assert (school.name, school.short_name, school.status) == ("南宁师范大学", "南师大", "active")
    assert AuditRecord.objects.filter(target_type="tenants.school", target_id=str(school.pk), action="create").exists()

    # The new school's admin signs in on the school's own host with that password.
    school_site = Client(HTTP_HOST="nnnu.localhost")
    assert school_site.post("/login/", {"username": "admin", "password": password}).status_code == 302
    # ... and it is never shown again, nor kept in the province admin's session.
    for url in ("/schools/", "/schools/nnnu/", "/"):
        assert password not in text(admin.get(url)), url
    assert password not in str(dict(admin.session))
    # The same form sent twice (a double click) opens the school once.
    again = text(admin.post("/schools/new/", {"submission": token(form), "name": "南宁师范大学", "slug": "nnnu"}))
    assert "这张表单刚才已经提交过" in again and password not in again
    assert School.objects.filter(slug="nnnu").count() == 1

    detail = text(admin.get("/schools/nnnu/"))
    assert "南宁师范大学" in detail and "0771-1234567" in detail and "停用" in detail and "归档" in detail
    assert ">恢复<" not in detail

    # 停用 needs a reason: said beside the field, nothing changes.
    refused = text(admin.post("/schools/nnnu/lifecycle/suspend/", {"suspend-reason": "  "}))
    assert 'id="id_suspend-reason_error">“停用”必须填写原因。' in refused
    school.refresh_from_db()
    assert school.status == "active"
    suspended = text(admin.post("/schools/nnnu/lifecycle/suspend/", {"suspend-reason": "未按期年检"}, follow=True))
    assert "南宁师范大学已停用。" in suspended and "未按期年检" in suspended and "正常 → 已停用" in suspended
    school.refresh_from_db()
    assert school.status == "suspended"
    assert Client(HTTP_HOST="nnnu.localhost").get("/login/").status_code == 403
    # The province's workbench shows the suspended school.
    home = text(admin.get("/"))
    assert 'data-todo="schools_suspended"' in home and "南宁师范大学" in home

    # A step the state no longer allows (someone else acted first) is explained, not done.
    stale = text(admin.post("/schools/nnnu/lifecycle/suspend/", {"suspend-reason": "再停一次"}, follow=True))
    assert "当前状态为“已停用”" in stale
    activated = text(admin.post("/schools/nnnu/lifecycle/activate/", {"activate-reason": ""}, follow=True))
    assert "南宁师范大学已恢复。" in activated
    school.refresh_from_db()
    assert school.status == "active"


def test_wrong_provisioning_input_is_explained_beside_the_field_and_nothing_is_made(admin):
    before = School.objects.count()
    page = text(admin.post("/schools/new/", {"name": "", "slug": "Bad_Slug", "short_name": "某校"}))
    assert 'id="id_name_error">学校名称不能为空。' in page
    assert 'id="id_slug_error">站点标识只能包含小写字母、数字和连字符' in page
    assert 'value="某校"' in page and 'value="Bad_Slug"' in page
    reserved = text(admin.post("/schools/new/", {"name": "新学校", "slug": "new"}))
    assert 'id="id_slug_error">站点标识“new”为系统保留字，请换一个。' in reserved
    taken = text(admin.post("/schools/new/", {"name": "另一所学院", "slug": "guilin"}))
    assert 'id="id_slug_error">站点标识“guilin”已被使用。' in taken
    same_name = text(admin.post("/schools/new/", {"name": "桂林学院", "slug": "glxy2"}))
    assert 'id="id_name_error">学校“桂林学院”已存在。' in same_name
    kind = text(admin.post("/schools/new/", {"name": "某职业学院", "slug": "mzy", "kind": "university"}))
    assert 'id="id_kind_error">' in kind
    assert School.objects.count() == before


def test_archiving_exports_first_and_needs_a_reason(admin, hnit, settings):
    refused = text(admin.post("/schools/hnit/lifecycle/archive/", {"archive-reason": ""}))
    assert 'id="id_archive-reason_error">“归档”必须填写原因。' in refused
    hnit.refresh_from_db()
    assert hnit.status == "active" and not hnit.archive_file
    archived = text(admin.post("/schools/hnit/lifecycle/archive/", {"archive-reason": "学校合并"}, follow=True))
    assert "湖南信息学院已归档。" in archived and "drop_archived_school" in archived
    hnit.refresh_from_db()
    assert hnit.status == "archived" and hnit.archive_file.startswith(str(settings.ARCHIVE_DIR))
    assert "停用" not in re.sub(r"<ol class=\"history\">.*?</ol>", "", archived, flags=re.S).split("站点状态")[1]
    assert admin.post("/schools/hnit/lifecycle/unknown/", {}).status_code == 404
    assert admin.get("/schools/nosuchschool/").status_code == 404


def test_a_school_s_page_shows_its_submissions_across_the_areas(admin, province, guilin, huzhou):
    by = make_user(province, [Role.PROVINCE_ADMIN])
    campaign = campaign_create(by=by, kind="regional_model", year=2026, title="2026 年自治区劳动模范推荐",
                               deadline=timezone.now() + datetime.timedelta(days=10), default_quota=2)
    nomination_submit(by=None, campaign=campaign, school=guilin, nominee_name="覃老师", gender="female",
                      birth_date=datetime.date(1975, 6, 1), deeds="事迹")
    nomination_submit(by=None, campaign=campaign, school=huzhou, nominee_name="沈老师", gender="female",
                      birth_date=datetime.date(1976, 6, 1), deeds="事迹")
    circular = circular_create(by=by, title="关于做好年度工会工作的通知", items=[
        {"title": "加强政治建设", "section": "一"}, {"title": "办好教代会", "section": "二"}])
    circular_publish(circular=circular, by=by, school_slugs=[guilin.slug])

    page = text(admin.get("/schools/guilin/"))
    assert "覃老师 · 2026 年自治区劳动模范推荐" in page and "沈老师" not in page
    assert "荣誉推荐（1）" in page and "省级通知（1）" in page and "未签收" in page and "已完成 0/2 项" in page
    assert "教学竞赛（0）" in page and "建家申报（0）" in page and "经费补助（0）" in page

    honours = text(admin.get("/schools/guilin/submissions/honours/"))
    assert "覃老师" in honours and "沈老师" not in honours and "已推荐" in honours
    assert "覃老师" not in text(admin.get("/schools/guilin/submissions/honours/", {"status": "withdrawn"}))
    circulars = text(admin.get("/schools/guilin/submissions/circulars/"))
    assert "关于做好年度工会工作的通知" in circulars and "未签收" in circulars
    assert "关于做好年度工会工作的通知" not in text(admin.get("/schools/huzhou/submissions/circulars/"))
    assert admin.get("/schools/guilin/submissions/nothing/").status_code == 404
