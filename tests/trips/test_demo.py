"""The demo's trips: a batch gone last year, one being selected with the rotation rule and a
replacement, one open now; seeding twice changes nothing."""
from tenants.demo import seed_office_people
from tenants.members.demo import seed_members
from tenants.trips import selectors as q
from tenants.trips.demo import seed_trips
from tenants.trips.models import TripApplication, TripBatch
from tests.conftest import in_schema


def test_the_demo_batches(guilin):
    with in_schema(guilin):
        seed_members(guilin)
        seed_office_people(guilin)
        seed_trips(guilin)
        seed_trips(guilin)
        assert TripBatch.objects.count() == 3
        past, autumn, now = TripBatch.objects.order_by("starts_on")
        assert past.status == "travelled" and past.ledger_entry.status == "approved"
        assert autumn.status == "selecting" and now.status == "open"
        assert autumn.applications.filter(status="declined").count() == 1
        assert autumn.applications.filter(is_replacement=True, status="confirmed").count() == 1
        waiting = autumn.applications.get(status="selected")
        assert waiting.member.user.username == "member1"
        travellers = set(past.applications.values_list("member_id", flat=True))
        assert not autumn.applications.filter(member_id__in=travellers).exists()  # the rotation rule
        assert q.ranking(autumn)[0].priorities == ["劳动模范", "一线教职工"]
        assert TripApplication.objects.filter(status__in=q.HOLDING, batch=autumn).count() == 3
