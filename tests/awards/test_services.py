"""The school's awards: nominations within quota, review, 公示 on China's working days, objections,
the final list, forwarding to the province — refusals in Chinese naming the rule, nothing written."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tenants.audit.models import AuditRecord
from tenants.awards import selectors as q
from tenants.awards import services as s
from tenants.awards.models import AwardCampaign, AwardNomination, AwardObjection
from tenants.errors import Conflict, IllegalTransition, NotAllowed
from tenants.publicity import publicity_period
from tenants.workdays import add_working_days
from tests.conftest import in_schema

TODAY = timezone.localdate


def campaign(a, **extra):
    values = {"year": TODAY().year, "title": "优秀工会工作者评选", "kind": "worker", "default_quota": 1,
              "opens_on": TODAY() - datetime.timedelta(days=3), "closes_on": TODAY() + datetime.timedelta(days=7),
              "criteria": "热心工会工作"}
    values.update(extra)
    return s.campaign_create(by=a["admin"], **values)


def to_final(a, c, nominations):
    for n in nominations:
        s.nomination_review(nomination=n, by=a["admin"], passed=True)
    s.campaign_publicize(campaign=c, by=a["admin"], starts_on=TODAY())
    past = TODAY() - datetime.timedelta(days=1)
    AwardCampaign.objects.filter(pk=c.pk).update(publicity_starts_on=past - datetime.timedelta(days=7),
                                                 publicity_ends_on=past)
    return s.campaign_finalise(campaign=c, by=a["admin"])


def test_a_publicity_is_counted_in_chinas_working_days():
    # 5 working days from Monday 29 Sep 2025 run across the National Day holiday (1–8 Oct) and end on
    # Saturday 11 Oct, an adjusted workday
    assert publicity_period(datetime.date(2025, 9, 29), 5, minimum=5)[:2] == (datetime.date(2025, 9, 29),
                                                                              datetime.date(2025, 10, 11))
    with pytest.raises(ValidationError) as refused:
        publicity_period(datetime.date(2025, 9, 29), 3, minimum=5)
    assert "不少于 5 个工作日" in refused.value.message_dict["publicity_days"][0]


def test_a_publicity_shorter_than_the_rule_is_refused(awards):
    with in_schema(awards["school"]):
        with pytest.raises(ValidationError) as refused:
            campaign(awards, publicity_days=3)
        assert "不少于 5 个工作日" in refused.value.message_dict["publicity_days"][0]
        assert not AwardCampaign.objects.exists()
        c = campaign(awards)
        n = s.nomination_submit(by=awards["chair"], campaign=c, member=awards["members"][0], deeds="事迹")
        s.nomination_review(nomination=n, by=awards["admin"], passed=True)
        with pytest.raises(ValidationError) as refused:
            s.campaign_publicize(campaign=c, by=awards["admin"], starts_on=TODAY(), days=4)
        assert "publicity_days" in refused.value.message_dict
        c.refresh_from_db()
        n.refresh_from_db()
        assert c.status == "open" and c.publicity_starts_on is None and n.status == "passed"


def test_a_publicity_is_never_shorter_than_the_campaign_s_own_number(awards):
    with in_schema(awards["school"]):
        c = campaign(awards, publicity_days=7)
        n = s.nomination_submit(by=awards["chair"], campaign=c, member=awards["members"][0], deeds="事迹")
        s.nomination_review(nomination=n, by=awards["admin"], passed=True)
        with pytest.raises(ValidationError) as refused:
            s.campaign_publicize(campaign=c, by=awards["admin"], starts_on=TODAY(), days=5)
        assert "规定公示 7 个工作日，不能缩短为 5 个工作日" in refused.value.message_dict["publicity_days"][0]
        c.refresh_from_db()
        n.refresh_from_db()
        assert c.status == "open" and c.publicity_days == 7 and n.status == "passed"
        c = s.campaign_publicize(campaign=c, by=awards["admin"], starts_on=TODAY(), days=8)
        assert c.publicity_days == 8 and c.publicity_ends_on == add_working_days(TODAY(), 8)


def test_a_publicity_never_starts_before_today(awards):
    # a backdated 公示 could already be over: objections refused at once, the final list the same minute
    with in_schema(awards["school"]):
        c = campaign(awards)
        n = s.nomination_submit(by=awards["chair"], campaign=c, member=awards["members"][0], deeds="事迹")
        s.nomination_review(nomination=n, by=awards["admin"], passed=True)
        for starts_on in (TODAY() - datetime.timedelta(days=1), TODAY() - datetime.timedelta(days=20)):
            with pytest.raises(ValidationError) as refused:
                s.campaign_publicize(campaign=c, by=awards["admin"], starts_on=starts_on)
            assert "不能早于今天" in refused.value.message_dict["starts_on"][0]
        c.refresh_from_db()
        n.refresh_from_db()
        assert c.status == "open" and c.publicity_starts_on is None and n.status == "passed"
        c = s.campaign_publicize(campaign=c, by=awards["admin"], starts_on=TODAY() + datetime.timedelta(days=2))
        assert c.status == "publicizing" and c.publicity_starts_on == TODAY() + datetime.timedelta(days=2)


def test_chairs_nominate_their_own_within_quota(awards):
    a = awards
    with in_schema(a["school"]):
        c = campaign(a)
        first = s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][0], deeds="事迹")
        assert first.branch == a["own"]
        with pytest.raises(Conflict, match="名额为 1 名，已用完"):
            s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][1], deeds="事迹")
        with pytest.raises(Conflict, match="已在"):
            s.nomination_submit(by=a["admin"], campaign=c, member=a["members"][0], deeds="事迹")
        with pytest.raises(ValidationError) as refused:
            s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][4], deeds="事迹")
        assert "只能推荐本分工会的会员" in refused.value.message_dict["member"][0]
        with pytest.raises(NotAllowed):
            s.nomination_submit(by=a["plain"], campaign=c, member=a["members"][0], deeds="事迹")
        s.campaign_set_quota(campaign=c, branch=a["own"], quota=2, by=a["admin"])
        s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][1], deeds="事迹")
        with pytest.raises(ValidationError) as refused:
            s.campaign_set_quota(campaign=c, branch=a["own"], quota=1, by=a["admin"])
        assert "不能少于 2" in refused.value.message_dict["quota"][0]
        assert AwardNomination.objects.count() == 2
        assert {r["branch"].name: r["used"] for r in q.branch_quotas(c)} == {"文学院": 2, "理学院": 0}
        assert [x.pk for x in q.nominations_visible_to(a["chair2"])] == []


def test_nominations_only_within_the_window(awards):
    a = awards
    with in_schema(a["school"]):
        later = campaign(a, opens_on=TODAY() + datetime.timedelta(days=1), closes_on=TODAY() + datetime.timedelta(days=5))
        with pytest.raises(Conflict, match="推荐时间为"):
            s.nomination_submit(by=a["chair"], campaign=later, member=a["members"][0], deeds="事迹")
        assert not AwardNomination.objects.exists()


def test_a_branch_is_nominated_for_the_home_award(awards):
    a = awards
    with in_schema(a["school"]):
        c = campaign(a, kind="home", title="先进教工小家")
        assert c.for_branches
        with pytest.raises(ValidationError) as refused:
            s.nomination_submit(by=a["chair"], campaign=c, branch=a["other"], deeds="事迹")
        assert "branch" in refused.value.message_dict
        n = s.nomination_submit(by=a["chair"], campaign=c, branch=a["own"], deeds="小家建设")
        assert n.name == "文学院" and n.member is None


def test_the_whole_flow_with_objections(awards):
    a = awards
    with in_schema(a["school"]):
        c = campaign(a, default_quota=2)
        n1 = s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][0], deeds="事迹一")
        n2 = s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][1], deeds="事迹二")
        n3 = s.nomination_submit(by=a["chair2"], campaign=c, member=a["members"][4], deeds="事迹三")
        with pytest.raises(Conflict, match="未审核"):
            s.nomination_review(nomination=n1, by=a["admin"], passed=True)
            s.campaign_publicize(campaign=c, by=a["admin"], starts_on=TODAY())
        with pytest.raises(ValidationError):
            s.nomination_review(nomination=n3, by=a["admin"], passed=False)
        s.nomination_review(nomination=n3, by=a["admin"], passed=False, comment="材料不全")
        s.nomination_review(nomination=n2, by=a["admin"], passed=True)
        with pytest.raises(NotAllowed):
            s.nomination_review(nomination=n3, by=a["chair"], passed=True)
        c = s.campaign_publicize(campaign=c, by=a["admin"], starts_on=TODAY())
        assert c.status == "publicizing" and c.publicity_ends_on == add_working_days(TODAY(), 5)
        with pytest.raises(Conflict, match="不再接受推荐"):
            s.nomination_submit(by=a["chair2"], campaign=c, member=a["members"][5], deeds="x")
        o1 = s.objection_record(nomination=n1, by=a["admin"], raised_by="匿名", content="事迹不实")
        o2 = s.objection_record(nomination=n2, by=a["admin"], raised_by="张三", content="有异议")
        with pytest.raises(ValidationError) as refused:
            s.objection_record(nomination=n2, by=a["admin"], raised_by="", content="")
        assert set(refused.value.message_dict) == {"raised_by", "content"}
        with pytest.raises(Conflict, match="只有公示期间"):
            s.objection_record(nomination=n3, by=a["admin"], raised_by="x", content="x")
        # not final before the 公示 ends, nor while an objection is open
        with pytest.raises(Conflict, match="结束后才能公布最终名单"):
            s.campaign_finalise(campaign=c, by=a["admin"])
        AwardCampaign.objects.filter(pk=c.pk).update(publicity_starts_on=TODAY() - datetime.timedelta(days=9),
                                                     publicity_ends_on=TODAY() - datetime.timedelta(days=1))
        with pytest.raises(Conflict, match="2 条公示异议未处理"):
            s.campaign_finalise(campaign=c, by=a["admin"])
        s.objection_resolve(objection=o1, by=a["admin"], upheld=True, resolution="经核实事迹不实")
        s.objection_resolve(objection=o2, by=a["admin"], upheld=False, resolution="经核实无问题")
        with pytest.raises(IllegalTransition):
            s.objection_resolve(objection=o2, by=a["admin"], upheld=True, resolution="再议")
        n1.refresh_from_db()
        assert n1.status == "removed" and n1.removal_reason == "经核实事迹不实"
        c = s.campaign_finalise(campaign=c, by=a["admin"])
        assert c.status == "final"
        assert [n.pk for n in q.final_list(c)] == [n2.pk]
        assert AwardObjection.objects.filter(status="open").count() == 0
        assert q.members_awarded_since(TODAY().year) == {a["members"][1].pk}
        assert q.members_awarded_since(TODAY().year + 1) == set()
        assert list(q.honours_of(a["members"][1])) == [AwardNomination.objects.get(pk=n2.pk)]
        assert q.awards_per_year()[0] == {"year": TODAY().year, "campaigns": 1, "winners": 1, "persons": 1,
                                          "branches": 0}
        assert AuditRecord.objects.filter(target_type="awards.awardnomination", to_state="awarded").exists()


def test_winners_are_forwarded_to_a_provincial_campaign(awards):
    from shared.honours.models import Nomination
    from shared.honours.services import campaign_create

    a = awards
    province = campaign_create(by=None, kind="ethics_model", year=TODAY().year, title="师德标兵推荐",
                               deadline=timezone.now() + datetime.timedelta(days=10), default_quota=1)
    with in_schema(a["school"]):
        c = campaign(a, default_quota=2)
        n1 = s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][0], deeds="事迹一")
        n2 = s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][1], deeds="事迹二")
        with pytest.raises(Conflict, match="最终名单"):
            s.nomination_forward(nomination=n1, by=a["admin"], provincial_campaign=province, school=a["school"])
        to_final(a, c, [n1, n2])
        n1 = s.nomination_forward(nomination=n1, by=a["admin"], provincial_campaign=province, school=a["school"])
        assert n1.provincial_campaign_title == "师德标兵推荐"
        provincial = Nomination.objects.get(pk=n1.provincial_nomination_id)
        assert provincial.nominee_name == a["members"][0].name and provincial.school == a["school"]
        with pytest.raises(Conflict, match="已推荐至"):
            s.nomination_forward(nomination=n1, by=a["admin"], provincial_campaign=province, school=a["school"])
        # the province's quota holds: nothing written on either side
        with pytest.raises(Conflict, match="名额为 1 名"):
            s.nomination_forward(nomination=n2, by=a["admin"], provincial_campaign=province, school=a["school"])
        n2.refresh_from_db()
        assert n2.provincial_nomination_id is None
        assert Nomination.objects.filter(campaign=province).count() == 1
    # the honour given on the forwarded nomination is the member's even when a colleague shares the name
    from shared.honours.models import HonourRecord
    from tests.awards.conftest import new_member

    record = HonourRecord.objects.create(school=a["school"], person_name=provincial.nominee_name,
                                         kind="ethics_model", year=TODAY().year, nomination=provincial)
    with in_schema(a["school"]):
        namesake = new_member(a["other"], 90, name=a["members"][0].name)
        assert q.provincial_honours_of(a["members"][0], a["school"]) == [record]
        assert q.provincial_honours_of(namesake, a["school"]) == []


def test_a_provincial_honour_shows_only_where_it_is_unambiguously_the_member_s(awards):
    from shared.honours.models import HonourRecord
    from tests.awards.conftest import new_member

    a = awards
    unique, recorded = a["members"][2], a["members"][0]
    with in_schema(a["school"]):
        namesake = new_member(a["other"], 90, name=recorded.name)
        retired_namesake = new_member(a["other"], 91, name=a["members"][3].name, status="retired")
    theirs = HonourRecord.objects.create(school=a["school"], person_name=recorded.name, kind="ethics_model",
                                         year=2024)
    own = HonourRecord.objects.create(school=a["school"], person_name=unique.name, kind="craftsman", year=2023)
    HonourRecord.objects.create(school=a["school"], person_name=a["members"][3].name, kind="craftsman", year=2022)
    with in_schema(a["school"]):
        # two members share the name: the record could be either's, so neither sees it
        assert q.provincial_honours_of(recorded, a["school"]) == []
        assert q.provincial_honours_of(namesake, a["school"]) == []
        # a namesake who has retired still makes the name ambiguous
        assert q.provincial_honours_of(a["members"][3], a["school"]) == []
        assert q.provincial_honours_of(retired_namesake, a["school"]) == []
        # a name no one else has: the record is theirs
        assert q.provincial_honours_of(unique, a["school"]) == [own]
    assert theirs.nomination_id is None


def test_a_year_without_published_holidays_is_said_so():
    from web.school.awards import _publicity_note

    start, end, covered = publicity_period(datetime.date(2099, 9, 28), 5, minimum=5)
    assert end == datetime.date(2099, 10, 2) and not covered  # Monday to Friday only
    campaign = AwardCampaign(publicity_starts_on=start, publicity_ends_on=end)
    assert "2099年的法定节假日尚未公布" in _publicity_note(campaign)
    assert _publicity_note(AwardCampaign(publicity_starts_on=datetime.date(2025, 9, 29),
                                         publicity_ends_on=datetime.date(2025, 10, 11))) == ""


def test_a_member_raises_an_objection_during_the_publicity(awards):
    from tenants.accounts.models import Notification
    from tenants.awards import selectors as q

    a = awards
    with in_schema(a["school"]):
        c = s.campaign_create(by=a["admin"], year=TODAY().year, title="最美教师评选", kind="teacher",
                              opens_on=TODAY() - datetime.timedelta(days=1),
                              closes_on=TODAY() + datetime.timedelta(days=5))
        n = s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][1], deeds="事迹")
        with pytest.raises(Conflict, match="只有公示期间"):
            s.objection_record(nomination=n, by=a["plain"], content="有异议")
        s.nomination_review(nomination=n, by=a["admin"], passed=True)
        s.campaign_publicize(campaign=c, by=a["admin"], starts_on=TODAY())
        with pytest.raises(ValidationError) as refused:
            s.objection_record(nomination=n, by=a["plain"], content="  ")
        assert set(refused.value.message_dict) == {"content"}
        o = s.objection_record(nomination=n, by=a["plain"], content="事迹不实", raised_by="冒名")
        assert (o.raised_by, o.raised_by_user, o.recorded_by) == (a["members"][0].name, a["plain"],
                                                                  a["plain"].username)
        assert Notification.objects.filter(user=a["admin"], message__contains="公示收到异议").exists()
        assert list(q.objections_visible_to(a["plain"])) == [o]
        assert list(q.objections_visible_to(a["chair"])) == []
        assert list(q.objections_visible_to(a["admin"])) == [o]
        c.refresh_from_db()
        assert [x.pk for x in q.public_nominees(c)] == [n.pk]
        AwardCampaign.objects.filter(pk=c.pk).update(publicity_starts_on=TODAY() - datetime.timedelta(days=9),
                                                     publicity_ends_on=TODAY() - datetime.timedelta(days=1))
        with pytest.raises(Conflict, match="不能记录异议"):
            s.objection_record(nomination=n, by=a["plain"], content="再议")
