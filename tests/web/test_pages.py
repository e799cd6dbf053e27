"""The pages people click: login, home, and the Chinese admin on each host."""
from django.test import Client

from tenants.accounts.roles import Role
from tests.conftest import make_user


def browser(school):
    return Client(HTTP_HOST=school.domains.get().domain)


def logged_in(school, username, password):
    client = browser(school)
    assert client.post("/login/", {"username": username, "password": password}).status_code == 302
    return client


def test_login_page_is_chinese_and_home_needs_login(guilin):
    page = browser(guilin).get("/login/")
    assert page.status_code == 200 and "登录 桂林学院" in page.content.decode()
    assert browser(guilin).get("/").status_code == 302


def test_a_wrong_password_shows_a_chinese_error(guilin):
    page = browser(guilin).post("/login/", {"username": "nobody", "password": "x"})
    assert "用户名或密码不正确" in page.content.decode()


def test_the_login_form_is_throttled_too(guilin, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_USERNAME = 2
    make_user(guilin, [Role.MEMBER], username="form-user", password="Right-pass-2026")
    client = browser(guilin)
    for _ in range(2):
        client.post("/login/", {"username": "form-user", "password": "bad"})
    page = client.post("/login/", {"username": "form-user", "password": "Right-pass-2026"})
    assert "登录失败次数过多" in page.content.decode()


def test_the_school_admin_shows_school_models_and_the_province_admin_provincial_ones(guilin, province):
    make_user(guilin, [Role.UNION_ADMIN], username="xiao", password="Admin-pass-2026")
    make_user(province, [Role.PROVINCE_ADMIN], username="sheng", password="Admin-pass-2026")

    school_admin = logged_in(guilin, "xiao", "Admin-pass-2026")
    school_index = school_admin.get("/admin/").content.decode()
    assert "学校工会管理后台" in school_index and "审计记录" in school_index
    assert "/admin/tenants/school/" not in school_index

    province_admin = logged_in(province, "sheng", "Admin-pass-2026")
    province_index = province_admin.get("/admin/").content.decode()
    assert "/admin/tenants/school/" in province_index
    for path in ("/admin/honours/nomination/", "/admin/competitions/entry/", "/admin/subsidies/application/",
                 "/admin/circulars/circular/", "/admin/staffhomes/homeapplication/", "/admin/stats/schoolstats/"):
        assert path in province_index and province_admin.get(path).status_code == 200
        assert path not in school_index
    schools = province_admin.get("/admin/tenants/school/?q=桂林").content.decode()
    assert "桂林学院" in schools and "湖州师范学院" not in schools


def test_a_member_cannot_enter_the_admin(guilin):
    make_user(guilin, [Role.MEMBER], username="member", password="Member-pass-2026")
    client = logged_in(guilin, "member", "Member-pass-2026")
    assert client.get("/admin/").status_code == 302


def test_province_home_counts_member_schools_and_links_to_them(province):
    make_user(province, [Role.PROVINCE_ADMIN], username="sheng2", password="Admin-pass-2026")
    client = logged_in(province, "sheng2", "Admin-pass-2026")
    page = client.get("/").content.decode()
    from tenants.selectors import schools

    assert f'<a href="/schools/">成员学校（{schools().count()} 所）</a>' in page
