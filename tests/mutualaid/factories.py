"""Builders for mutual-aid tests: a scheme in the state a test needs, through the real services."""
import datetime
import itertools

from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.mutualaid import services as s
from tenants.mutualaid.models import Category
from tests.conftest import in_schema, make_user

_names = itertools.count(1)


def an_office_user(school, role=Role.UNION_ADMIN):
    return make_user(school, [role])


def a_scheme(school, by, *, state="active", fee="50.00", cap="10000.00", window=None):
    """A scheme with 住院 (50 %, at most 6,000 a claim) and 重大疾病 (fixed 8,000), moved to ``state``."""
    today = timezone.localdate()
    opens, closes = window or (today - datetime.timedelta(days=10), today + datetime.timedelta(days=10))
    with in_schema(school):
        scheme = s.scheme_create(by=by, name=f"大病互助{next(_names)}", year=today.year, enrol_opens_on=opens,
                                 enrol_closes_on=closes, fee=fee, yearly_cap=cap)
        s.category_create(scheme=scheme, by=by, name="住院", mode=Category.Mode.PERCENT, rate="50",
                          max_per_claim="6000")
        s.category_create(scheme=scheme, by=by, name="重大疾病", mode=Category.Mode.FIXED, amount="8000")
        steps = {"draft": [], "enrolling": ["open"], "active": ["open", "start"], "ended": ["open", "start", "end"]}
        for step in steps[state]:
            s.scheme_move(scheme=scheme, by=by, action=step)
        scheme.refresh_from_db()
    return scheme


def category(school, scheme, name):
    with in_schema(school):
        return scheme.categories.get(name=name)
