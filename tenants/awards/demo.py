"""Demo data: last year's 优秀工会工作者 with its final list, and this year's 工会积极分子 in 公示 with an
objection waiting (issue #11)."""
import datetime

from django.utils import timezone

from tenants.awards import services as s
from tenants.awards.models import AwardCampaign
from tenants.members.models import Branch, Member
from tenants.workdays import add_working_days

DAY = datetime.timedelta(days=1)


def _campaign(admin, *, year, title, kind, quota=2):
    today = timezone.localdate()
    return s.campaign_create(by=admin, year=year, title=title, kind=kind, default_quota=quota,
                             opens_on=today - 20 * DAY, closes_on=today + 10 * DAY,
                             criteria="热爱工会工作，积极参加工会活动，群众基础好。")


def _nominate(admin, campaign, branches):
    nominations = []
    for branch in branches:
        chair = branch.chair or admin
        for member in Member.objects.filter(branch=branch, status=Member.Status.ACTIVE).order_by("id")[:2]:
            nominations.append(s.nomination_submit(by=chair, campaign=campaign, member=member,
                                                   deeds=f"{member.name}同志长期担任工会小组长，组织活动认真负责。"))
    for nomination in nominations:
        s.nomination_review(nomination=nomination, by=admin, passed=True, comment="符合条件")
    return nominations


def seed_awards(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    from tenants.accounts.models import User

    if AwardCampaign.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    branches = list(Branch.objects.order_by("sort_order", "id")[:2])
    if admin is None or not branches:
        return
    today = timezone.localdate()

    # last year's campaign, final: its 公示 ran and nobody objected
    done = _campaign(admin, year=today.year - 1, title=f"{today.year - 1}年度优秀工会工作者评选", kind="worker")
    _nominate(admin, done, branches)
    s.campaign_publicize(campaign=done, by=admin, starts_on=today)
    last_year = datetime.date(today.year - 1, 11, 3)
    AwardCampaign.objects.filter(pk=done.pk).update(
        opens_on=datetime.date(today.year - 1, 10, 8), closes_on=datetime.date(today.year - 1, 10, 31),
        publicity_starts_on=last_year, publicity_ends_on=add_working_days(last_year, 5))
    s.campaign_finalise(campaign=done, by=admin)

    # this year's campaign in 公示 (5 working days from two days ago), with one objection recorded
    running = _campaign(admin, year=today.year, title=f"{today.year}年度工会积极分子评选", kind="activist")
    nominations = _nominate(admin, running, branches)
    s.campaign_publicize(campaign=running, by=admin, starts_on=today)
    AwardCampaign.objects.filter(pk=running.pk).update(  # a 公示 starts today or later: the demo moves it back
        closes_on=today - 3 * DAY, publicity_starts_on=today - 2 * DAY,
        publicity_ends_on=add_working_days(today - 2 * DAY, s.MIN_PUBLICITY_DAYS))
    if nominations:
        s.objection_record(nomination=nominations[-1], by=admin, raised_by="匿名",
                           content="反映该同志本年度参加工会活动较少，请核实。")
