"""The 疗休养 pages: who opens which, the office's path from a batch to the list, a member on their
phone portal, a chair entering for their branch, refusals beside the field, the member page's history."""
import datetime

from django.test import Client

from tenants.accounts.models import Notification
from tenants.accounts.roles import Role
from tenants.trips import services as s
from tenants.trips.models import TripApplication, TripBatch, TripRules
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in, text
from tests.trips.conftest import TODAY, a_batch, trips  # noqa: F401  (the fixture)


def page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    client.user = user
    return client


def test_who_opens_which_page(trips, huzhou):
    school = trips["school"]
    office, person = page_client(school, trips["admin"]), page_client(school, trips["person"])
    with in_schema(school):
        batch = a_batch(trips["admin"])
    for url in ["/trips/", "/trips/rules/", f"/trips/{batch.pk}/"]:
        assert office.get(url).status_code == 200, url
        assert person.get(url).status_code == 200, url
    assert office.get("/trips/new/").status_code == 200
    assert person.get("/trips/new/").status_code == 403
    assert person.post(f"/trips/{batch.pk}/do/close_applications/").status_code == 403
    assert person.post("/trips/rules/", {"min_service_years": "1"}).status_code == 403
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/trips/{batch.pk}/").status_code == 404
    # the ranking is the office's: a member sees only their own part
    assert "按规则排序的申请名单" in text(office.get(f"/trips/{batch.pk}/"))
    assert "按规则排序的申请名单" not in text(person.get(f"/trips/{batch.pk}/"))


def test_the_office_creates_a_batch_and_selects_and_the_member_confirms_on_the_portal(trips):
    school, members = trips["school"], trips["members"]
    office, person = page_client(school, trips["admin"]), page_client(school, trips["person"])
    start = TODAY + datetime.timedelta(days=20)
    body = {"title": "秋季疗休养", "destination": "广西巴马", "starts_on": start.isoformat(),
            "ends_on": (start + datetime.timedelta(days=3)).isoformat(), "places": "1", "cost_per_person": "2500",
            "applications_open_on": TODAY.isoformat(),
            "applications_close_on": (TODAY + datetime.timedelta(days=5)).isoformat()}
    bad = office.post("/trips/new/", {**body, "cost_per_person": "2500.123"})
    assert bad.status_code == 200 and "人均费用" in text(bad)
    made = office.post("/trips/new/", body)
    assert made.status_code == 302
    with in_schema(school):
        batch = TripBatch.objects.get(title="秋季疗休养")
    # the member sees it on 我的 and applies in one tap
    me = text(person.get("/me/"))
    assert "秋季疗休养" in me and "我要申请" in me
    assert person.post(f"/trips/{batch.pk}/apply/", {"next": "/me/"}).status_code == 302
    again = person.post(f"/trips/{batch.pk}/apply/", {})
    assert again.status_code == 302
    with in_schema(school):
        assert TripApplication.objects.filter(batch=batch).count() == 1
    # the office enters another; an ineligible one is refused beside the field
    with in_schema(school):
        members[2].work_started_on = TODAY - datetime.timedelta(days=30)
        members[2].save(update_fields=["work_started_on"])
    refused = office.post(f"/trips/{batch.pk}/apply/", {"member": members[2].pk})
    assert refused.status_code == 200 and "最低工龄" in text(refused)
    assert f'action="/trips/{batch.pk}/apply/"' in text(refused)  # the form posts to the same place again
    fewer = office.post(f"/trips/{batch.pk}/do/places/", {"places": "0"})
    assert fewer.status_code == 200 and "名额" in text(fewer) and f'action="/trips/{batch.pk}/do/places/"' in text(fewer)
    assert office.post(f"/trips/{batch.pk}/apply/", {"member": members[4].pk}).status_code == 302
    assert office.post(f"/trips/{batch.pk}/do/close_applications/").status_code == 302
    assert office.post(f"/trips/{batch.pk}/do/fill/").status_code == 302
    page = text(office.get(f"/trips/{batch.pk}/"))
    assert "从未参加疗休养" in page and "工龄" in page
    with in_schema(school):
        chosen = TripApplication.objects.get(batch=batch, status="selected")
        mine = TripApplication.objects.get(batch=batch, member=members[0])
    if chosen.pk != mine.pk:
        assert office.post(f"/trips/applications/{chosen.pk}/deselect/", {"reason": ""}).status_code == 302
        with in_schema(school):
            assert TripApplication.objects.get(pk=chosen.pk).status == "selected"  # no reason: refused
        office.post(f"/trips/applications/{chosen.pk}/deselect/", {"reason": "本人另有安排"})
        office.post(f"/trips/applications/{mine.pk}/select/", {"reason": "连续担任班主任"})
    with in_schema(school):
        assert Notification.objects.filter(user=trips["person"], message__contains="入选").exists()
    portal = text(person.get("/me/"))
    assert "确认参加" in portal
    assert person.post(f"/trips/applications/{mine.pk}/confirm/", {"next": "/me/"}).status_code == 302
    with in_schema(school):
        assert TripApplication.objects.get(pk=mine.pk).status == "confirmed"
    assert office.post(f"/trips/{batch.pk}/do/confirm/").status_code == 302
    with in_schema(school):
        assert TripBatch.objects.get(pk=batch.pk).status == "confirmed"
    # the history on the office's member page
    history = text(office.get(f"/members/{members[0].pk}/"))
    assert "疗休养记录" in history and "秋季疗休养" in history


def test_a_chair_enters_for_their_branch_and_the_office_sets_the_rules(trips):
    school, members = trips["school"], trips["members"]
    chair, office = page_client(school, trips["chair"]), page_client(school, trips["admin"])
    with in_schema(school):
        batch = a_batch(trips["admin"])
    page = text(chair.get(f"/trips/{batch.pk}/"))
    assert "为本分工会会员登记申请" in page and members[4].name not in page
    assert chair.post(f"/trips/{batch.pk}/apply/", {"member": members[4].pk}).status_code == 200  # not theirs
    assert chair.post(f"/trips/{batch.pk}/apply/", {"member": members[1].pk}).status_code == 302
    assert "本分工会的申请" in text(chair.get(f"/trips/{batch.pk}/"))
    bad = office.post("/trips/rules/", {"min_service_years": "80", "rotation_years": "2", "award_years": "3"})
    assert bad.status_code == 200 and "最低工龄" in text(bad)
    good = office.post("/trips/rules/", {"min_service_years": "8", "rotation_years": "4", "award_years": "2",
                                         "prefer_front_line": "on"})
    assert good.status_code == 302
    with in_schema(school):
        rules = TripRules.objects.get()
        assert (rules.min_service_years, rules.rotation_years, rules.prefer_model_workers) == (8, 4, False)
    assert "8 年" in text(office.get("/trips/rules/"))


def test_workbench_lists_batches_awaiting_selection_and_confirmations(trips):
    school, members = trips["school"], trips["members"]
    office, person = page_client(school, trips["admin"]), page_client(school, trips["person"])
    with in_schema(school):
        batch = a_batch(trips["admin"], places=1, title="待遴选的一批")
        s.application_submit(by=trips["admin"], batch=batch, member=members[0])
        s.batch_close_applications(by=trips["admin"], batch=batch)
    assert "待遴选的疗休养批次" in text(office.get("/"))
    with in_schema(school):
        s.selection_fill(by=trips["admin"], batch=batch)
    assert "疗休养待确认的入选者" in text(office.get("/"))
    assert "请确认是否参加疗休养" in text(person.get("/"))


def test_the_portal_offers_to_apply_only_where_the_service_would_accept(trips):
    """我要申请 on 我的 follows the service's rules: a place held in a batch running side by side, or
    being a retiree, shows the reason (naming the rule) instead of the button."""
    school, admin, members = trips["school"], trips["admin"], trips["members"]
    person = page_client(school, trips["person"])
    with in_schema(school):
        first = a_batch(admin, title="暑期第一批", starts_on=TODAY + datetime.timedelta(days=30))
        second = a_batch(admin, title="暑期第二批", starts_on=TODAY + datetime.timedelta(days=40))
    me = person.get("/me/").content.decode()
    assert f"/trips/{second.pk}/apply/" in me and "暂不能申请" not in me
    with in_schema(school):
        s.application_submit(by=admin, batch=first, member=members[0])
        s.batch_close_applications(by=admin, batch=first)
        s.selection_fill(by=admin, batch=first)
    page = person.get("/me/")
    me = page.content.decode()
    assert f"/trips/{second.pk}/apply/" not in me
    assert "暂不能申请" in text(page) and "轮换年限 3 年" in text(page)
    # the batch page says the same, and the service refuses a forged post with the same rule
    assert "轮换年限 3 年" in text(person.get(f"/trips/{second.pk}/"))
    person.post(f"/trips/{second.pk}/apply/", {"next": "/me/"})
    with in_schema(school):
        assert not second.applications.exists()
        s.batch_cancel(by=admin, batch=first, reason="酒店停业")
        members[0].employment_type = "retiree"
        members[0].save(update_fields=["employment_type"])
    page = person.get("/me/")
    assert f"/trips/{second.pk}/apply/" not in page.content.decode()
    assert "退休人员除外" in text(page)


def test_a_refused_fold_form_comes_back_open_with_its_message_and_what_was_typed(trips):
    school = trips["school"]
    office = page_client(school, trips["admin"])
    with in_schema(school):
        batch = a_batch(trips["admin"], places=2)
    closed = text(office.get(f"/trips/{batch.pk}/"))
    assert '<details class="status-step" id="edit-places">' in closed
    assert '<details class="status-step" id="cancel-batch">' in closed
    for typed in ["abc", "0"]:
        page = office.post(f"/trips/{batch.pk}/do/places/", {"places": typed})
        body = text(page)
        assert page.status_code == 200
        assert '<details class="status-step" id="edit-places" open>' in body, typed
        assert 'class="field-error"' in body or "errorlist" in body, typed
        assert f'value="{typed}"' in body, typed
        assert '<details class="status-step" id="cancel-batch">' in body  # the other fold stays shut
    refused = office.post(f"/trips/{batch.pk}/do/cancel/", {"reason": "  "})
    body = text(refused)
    assert refused.status_code == 200 and '<details class="status-step" id="cancel-batch" open>' in body
    assert "必须填写原因" in body
    with in_schema(school):
        assert TripBatch.objects.get(pk=batch.pk).status == "open"


def test_the_message_after_applying_says_who_applied(trips):
    school, members = trips["school"], trips["members"]
    person, office = page_client(school, trips["person"]), page_client(school, trips["admin"])
    with in_schema(school):
        batch = a_batch(trips["admin"])
    mine = person.post(f"/trips/{batch.pk}/apply/", {}, follow=True)
    assert "申请已提交" in text(mine) and f"已为{members[0].name}提交申请" not in text(mine)
    entered = office.post(f"/trips/{batch.pk}/apply/", {"member": members[4].pk}, follow=True)
    assert f"已为{members[4].name}提交申请" in text(entered)
