"""The 工作台 is remembered between visits and computed again as soon as anything it reads changes:
a write to the school, a write to the province's tables, a bulk update — committed, as another
person's request would commit it. One school's remembered page never answers for another school.
"""
import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.accounts.models import Notification
from tenants.accounts.roles import Role
from tenants.accounts.services import notify
from tenants.freshness import PUBLIC, remembered, schemas_written
from tests.conftest import delete_user_for_cleanup, in_schema, signed_in, text

@pytest.mark.django_db
def test_a_write_names_the_schema_it_changes():
    assert schemas_written('INSERT INTO "accounts_notification" ("user_id") VALUES (%s)', "school_guilin") \
        == ("school_guilin",)
    # a provincial table (shared apps only) is the province's, whichever host wrote it
    assert schemas_written('UPDATE "honours_honourcampaign" SET "title" = %s', "school_guilin") == (PUBLIC,)
    assert schemas_written('DELETE FROM "school_huzhou"."accounts_notification" WHERE id = 1', "public") \
        == ("school_huzhou",)
    # what cannot be read changes both sides; reads and bookkeeping change nothing
    assert schemas_written("WITH moved AS (UPDATE x SET y = 1 RETURNING *) SELECT 1", "school_guilin") \
        == ("school_guilin", PUBLIC)
    assert schemas_written('(SELECT "id" FROM "a") UNION ALL (SELECT "id" FROM "b")', "school_guilin") == ()
    assert schemas_written('UPDATE "django_session" SET "session_data" = %s', "school_guilin") == ()


@pytest.mark.django_db
def test_inside_a_transaction_that_wrote_the_page_is_computed_every_time(guilin):
    """What this connection sees before its commit is not what others see: nothing is read from or
    kept in the shared store meanwhile."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with in_schema(guilin), transaction.atomic():
        notify(users=[], message="")  # no recipients: no write
        assert remembered("t", schemas=(guilin.schema_name,), compute=compute) == 1
        assert remembered("t", schemas=(guilin.schema_name,), compute=compute) == 1
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_user SET full_name = full_name WHERE id = -1")
        assert remembered("t", schemas=(guilin.schema_name,), compute=compute) == 2
        assert remembered("t", schemas=(guilin.schema_name,), compute=compute) == 3


def _workbench(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    # the page's own part (the layout's CSRF token changes with every response)
    return text(response).split("<main", 1)[1], len(queries)


def test_the_workbench_is_remembered_until_the_school_or_the_province_writes(committed_db, guilin, huzhou):
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    other = signed_in(huzhou, [Role.UNION_ADMIN])
    committed_db.append(lambda: delete_user_for_cleanup(guilin.schema_name, admin.user.pk))
    committed_db.append(lambda: delete_user_for_cleanup(huzhou.schema_name, other.user.pk))

    first, computed = _workbench(admin)
    assert "未读通知（0）" in first
    again, served = _workbench(admin)
    assert again == first and served < computed - 5

    # another person's request, committed: a notification for this admin
    with in_schema(guilin):
        notify(users=[admin.user], message="提案 2026-007 已逾期")
    page, _ = _workbench(admin)
    assert "未读通知（1）" in page and "提案 2026-007 已逾期" in page

    # a bulk update sends no signal, and still counts as a change
    with in_schema(guilin):
        Notification.objects.filter(user=admin.user).update(message="提案 2026-007 已答复")
    page, _ = _workbench(admin)
    assert "提案 2026-007 已答复" in page and "已逾期" not in page

    # the province opens a recommendation closing in five days: every school's 工作台 shows it
    from shared.honours.models import HonourCampaign

    campaign = HonourCampaign.objects.create(kind="regional_model", year=2026, title="freshness 推荐测试",
                                             deadline=timezone.now() + datetime.timedelta(days=5))
    committed_db.append(campaign.delete)
    page, _ = _workbench(admin)
    assert "freshness 推荐测试" in page and ("还剩 5 天" in page or "还剩 4 天" in page)

    # another school, whose accounts may have the same ids: its own page, never guilin's
    huzhou_page, _ = _workbench(other)
    assert "提案 2026-007" not in huzhou_page and "freshness 推荐测试" in huzhou_page
    with in_schema(guilin):
        Notification.objects.filter(user=admin.user).delete()


def test_the_provincial_workbench_follows_provincial_writes(committed_db, province):
    officer = signed_in(province, [Role.PROVINCE_ADMIN])
    committed_db.append(lambda: delete_user_for_cleanup("public", officer.user.pk))
    before, computed = _workbench(officer)
    assert "未读通知（0）" in before
    _, served = _workbench(officer)
    assert served < computed
    notify(users=[officer.user], message="桂林理工大学报送了推荐")
    page, _ = _workbench(officer)
    assert "未读通知（1）" in page and "桂林理工大学报送了推荐" in page
    Notification.objects.filter(user=officer.user).delete()


@pytest.mark.django_db
def test_a_write_before_the_cache_table_exists_is_not_an_error(caplog, monkeypatch):
    """`migrate` on a new database writes before `createcachetable` has run (make run's first start):
    with the database cache there is nothing to void yet, and nothing is logged as an error."""
    from django.core.cache.backends.db import DatabaseCache

    from tenants import freshness

    monkeypatch.setattr(freshness, "cache", lambda: DatabaseCache("eduunion_cache_not_created_yet", {}))
    with caplog.at_level("ERROR", logger="tenants.freshness"):
        freshness.renew((PUBLIC,))
    assert not caplog.records
