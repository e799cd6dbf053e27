"""The main pages cost the same number of queries for one row as for twenty (issue #14): nothing on
them is fetched row by row, and the 工作台's counters do not multiply with what waits.

Each test opens the page with one row, adds nineteen more, and opens it again."""
import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shared.honours.models import Nomination
from shared.honours.services import campaign_create
from tenants.accounts.roles import Role
from tenants.models import School
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in
from tests.congress.fixtures import to_state
from tests.members.factories import a_member
from tests.notices.conftest import notices  # noqa: F401 (the fixture)

MORE = 19


def _queries(client, path) -> int:
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    connection.set_schema_to_public()
    return len(captured)


def _page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    return client


def _grows(paths, before, after, paged=()) -> list:
    """The pages whose queries grew with the rows (a page may ask less once a list is long enough,
    e.g. when a section is no longer empty; it may never ask more). A list in ``paged`` grew past its
    first page: it is allowed its COUNT, which a list that fits on one page does without
    (tenants/paging.py, through web.tables.Table.paginate)."""
    return [(path, one, many) for path, one, many in zip(paths, before, after) if many > one + (path in paged)]


def _costs(clients_paths, add_rows, paged=()):
    before = [_queries(client, path) for client, path in clients_paths]
    add_rows()
    after = [_queries(client, path) for client, path in clients_paths]
    assert not _grows([path for _, path in clients_paths], before, after, paged), \
        f"1 row: {before}, {1 + MORE}: {after}"


def test_the_members_page(guilin):
    office = signed_in(guilin, [Role.UNION_ADMIN])
    a_member(guilin, name="会员甲")
    _costs([(office, "/members/")], lambda: [a_member(guilin, name=f"会员{i}") for i in range(MORE)])


def test_the_proposals_pages_the_workbench_and_my_portal(guilin, congress_setting):
    """The office's 工作台 counts proposals waiting for 初审; the proposer's 工作台, 我的 and the list
    show their own; the office's list shows them all."""
    c = congress_setting
    office = signed_in(guilin, [Role.UNION_ADMIN])
    proposer = _page_client(guilin, c.proposer.user)
    to_state(c, "seconded", title="提案0")
    pages = [(office, "/"), (office, "/proposals/"), (proposer, "/"), (proposer, "/me/"), (proposer, "/proposals/")]
    _costs(pages, lambda: [to_state(c, "seconded", title=f"提案{index + 1}") for index in range(MORE)])


def test_the_notices_page(notices):  # noqa: F811
    from tenants.notices import services as s

    school = notices["school"]
    admin, reader = _page_client(school, notices["admin"]), _page_client(school, notices["users"][0])

    def publish(count):
        with in_schema(school):
            for index in range(count):
                s.notice_create(by=notices["admin"], title=f"通知{index}", body="正文", publish=True)

    publish(1)
    _costs([(admin, "/notices/"), (reader, "/notices/"), (reader, "/"), (reader, "/me/")], lambda: publish(MORE))


@pytest.fixture
def campaign_in_review():
    return campaign_create(by=None, kind="regional_model", year=2026, title="2026 年自治区劳动模范推荐",
                           deadline=timezone.now() + datetime.timedelta(days=10), default_quota=50)


def _nominate(campaign, schools, count):
    for index in range(count):
        Nomination.objects.create(campaign=campaign, school=schools[index % len(schools)],
                                  nominee_name=f"候选人{index}", gender="female", birth_date="1978-05-01",
                                  title="教授", post="院长", deeds="长期扎根教学一线", status="submitted", submitted_by="admin",
                                  submitted_at=timezone.now())


def test_the_provincial_workbench_nominations_and_schools(province, campaign_in_review):
    admin = signed_in(province, [Role.PROVINCE_ADMIN])
    reviewer = signed_in(province, [Role.PROVINCE_REVIEWER])
    schools = list(School.objects.exclude(pk=province.pk))
    _nominate(campaign_in_review, schools, 1)
    pages = [(admin, "/"), (admin, "/honours/"), (admin, "/honours/nominations/"), (reviewer, "/"),
             (reviewer, "/honours/nominations/"), (admin, "/schools/"), (admin, "/dashboard/")]

    def add_rows():
        _nominate(campaign_in_review, schools, MORE)
        # schools without a schema of their own: the list and the dashboard read only public rows
        School.objects.bulk_create([School(schema_name=f"school_pq{index}", slug=f"pq{index}", name=f"学校{index}")
                                    for index in range(MORE)])

    _costs(pages, add_rows, paged={"/schools/"})  # the schools outgrow the list's first page


def test_the_provincial_workbench_counts_every_counter_in_one_statement(province, campaign_in_review):
    """Like the school's: one statement counts every area's counters and the unread notifications
    (web.todo.counted_many); the counters that have any then read their first rows."""
    admin = signed_in(province, [Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER])
    _nominate(campaign_in_review, list(School.objects.exclude(pk=province.pk)), 3)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        page = admin.get("/")
    connection.set_schema_to_public()
    assert page.status_code == 200
    assert "待评审的荣誉推荐" in page.content.decode()
    counting = [q["sql"] for q in captured if q["sql"].startswith("SELECT (SELECT COUNT(*) FROM (")]
    assert len(counting) == 1
    # none is counted on its own with a window any more
    # honours 2, staff homes 2, subsidies 3, suspended schools, stale figures, notifications
    assert counting[0].count("(SELECT COUNT(*) FROM (") == 10
    assert not [q for q in captured if "COUNT(*) OVER ()" in q["sql"]]
