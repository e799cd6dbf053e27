"""A list's per-row subquery compiled once per process answers, in every school, what the subquery
compiled on each request answers; it refuses to be read where its SQL would mean something else."""
from __future__ import annotations

import pytest
from django.db.models import OuterRef

from tenants.compiled_once import compiled_once
from tenants.counting import SubqueryCount
from tests.conftest import in_schema
from tests.members.factories import a_branch, a_member

pytestmark = pytest.mark.django_db

built = []


def _members_of(Branch, Member):
    @compiled_once(Branch)
    def members_count():
        built.append(1)
        return SubqueryCount(Member.objects.filter(branch_id=OuterRef("pk"), name__startswith="甲"))

    return members_count


def _counts(rows):
    return {branch.name: branch.n for branch in rows}


def test_each_school_counts_its_own_rows_with_sql_compiled_once(guilin, huzhou):
    from tenants.members.models import Branch, Member

    for school, names in ((guilin, ["甲一", "甲二", "乙"]), (huzhou, ["甲三"])):
        branch = a_branch(school, name="理学院")
        for name in names:
            a_member(school, branch=branch, name=name)
        a_branch(school, name="空分会")
    members_count = _members_of(Branch, Member)
    built.clear()

    answers = {}
    for school in (guilin, huzhou, guilin):
        with in_schema(school):
            once = _counts(Branch.objects.annotate(n=members_count()))
            plain = _counts(Branch.objects.annotate(n=SubqueryCount(
                Member.objects.filter(branch_id=OuterRef("pk"), name__startswith="甲"))))
            assert once == plain
            answers[school.slug] = once
    assert answers[guilin.slug]["理学院"] == 2 and answers[huzhou.slug]["理学院"] == 1
    assert answers[guilin.slug]["空分会"] == answers[huzhou.slug]["空分会"] == 0
    assert len(built) == 1  # built (and compiled) on first use only

    with in_schema(guilin):  # filtered, ordered and counted by it like any annotation
        rows = Branch.objects.annotate(n=members_count()).filter(n__gte=1).order_by("-n", "name")
        assert [(b.name, b.n) for b in rows] == [("理学院", 2)]
        assert rows.count() == 1


def test_it_is_refused_on_another_tables_rows(guilin):
    from tenants.members.models import Branch, Member

    members_count = _members_of(Branch, Member)
    with in_schema(guilin), pytest.raises(ValueError, match="members_member"):
        list(Member.objects.annotate(n=members_count()))


def test_it_may_not_refer_to_a_joined_column_of_the_listed_row():
    # the listed member's branch's chair would need a join the list's query does not have
    from tenants.members.models import Member

    @compiled_once(Member)
    def colleagues():
        return SubqueryCount(Member.objects.filter(branch__chair_id=OuterRef("branch__chair_id")))

    with pytest.raises(ValueError, match="own table"):
        colleagues()


def test_it_may_refer_to_a_foreign_key_of_the_listed_row(guilin):
    # OuterRef("branch_id") reads the member's own column: the join to the branch it sets up is trimmed
    from tenants.members.models import Member

    @compiled_once(Member)
    def colleagues():
        return SubqueryCount(Member.objects.filter(branch_id=OuterRef("branch_id")))

    science = a_branch(guilin, name="理学院")
    for name in ("甲", "乙"):
        a_member(guilin, branch=science, name=name)
    a_member(guilin, branch=a_branch(guilin, name="文学院"), name="丙")
    with in_schema(guilin):
        once = {m.name: m.n for m in Member.objects.annotate(n=colleagues())}
        plain = {m.name: m.n for m in Member.objects.annotate(n=SubqueryCount(
            Member.objects.filter(branch_id=OuterRef("branch_id"))))}
    assert once == plain == {"甲": 2, "乙": 2, "丙": 1}


def test_an_argument_is_filled_in_on_each_use_of_the_sql_compiled_once(guilin):
    # the value a request gives (here a name's first character; in the lists, a school's id) is a
    # parameter of the one compiled statement, not part of it
    from tenants.members.models import Branch, Member

    made = []

    @compiled_once(Branch)
    def named_like(first):
        made.append(1)
        return SubqueryCount(Member.objects.filter(branch_id=OuterRef("pk"), name__startswith=first))

    branch = a_branch(guilin, name="理学院")
    for name in ("甲一", "甲二", "乙"):
        a_member(guilin, branch=branch, name=name)
    with in_schema(guilin):
        assert _counts(Branch.objects.annotate(n=named_like(first="甲"))) == {"理学院": 2}
        assert _counts(Branch.objects.annotate(n=named_like(first="乙"))) == {"理学院": 1}
        assert _counts(Branch.objects.annotate(n=named_like(first="丙"))) == {"理学院": 0}
        # two uses in one statement keep their own values
        rows = Branch.objects.annotate(a=named_like(first="甲"), b=named_like(first="乙"))
        assert [(row.a, row.b) for row in rows] == [(2, 1)]
    assert len(made) == 1
    with pytest.raises(TypeError, match="first"):
        named_like()


def test_a_whole_statement_compiled_once_reads_each_schools_rows_with_its_own_values(guilin, huzhou):
    from tenants.compiled_once import rows_compiled_once
    from tenants.members.models import Member

    stand_in = "-stand-in-"
    for school, names in ((guilin, ["甲一", "甲二", "乙"]), (huzhou, ["甲三"])):
        for name in names:
            a_member(school, name=name)

    def build():
        return Member.objects.filter(name__in=[stand_in, "乙"]).values_list("name")

    def names(school, wanted):
        with in_schema(school):
            rows = rows_compiled_once("test.names", build, lambda value: wanted if value == stand_in else value,
                                      stand_ins=(stand_in,))
        return sorted(name for (name,) in rows)

    assert names(guilin, "甲一") == ["乙", "甲一"]
    assert names(guilin, "甲二") == ["乙", "甲二"]
    assert names(huzhou, "甲一") == []
    assert names(huzhou, "甲三") == ["甲三"]


def test_a_whole_statement_whose_stand_in_is_not_a_parameter_is_refused(guilin):
    # a filter the ORM folds into the SQL itself (here: none) would run with the stand-in and
    # silently answer no rows; it is refused where it is written instead
    from tenants.compiled_once import rows_compiled_once
    from tenants.members.models import Member

    with in_schema(guilin), pytest.raises(RuntimeError, match="stand-in"):
        rows_compiled_once("test.folded", lambda: Member.objects.filter(name__isnull=True).values_list("name"),
                           lambda value: value, stand_ins=(-20261123,))
