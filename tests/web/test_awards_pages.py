"""The award pages: who opens which, a campaign from creation through 公示 and objections to the final
list, a 公示 shorter than the rule refused beside its field, the workbench, the member's honours."""
import datetime
import re

from django.test import Client
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.awards import services as s
from tenants.awards.models import AwardCampaign, AwardNomination
from tests.awards.conftest import awards  # noqa: F401  (the fixture)
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in, text

DAY = datetime.timedelta(days=1)


def page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    client.user = user
    return client


def _campaign(a, **extra):
    today = timezone.localdate()
    return s.campaign_create(by=a["admin"], year=today.year, title="最美教师评选", kind="teacher",
                             opens_on=today - DAY, closes_on=today + 5 * DAY, **extra)


def test_who_opens_which_page(awards, huzhou):
    a, school = awards, awards["school"]
    admin, chair, plain = (page_client(school, a[k]) for k in ("admin", "chair", "plain"))
    with in_schema(school):
        c = _campaign(a)
        n = s.nomination_submit(by=a["chair2"], campaign=c, member=a["members"][4], deeds="事迹")
    for url in ["/awards/", "/awards/new/", f"/awards/{c.pk}/", f"/awards/nominations/{n.pk}/",
                "/awards/publicity/"]:
        assert admin.get(url).status_code == 200, url
    for url in ["/awards/new/", f"/awards/nominations/{n.pk}/"]:
        assert plain.get(url).status_code == 403, url
    # a plain member is sent to the 公示 page; a campaign not in 公示 is not there for them
    assert plain.get("/awards/")["Location"] == "/awards/publicity/"
    assert plain.get("/awards/publicity/").status_code == 200
    assert plain.get(f"/awards/{c.pk}/").status_code == 404
    assert plain.post(f"/awards/{c.pk}/", {"do": "finalise"}).status_code == 403
    assert signed_in(huzhou, [Role.MEMBER]).get("/awards/publicity/").status_code == 200  # its own, empty
    assert chair.get("/awards/").status_code == 200
    assert chair.get(f"/awards/{c.pk}/").status_code == 200
    assert chair.get("/awards/new/").status_code == 403
    # another branch's nomination is not there for this chair; another school's campaign not at all
    assert chair.get(f"/awards/nominations/{n.pk}/").status_code == 404
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(f"/awards/{c.pk}/").status_code == 404


def test_a_campaign_from_creation_to_the_final_list(awards):
    a, school = awards, awards["school"]
    admin, chair = page_client(school, a["admin"]), page_client(school, a["chair"])
    today = timezone.localdate()
    form = {"year": today.year, "title": "优秀工会工作者评选", "kind": "worker", "default_quota": "1",
            "opens_on": today - DAY, "closes_on": today + 5 * DAY, "criteria": "热心"}
    short = admin.post("/awards/new/", {**form, "publicity_days": "3"})
    assert short.status_code == 200 and "不少于 5 个工作日" in text(short)
    with in_schema(school):
        assert not AwardCampaign.objects.exists()
    created = admin.post("/awards/new/", {**form, "publicity_days": "5"})
    assert created.status_code == 302
    with in_schema(school):
        c = AwardCampaign.objects.get()
    url = f"/awards/{c.pk}/"
    page = chair.get(url)
    assert "推荐会员" in text(page) and "文学院：名额 1" in text(page)
    foreign = chair.post(url + "?do=nominate", {"member": a["members"][4].pk, "deeds": "事迹"})
    assert foreign.status_code == 200 and "请选择本分工会的在会会员" in text(foreign)
    assert chair.post(url + "?do=nominate", {"member": a["members"][0].pk, "deeds": "事迹"}).status_code == 302
    beyond = chair.post(url + "?do=nominate", {"member": a["members"][1].pk, "deeds": "事迹"})
    assert "名额为 1 名，已用完" in text(beyond)
    with in_schema(school):
        n = AwardNomination.objects.get()
    todos = text(admin.get("/"))
    assert "待审核的评先评优推荐" in todos
    assert admin.post(f"/awards/nominations/{n.pk}/", {"do": "pass"}).status_code == 302
    too_short = admin.post(url + "?do=publicize", {"starts_on": today, "days": "4"})
    assert "不少于 5 个工作日" in text(too_short)
    assert admin.post(url + "?do=publicize", {"starts_on": today, "days": "5"}).status_code == 302
    page = text(admin.get(url))
    assert "公示中" in page and "个工作日" in page
    assert admin.post(f"/awards/nominations/{n.pk}/?do=objection", {"raised_by": "匿名", "content": "反映情况"}
                      ).status_code == 302
    assert "待处理的公示异议" in text(admin.get("/"))
    # the page asks the service whether the list can be published: not while the 公示 runs...
    running = text(admin.get(url))
    assert "结束后才能公布最终名单" in running and 'value="finalise"' not in running
    # a tampered objection id finds nothing: 404, never a 500
    for tampered in ("abc", "1.5", "-1", "", "9" * 30):
        assert admin.post(f"/awards/nominations/{n.pk}/", {"do": "dismiss", "objection": tampered,
                                                           "reason": "x"}).status_code == 404
    with in_schema(school):
        objection = n.objections.get()
        assert objection.status == "open"
        AwardCampaign.objects.filter(pk=c.pk).update(publicity_ends_on=today - DAY)
    # ...nor after it with an objection still open
    blocked = text(admin.get(url))
    assert "还有 1 条公示异议未处理" in blocked and 'value="finalise"' not in blocked
    with in_schema(school):
        AwardCampaign.objects.filter(pk=c.pk).update(publicity_ends_on=today + 4 * DAY)
    assert admin.post(f"/awards/nominations/{n.pk}/", {"do": "dismiss", "objection": objection.pk,
                                                       "reason": "经核实无问题"}).status_code == 302
    early = admin.post(url, {"do": "finalise"}, follow=True)
    assert "结束后才能公布最终名单" in text(early)
    with in_schema(school):
        AwardCampaign.objects.filter(pk=c.pk).update(publicity_starts_on=today - 9 * DAY, publicity_ends_on=today - DAY)
    assert "公示期满、待公布名单" in text(admin.get("/"))
    assert 'value="finalise"' in text(admin.get(url))
    done = admin.post(url, {"do": "finalise"}, follow=True)
    assert "最终名单" in text(done) and a["members"][0].name in text(done)
    member_page = text(admin.get(f"/members/{a['members'][0].pk}/"))
    assert "优秀工会工作者评选" in member_page
    portal = page_client(school, a["plain"])
    assert "我的荣誉" in text(portal.get("/me/")) and "优秀工会工作者评选" in text(portal.get("/me/"))
    # a provincial honour under the member's name shows on 我的 only while no colleague shares the name
    from shared.honours.models import HonourRecord
    from tests.awards.conftest import new_member

    HonourRecord.objects.create(school=school, person_name=a["members"][0].name, kind="craftsman", year=2023)
    assert "广西工匠" in text(portal.get("/me/"))
    with in_schema(school):
        new_member(a["other"], 90, name=a["members"][0].name)
    assert "广西工匠" not in text(portal.get("/me/"))


def test_a_chair_sees_open_campaigns_on_the_workbench(awards):
    a, school = awards, awards["school"]
    with in_schema(school):
        _campaign(a)
    assert "待推荐的评先评优" in text(page_client(school, a["chair"]).get("/"))


def test_a_member_reads_the_publicity_and_raises_an_objection(awards, huzhou):
    a, school = awards, awards["school"]
    plain = page_client(school, a["plain"])
    with in_schema(school):
        c = _campaign(a)
        passed = s.nomination_submit(by=a["chair"], campaign=c, member=a["members"][1], deeds="秘密事迹")
        failed = s.nomination_submit(by=a["chair2"], campaign=c, member=a["members"][4], deeds="事迹")
        s.nomination_review(nomination=passed, by=a["admin"], passed=True)
        s.nomination_review(nomination=failed, by=a["admin"], passed=False, comment="不符合条件的原因")
        s.campaign_publicize(campaign=c, by=a["admin"], starts_on=timezone.localdate())
        name, failed_name = a["members"][1].name, a["members"][4].name
    portal = text(plain.get("/me/"))
    assert "正在公示" in portal and "最美教师评选" in portal
    assert plain.get(f"/awards/{c.pk}/")["Location"] == f"/awards/publicity/#campaign-{c.pk}"
    page = text(plain.get("/awards/publicity/"))
    assert name in page and "文学院" in page and "个工作日" in page and "提出异议" in page
    # what a reader sees, not attributes: the page's random CSRF token sometimes contains "A1"
    shown = re.sub(r"<[^>]*>", " ", page)
    for hidden in (failed_name, "秘密事迹", "不符合条件的原因", a["members"][1].employee_number):
        assert hidden not in shown, hidden
    empty = plain.post(f"/awards/publicity/?campaign={c.pk}", {"nomination": passed.pk, "content": " "})
    assert empty.status_code == 200 and "异议内容不能为空" in text(empty)
    refused = plain.post(f"/awards/publicity/?campaign={c.pk}", {"nomination": failed.pk, "content": "x"})
    assert "请选择公示名单中的人选" in text(refused)
    assert plain.post(f"/awards/publicity/?campaign={c.pk}",
                      {"nomination": passed.pk, "content": "该同志事迹有夸大"}).status_code == 302
    with in_schema(school):
        objection = passed.objections.get()
        assert objection.raised_by_user_id == a["plain"].pk and objection.raised_by == a["members"][0].name
    assert "我提出的异议" in text(plain.get("/awards/publicity/"))
    admin = page_client(school, a["admin"])
    assert "待处理的公示异议" in text(admin.get("/"))
    office_view = text(admin.get(f"/awards/nominations/{passed.pk}/"))
    assert a["members"][0].name in office_view and "该同志事迹有夸大" in office_view
    # another member sees the notice, not the objection
    other = signed_in(school, [Role.MEMBER])
    assert "该同志事迹有夸大" not in text(other.get("/awards/publicity/"))
    # after the 公示: no form, and a post is refused
    with in_schema(school):
        AwardCampaign.objects.filter(pk=c.pk).update(publicity_ends_on=timezone.localdate() - DAY,
                                                     publicity_starts_on=timezone.localdate() - 9 * DAY)
    assert "提交异议" not in text(plain.get("/awards/publicity/"))
    late = plain.post(f"/awards/publicity/?campaign={c.pk}", {"nomination": passed.pk, "content": "x"}, follow=True)
    assert "现在不能提出异议" in text(late)
    assert plain.post("/awards/publicity/?campaign=abc", {}).status_code == 404
    # another school's campaign is not on this school's page
    assert "最美教师评选" not in text(signed_in(huzhou, [Role.MEMBER]).get("/awards/publicity/"))
