"""The provincial admin edits a school's profile and the staff-home criteria through their services."""
import datetime
from decimal import Decimal

from django.utils import timezone


from shared.staffhomes.models import Criterion, Round
from shared.staffhomes.services import round_create
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.models import School
from tests.admin.helpers import admin_browser, errors_beside


def school_form(school, **overrides):
    return {"name": school.name, "short_name": school.short_name, "region": school.region, "kind": school.kind,
            "contact_name": school.contact_name, "contact_phone": school.contact_phone,
            "domains-TOTAL_FORMS": 1, "domains-INITIAL_FORMS": 1, "domains-MIN_NUM_FORMS": 0,
            "domains-MAX_NUM_FORMS": 1000, "domains-0-id": school.domains.get().pk,
            "domains-0-tenant": school.pk} | overrides


def test_a_school_profile_edited_in_the_admin_is_audited_and_its_status_untouched(province, guilin):
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "prov-office")
    page = client.post(f"/admin/tenants/school/{guilin.pk}/change/",
                       school_form(guilin, short_name="桂院", status="archived"))
    assert page.status_code == 302
    guilin.refresh_from_db()
    assert guilin.short_name == "桂院" and guilin.status == School.Status.ACTIVE
    [update] = AuditRecord.objects.filter(target_type="tenants.school", target_id=str(guilin.pk), action="update")
    assert update.changes == {"short_name": ["", "桂院"]} and update.actor_name == "prov-office"


def test_a_school_name_already_taken_is_refused_beside_the_field(province, guilin, huzhou):
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "prov-office2")
    page = client.post(f"/admin/tenants/school/{guilin.pk}/change/", school_form(guilin, name=huzhou.name))
    assert page.status_code == 200 and "已存在" in errors_beside(page, "name")


def test_control_characters_in_a_school_name_are_refused_beside_the_field(province, guilin):
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "prov-office5")
    page = client.post(f"/admin/tenants/school/{guilin.pk}/change/", school_form(guilin, name="Ï\rG"))
    assert page.status_code == 200 and "控制字符" in errors_beside(page, "name")
    guilin.refresh_from_db()
    assert guilin.name == "桂林学院"


def test_a_criterion_out_of_range_is_refused_and_a_good_edit_audited(province):
    now = timezone.now()
    round_ = round_create(by=None, year=2026, title="2026年先进教职工之家", opens_at=now,
                          closes_at=now + datetime.timedelta(days=30))
    criterion = Criterion.objects.get(round=round_, name="创新")
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "prov-office3")
    url = f"/admin/staffhomes/criterion/{criterion.pk}/change/"
    form = {"name": "创新", "description": criterion.description, "max_score": "500", "order": criterion.order}
    page = client.post(url, form)
    assert page.status_code == 200 and "满分" in errors_beside(page, "max_score")
    assert client.post(url, form | {"max_score": "25"}).status_code == 302
    criterion.refresh_from_db()
    assert criterion.max_score == Decimal("25.00")
    [update] = AuditRecord.objects.filter(target_type="staffhomes.criterion", target_id=str(criterion.pk))
    assert update.changes == {"max_score": ["20.00", "25.00"]}


def test_a_round_is_opened_through_the_service_and_then_stands(province):
    client = admin_browser(province, [Role.PROVINCE_ADMIN], "prov-office4")
    form = {"year": 2026, "title": "2026年先进教职工之家", "opens_at_0": "2026-04-01", "opens_at_1": "08:00:00",
            "closes_at_0": "2026-03-01", "closes_at_1": "08:00:00", "recheck_years": 3}
    page = client.post("/admin/staffhomes/round/add/", form)
    assert page.status_code == 200 and "截止" in errors_beside(page, "closes_at")
    assert client.post("/admin/staffhomes/round/add/", form | {"closes_at_0": "2026-05-01"}).status_code == 302
    round_ = Round.objects.get(year=2026, title="2026年先进教职工之家")
    assert AuditRecord.objects.filter(target_type="staffhomes.round", target_id=str(round_.pk),
                                      action="create").exists()
    assert client.post(f"/admin/staffhomes/round/{round_.pk}/change/", form | {"title": "改名"}).status_code == 403


def test_ledger_entries_are_read_only_in_the_school_admin(guilin):
    client = admin_browser(guilin, [Role.UNION_ADMIN], "ledger-office")
    assert client.get("/admin/finance/ledgerentry/").status_code == 200
    assert client.get("/admin/finance/ledgerentry/add/").status_code == 403
