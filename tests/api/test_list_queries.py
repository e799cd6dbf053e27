"""Every provincial list costs the same number of queries for one row as for a full page: nothing is
fetched row by row, so a region of many schools does not slow a list down page by page."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.urls_public import router
from shared.circulars.models import Circular
from shared.competitions.models import Competition
from shared.honours.models import HonourCampaign, HonourRecord, Nomination
from shared.staffhomes.models import HomeApplication, Round
from shared.subsidies.models import Application, Programme
from tenants.accounts.roles import Role
from tenants.models import School

# Rows the demo region has only once or twice, copied so every list has several to serve.
COPIED = [HonourCampaign, Nomination, Competition, Circular, Round, HomeApplication, Programme, Application]


def _copy(row, **changes):
    row.pk = row.id = None
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()


@pytest.fixture
def busy_region(demo_region, settings, province):
    settings.DEBUG = True
    schools = list(School.objects.exclude(pk=province.pk))
    for model in COPIED:
        original = model.objects.order_by("id").first()
        for index, school in enumerate(schools[:3]):
            changes = {}
            if hasattr(original, "school_id"):
                changes["school"] = school
            if model is HomeApplication:
                changes["unit_name"] = f"第{index}分会"
            if model is Application:
                changes["programme"] = Programme.objects.order_by("-id")[index]
            if model is Nomination:
                changes["nominee_name"] = f"候选人{index}"
            _copy(model.objects.get(pk=original.pk), **changes)
    for index, school in enumerate(schools):
        HonourRecord.objects.create(school=school, person_name=f"劳模{index}", kind="national_model", year=2025)
    from tenants.webhooks.services import subscription_create  # issue #13: the demo has no subscriptions

    from tenants.apikeys.services import api_key_create  # nor API keys

    for index in range(3):
        subscription_create(by=None, url=f"http://127.0.0.1:9/hook{index}", event_types=["circular.published"],
                            is_active=False)
        api_key_create(name=f"数据中心{index}", scopes=["statistics:read"], by=None,
                       expires_at=timezone.now() + datetime.timedelta(days=30))


def _queries(client, path, page_size):
    connection.queries_log.clear()  # the demo seeding filled the log to its cap; count from empty
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, (path, response.content[:300])
    return len(captured), response.json()


def test_provincial_lists_cost_the_same_for_one_row_and_a_page(busy_region, province, host_client):
    admin = host_client(province, [Role.PROVINCE_ADMIN])
    costs = {}
    for prefix, viewset, basename in router.registry:
        if basename == "competition-judging":
            continue  # a judge's own list: covered with the judge's scores in tests/shared
        path = f"/api/v1/{prefix}/"
        one, first = _queries(admin, path, 1)
        many, page = _queries(admin, path, 100)
        assert len(page["results"]) >= 3, f"{path} has too few rows to tell ({len(page['results'])})"
        costs[path] = (one, many)
    # a page holding the whole list skips its COUNT (tenants/paging.py; a list built in Python has none)
    grows = {path: cost for path, cost in costs.items() if not cost[0] - 1 <= cost[1] <= cost[0]}
    assert not grows, f"queries grow with the page (1 row, 100 rows): {grows}"


def test_a_schools_campaign_list_costs_the_same_for_one_campaign_and_a_page(busy_region, guilin, host_client):
    admin = host_client(guilin, [Role.UNION_ADMIN])
    one, _ = _queries(admin, "/api/v1/honours/campaigns/", 1)
    many, page = _queries(admin, "/api/v1/honours/campaigns/", 100)
    assert len(page["results"]) >= 3 and one - 1 <= many <= one
    own = next(row for row in page["results"] if row["my_used"])
    assert own["my_quota"] >= own["my_used"] >= 1  # guilin's demo nomination counts against its quota
