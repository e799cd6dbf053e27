"""The provincial admin's "by school" filters at thousands of schools: no sidebar of every school,
and no query per school or per row (tenants.admin_sites.SchoolFilter)."""
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared.honours.models import HonourKind, HonourRecord
from tenants.accounts.roles import Role
from tenants.admin_sites import SchoolFilter, province_admin_site
from tenants.models import School
from tests.admin.helpers import admin_browser

PAGE = "/admin/honours/honourrecord/"


def school_links(html: str) -> set[str]:
    """The schools the page links to as filter values."""
    return set(re.findall(r"school__id__exact=(\d+)", html))


def test_few_schools_are_listed_in_the_sidebar(province, guilin):
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "sheng-filter-few")
    assert str(guilin.pk) in school_links(client.get(PAGE).content.decode())


def test_thousands_of_schools_are_not_listed_and_cost_no_more_queries(province, guilin, huzhou, monkeypatch):
    monkeypatch.setattr(SchoolFilter, "max_choices", 5)
    HonourRecord.objects.create(school=guilin, person_name="桂林甲", kind=HonourKind.MAY_DAY_MEDAL, year=2026)
    HonourRecord.objects.create(school=huzhou, person_name="湖州乙", kind=HonourKind.MAY_DAY_MEDAL, year=2026)
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "sheng-filter-many")
    connection.set_schema_to_public()
    School.objects.bulk_create([School(schema_name=f"school_many{n}", slug=f"many{n}", name=f"多校{n}")
                                for n in range(3)])
    with CaptureQueriesContext(connection) as few_more:
        page = client.get(PAGE)
    assert page.status_code == 200
    connection.set_schema_to_public()
    School.objects.bulk_create([School(schema_name=f"school_more{n}", slug=f"more{n}", name=f"更多{n}")
                                for n in range(50)])
    with CaptureQueriesContext(connection) as many_more:
        html = client.get(PAGE).content.decode()
    assert school_links(html) == set()  # no school listed, only "all"
    assert "多校0" not in html and "更多0" not in html
    assert len(many_more.captured_queries) == len(few_more.captured_queries)

    # the filter still filters, and shows the school chosen
    chosen = client.get(f"{PAGE}?school__id__exact={guilin.pk}").content.decode()
    assert "桂林甲" in chosen and "湖州乙" not in chosen
    assert school_links(chosen) == {str(guilin.pk)} and guilin.name in chosen
    # the search box finds a school's rows by its name
    searched = client.get(PAGE, {"q": huzhou.name}).content.decode()
    assert "湖州乙" in searched and "桂林甲" not in searched


def test_every_school_foreign_key_filter_in_the_provincial_admin_is_bounded():
    """A plain "school" entry in list_filter would be Django's filter of every school."""
    for model, model_admin in province_admin_site._registry.items():
        for entry in model_admin.list_filter:
            field = entry[0] if isinstance(entry, tuple) else entry
            if not isinstance(field, str) or "__" in field:
                continue
            target = getattr(model._meta.get_field(field), "related_model", None)
            if target is School:
                assert isinstance(entry, tuple) and issubclass(entry[1], SchoolFilter), (model, field)
