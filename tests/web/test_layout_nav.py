"""The layout's navigation bars (web/templatetags/layout.py): the same markup the template wrote,
with every text escaped; and its unread badges (web/badges.py), each person's own on every host."""
import re

from django.test import Client

from tenants.accounts.models import Notification
from tenants.accounts.roles import Role
from tenants.notices.models import Notice
from tenants.notices.services import notice_create
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in
from tests.notices.conftest import notices  # noqa: F401  (the fixture)
from web.templatetags.layout import bottom_nav_links, top_nav_links

ENTRY = {"label": "通知<公告>", "url": "/notices/?a=1&b=2", "icon": "✉", "bottom": True, "current": True, "badge": 3}


def test_the_top_bar_marks_the_current_page_and_shows_a_count_only_where_there_is_one():
    html = top_nav_links([ENTRY, {**ENTRY, "label": "提案", "url": "/proposals/", "current": False, "badge": 0}])
    assert html == (
        '<a href="/notices/?a=1&amp;b=2" aria-current="page">通知&lt;公告&gt; <span class="nav-count" '
        'data-testid="nav-count">3<span class="sr-only">条未读</span></span></a>'
        '<a href="/proposals/">提案</a>')


def test_the_phone_bar_holds_only_the_bottom_entries_with_their_icons():
    html = bottom_nav_links([ENTRY, {**ENTRY, "label": "会员", "bottom": False}])
    assert html == ('<a href="/notices/?a=1&amp;b=2" aria-current="page"><span class="icon" aria-hidden="true">✉'
                    '</span><span>通知&lt;公告&gt;</span></a>')


def signed_in_as(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    return client


def school_notice_id(school) -> int:
    with in_schema(school):
        return Notice.objects.get().pk


def _badges(client) -> tuple[str | None, str | None]:
    """What the layout shows a person: the 通知 badge and the 通知公告 entry's count (None: no badge)."""
    page = client.get("/more/").content.decode()
    unread = re.search(r'data-testid="unread-badge">(\d+)<', page)
    addressed = re.search(r'data-testid="nav-count">(\d+)<', page)
    return unread and unread[1], addressed and addressed[1]


def test_every_person_sees_their_own_unread_counts_on_every_host(notices, huzhou, province):
    # the counting statement is compiled once per process and filled in per request: people of two
    # schools and the province asked in turn each get their own figures
    n, school = notices, notices["school"]
    reader, outside_audience = (signed_in_as(school, user) for user in (n["users"][0], n["users"][2]))
    far = signed_in(huzhou, [Role.MEMBER])
    provincial = signed_in(province, [Role.PROVINCE_ADMIN])
    with in_schema(school):
        notice_create(by=n["chair"], title="分工会通知", body="正文", audience="branches", branches=[n["own"]],
                      publish=True)
        for index in range(2):
            Notification.objects.create(user=n["users"][0], message=f"提醒{index}")
    with in_schema(huzhou):
        Notification.objects.create(user=far.user, message="外校提醒")
    Notification.objects.create(user=provincial.user, message="省级提醒")

    for _ in range(2):
        assert _badges(reader) == ("3", "1")  # the two reminders and the notice's own
        assert _badges(far) == ("1", None)
        assert _badges(outside_audience) == (None, None)  # another branch's member: not addressed
        assert _badges(provincial)[0] == "1"
    reader.get(f"/notices/{school_notice_id(school)}/")  # opening it reads it
    assert _badges(reader)[1] is None
