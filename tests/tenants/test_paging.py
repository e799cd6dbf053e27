"""The pages' tables and the API count a list that fits on its first page by reading it."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.paging import FirstPageCountingPaginator
from tests.conftest import in_schema
from tests.members.factories import a_member

pytestmark = pytest.mark.django_db


def _counts(captured) -> int:
    return sum(query["sql"].lstrip().upper().startswith("SELECT COUNT(*)") for query in captured)


def test_a_first_page_holding_the_list_needs_no_count_and_every_other_page_is_as_before(guilin):
    for name in ("甲", "乙", "丙"):
        a_member(guilin, name=name)
    with in_schema(guilin):
        from tenants.members.models import Member

        rows = Member.objects.order_by("pk")
        names = list(rows.values_list("name", flat=True))
        total = len(names)

        for asked in (None, "", "1", 1, "abc"):  # what a table's ?page= may be: all the first page
            with CaptureQueriesContext(connection) as captured:
                page = FirstPageCountingPaginator(rows, total).get_page(asked)
                shown = [m.name for m in page]
                assert (page.number, page.paginator.count, page.paginator.num_pages) == (1, total, 1)
            assert shown == names and not page.has_next() and _counts(captured) == 0 and len(captured) == 1

        with CaptureQueriesContext(connection) as captured:  # one row more than a page: counted
            page = FirstPageCountingPaginator(rows, total - 1).get_page("1")
            assert [m.name for m in page] == names[:-1]
            assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (total, 2, True)
        assert _counts(captured) == 1

        later = FirstPageCountingPaginator(rows, total - 1).get_page("2")
        assert [m.name for m in later] == names[-1:] and later.has_previous()
        beyond = FirstPageCountingPaginator(rows, total - 1).get_page("99")  # the last page, as Django gives
        assert beyond.number == 2 and [m.name for m in beyond] == names[-1:]


def test_a_counted_list_is_counted_without_the_joins_only_its_shown_columns_need(guilin):
    from django.db.models import F

    first = a_member(guilin, name="甲")
    a_member(guilin, name="乙", branch=first.branch)
    a_member(guilin, name="丙")
    with in_schema(guilin):
        from tenants.members.models import Member, MemberStatusChange

        for _ in range(2):  # two rows of one member behind a reverse relation
            MemberStatusChange.objects.create(member_id=first.pk, action="x", from_status="active",
                                              to_status="active", effective_on="2026-01-01", recorded_by="t")
        shown = Member.objects.annotate(listed_branch_name=F("branch__name"), listed_group_name=F("group__name"))
        cases = {
            "names shown only": (shown, False),
            "filtered by the branch's name": (shown.filter(branch__name=first.branch.name), True),
            "a reverse relation's rows": (shown.annotate(change=F("status_changes__action")), True),
        }
        for case, (rows, joins) in cases.items():
            with CaptureQueriesContext(connection) as captured:
                counted = FirstPageCountingPaginator(rows.order_by("pk"), 1).count
            assert counted == len(list(rows)), case  # the number a user sees is the rows there are
            assert ("JOIN" in captured[-1]["sql"]) is joins, (case, captured[-1]["sql"])
        assert FirstPageCountingPaginator(shown.order_by("pk"), 1).count == 3
        assert FirstPageCountingPaginator(shown.annotate(change=F("status_changes__action")), 1).count == 4
