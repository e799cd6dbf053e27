"""Reads of the school's award campaigns (issue #11): who sees which nominations, the quotas per
branch, each member's honours, the winners since a year (for 疗休养), the figures per year."""
from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.db.models.lookups import Exact

from tenants.accounts.roles import Role
from tenants.awards.models import AwardCampaign, AwardNomination, AwardObjection, BranchQuota
from tenants.compiled_once import compiled_once
from tenants.counting import RelatedValue
from tenants.members.models import Branch, Member

C, N, O = AwardCampaign.Status, AwardNomination.Status, AwardObjection.Status
COUNTED = (N.SUBMITTED, N.PASSED, N.PUBLICIZED, N.AWARDED)


def is_office(user) -> bool:
    return user.has_role(Role.UNION_ADMIN)


def campaigns_visible_to(user):
    """Campaigns are the school's: the office and every branch chair read them; nobody else."""
    if user.has_role(Role.UNION_ADMIN, Role.BRANCH_CHAIR):
        return AwardCampaign.objects.all()
    return AwardCampaign.objects.none()


def nominations_visible_to(user):
    """The office sees every nomination; a branch chair those of the branches they chair."""
    rows = AwardNomination.objects.select_related("campaign", "branch", "member", "member__branch")
    if is_office(user):
        return rows
    if user.has_role(Role.BRANCH_CHAIR):
        return rows.filter(branch__chair=user)
    return rows.none()


def nominations_listed(user):
    """nominations_visible_to(user) as the list shows them: the nomination's own columns, the
    campaign's title and the nominee's name (AwardNomination.name: the member's, or the branch's for
    a branch) as plain values (listed_*, read by api.listed.ListedCharField) instead of three joined
    rows built per row (issue #14). The branch stays joined: the list is ordered by its name."""
    rows = nominations_visible_to(user).select_related(None)
    return rows.annotate(listed_campaign_title=RelatedValue(AwardNomination, "campaign", "title"),
                         listed_branch_name=F("branch__name"),
                         listed_name=Coalesce(RelatedValue(AwardNomination, "member", "name"), F("branch__name")))


def objections_visible_to(user):
    """The office sees every objection; a member only those they raised themselves."""
    rows = AwardObjection.objects.select_related("nomination", "nomination__campaign", "nomination__member",
                                                 "nomination__branch")
    return rows if is_office(user) else rows.filter(raised_by_user=user)


def objections_listed(user):
    """objections_visible_to(user) as the list shows them: the objection's own columns, its
    nomination's campaign id and nominee's name (AwardNomination.name) as plain values (listed_*,
    read by api.listed.ListedValue) from subqueries compiled once per process, without joining the
    nomination, its member and its branch (issue #14)."""
    return (objections_visible_to(user).select_related(None)
            .annotate(listed_nominee=_nominee_of_objection(),
                      listed_campaign=RelatedValue(AwardObjection, "nomination", "campaign_id")))


@compiled_once(AwardObjection)
def _nominee_of_objection():
    # AwardNomination.name: the member's name, or the branch's for a branch's nomination
    nomination = AwardNomination.objects.filter(pk=OuterRef("nomination_id")).order_by()
    return Subquery(nomination.values(name=Coalesce("member__name", "branch__name")))


# --- 公示: a notice to the whole school ------------------------------------------------------------

#: what a member reads of a campaign in 公示 or published: nominees who passed review, nothing else
PUBLIC_NOMINEES = {C.PUBLICIZING: (N.PUBLICIZED,), C.FINAL: (N.AWARDED,)}


def publicity_campaigns():
    """Campaigns every signed-in member of the school may read: in 公示, or with their final list out."""
    return AwardCampaign.objects.filter(status__in=list(PUBLIC_NOMINEES)).order_by("-year", "-id")


def in_publicity(today=None):
    """Campaigns whose 公示 is running today (objections may be raised)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return publicity_campaigns().filter(status=C.PUBLICIZING, publicity_starts_on__lte=today,
                                        publicity_ends_on__gte=today)


def objection_window_open(campaign, today=None) -> bool:
    from django.utils import timezone

    today = today or timezone.localdate()
    return bool(campaign.status == C.PUBLICIZING and campaign.publicity_starts_on and campaign.publicity_ends_on
                and campaign.publicity_starts_on <= today <= campaign.publicity_ends_on)


def how_to_object(campaign) -> str:
    """What the notice says about objections."""
    from tenants.text import cn_date

    if campaign.status == C.FINAL:
        return "最终名单已公布。"
    if not objection_window_open(campaign):
        return f"公示期为 {cn_date(campaign.publicity_starts_on)} 至 {cn_date(campaign.publicity_ends_on)}，现在不能提出异议。"
    return (f"对名单中的人选有异议的，请于 {cn_date(campaign.publicity_ends_on)}（公示最后一个工作日）前在本页"
            "实名提出，写明事实；也可向校工会反映。异议只有校工会能看到，并由校工会核实处理。")


def public_nominees(campaign):
    """The nominees shown in the 公示 (passed review, not removed) or in the final list: name and branch only."""
    return (campaign.nominations.filter(status__in=PUBLIC_NOMINEES.get(campaign.status, ()))
            .select_related("member", "branch").order_by("branch__name", "id"))


def with_public_nominees(campaigns):
    """The campaigns with their public_nominees() in the page's own statement (listed_nominees: per
    nominee a dict of what PublicNomineeSerializer shows, in public_nominees' order). A prefetch cost a
    statement and three model instances per nominee: ~35 % of the 公示 list's request (issue #14)."""
    return campaigns.only(*PUBLICITY_COLUMNS).annotate(listed_nominees=_listed_nominees())


#: the columns of a campaign the 公示 list shows (PublicityCampaignSerializer) or reads
PUBLICITY_COLUMNS = ("id", "year", "title", "kind", "for_branches", "status", "publicity_days",
                     "publicity_starts_on", "publicity_ends_on", "finalised_at")


@compiled_once(AwardCampaign)
def _listed_nominees():
    # the same SQL for every page and school: compiled once per process (tenants/compiled_once.py)
    # the campaign's status read from the listed row itself: no join of the campaign in the subquery
    shown = Q()
    for status, nominees in PUBLIC_NOMINEES.items():
        shown |= Q(Exact(OuterRef("status"), status), status__in=nominees)
    rows = (AwardNomination.objects.filter(shown, campaign_id=OuterRef("pk")).order_by("branch__name", "id")
            .values(row=JSONObject(id="id", member="member_id", member_name="member__name",
                                   branch_name="branch__name")))
    return ArraySubquery(rows)


def public_nominations():
    """Nominations any member may name in an objection (those shown in a 公示 or a final list)."""
    q = Q()
    for status, shown in PUBLIC_NOMINEES.items():
        q |= Q(campaign__status=status, status__in=shown)
    return AwardNomination.objects.filter(q).select_related("campaign", "member", "branch")


def branch_quotas(campaign: AwardCampaign, branches=None) -> list[dict]:
    """Each branch (or those given) with its quota in the campaign and how many it used."""
    own = dict(BranchQuota.objects.filter(campaign=campaign).values_list("branch_id", "quota"))
    used = dict(campaign.nominations.filter(status__in=COUNTED).values("branch")
                .annotate(n=Count("id")).values_list("branch", "n"))
    rows = []
    for branch in (branches if branches is not None else Branch.objects.order_by("name")):
        quota = own.get(branch.pk, campaign.default_quota)
        rows.append({"branch": branch, "quota": quota, "used": used.get(branch.pk, 0),
                     "left": max(quota - used.get(branch.pk, 0), 0), "own": branch.pk in own})
    return rows


def final_list(campaign: AwardCampaign):
    return campaign.nominations.filter(status=N.AWARDED).select_related("member", "branch").order_by("branch__name", "id")


def honours_of(member):
    """The member's school honours (final lists) and, for a branch chair's branch, none: persons only."""
    if member is None:
        return AwardNomination.objects.none()
    return (AwardNomination.objects.filter(member=member, status=N.AWARDED, campaign__status=C.FINAL)
            .select_related("campaign").order_by("-campaign__year", "-id"))


def school_honours_visible_to(user):
    """Final-list honours of persons: the office reads every one, anyone else only their own."""
    rows = (AwardNomination.objects.filter(status=N.AWARDED, campaign__status=C.FINAL, member__isnull=False)
            .select_related("campaign", "branch", "member").order_by("-campaign__year", "-id"))
    if user.has_role(Role.UNION_ADMIN):
        return rows
    return rows.filter(member__user=user)


def school_honours_listed(user):
    """school_honours_visible_to(user) as the list shows them: of the nomination its ids, of the
    joined rows the campaign's year, title and kind and the branch's and member's names (every other
    column of the three joined tables was read and built for nothing; issue #14)."""
    return school_honours_visible_to(user).only(
        "id", "campaign", "branch", "member", "campaign__year", "campaign__title", "campaign__kind", "branch__name",
        "member__name")


def provincial_honours_of(member, school):
    """Provincial honours of this member of ``school``, only where the record is unambiguously theirs.

    The provincial registry keeps names, not members, so a record is shown when it came from one of
    this member's own nominations the school forwarded, or when it bears the member's name and no
    other member of the school (any status) has that name. With two of the same name, a record not
    linked to a nomination is left out: a colleague's honour must never show on someone else's 我的."""
    if member is None or school is None:
        return []
    from shared.honours.models import HonourRecord

    forwarded = list(AwardNomination.objects.filter(member=member, provincial_nomination_id__isnull=False)
                     .values_list("provincial_nomination_id", flat=True))
    mine = Q(nomination_id__in=forwarded)
    if not Member.objects.filter(name=member.name).exclude(pk=member.pk).exists():
        mine |= Q(person_name=member.name)
    return list(HonourRecord.objects.filter(mine, school=school).order_by("-year", "id"))


def members_awarded_since(year: int) -> set[int]:
    """Ids of the members named in a final list (after 公示) of a campaign of ``year`` or later.

    Read by the 疗休养 selection (award winners first)."""
    return set(AwardNomination.objects.filter(status=N.AWARDED, campaign__status=C.FINAL, campaign__year__gte=year,
                                              member__isnull=False).values_list("member_id", flat=True))


def awards_per_year() -> list[dict]:
    """Per year: campaigns held, and how many were named in final lists (persons and branches)."""
    campaigns = dict(AwardCampaign.objects.values("year").annotate(n=Count("id")).values_list("year", "n"))
    winners = AwardNomination.objects.filter(status=N.AWARDED, campaign__status=C.FINAL).values("campaign__year")
    winners = {row["campaign__year"]: row for row in winners.annotate(
        total=Count("id"), persons=Count("id", filter=Q(member__isnull=False)),
        branches=Count("id", filter=Q(member__isnull=True)))}
    return [{"year": year, "campaigns": campaigns[year], "winners": winners.get(year, {}).get("total", 0),
             "persons": winners.get(year, {}).get("persons", 0), "branches": winners.get(year, {}).get("branches", 0)}
            for year in sorted(campaigns, reverse=True)]


def open_for_chair(user, today=None):
    """Open campaigns (within their window) where a branch this user chairs still has quota left."""
    from django.utils import timezone

    today = today or timezone.localdate()
    branches = list(Branch.objects.filter(chair=user))
    if not branches:
        return []
    result = []
    for campaign in AwardCampaign.objects.filter(status=C.OPEN, opens_on__lte=today, closes_on__gte=today):
        rows = branch_quotas(campaign, branches)
        left = sum(r["left"] for r in rows)
        if left:
            campaign.left = left
            result.append(campaign)
    return result


def ready_to_finalise(today=None):
    from django.utils import timezone

    today = today or timezone.localdate()
    return (AwardCampaign.objects.filter(status=C.PUBLICIZING, publicity_ends_on__lt=today)
            .exclude(nominations__objections__status=O.OPEN))


# The statistics roll-up's reading of awards_per_year's winners of one year for many schools at
# once (shared/stats/figures.py)
def rollup_querysets(year: int) -> dict:
    return {"winners": AwardNomination.objects.filter(status=N.AWARDED, campaign__status=C.FINAL,
                                                      campaign__year=year)
            .order_by().values("status").annotate(n=Count("id"))}


def rollup_figures(rows: dict) -> dict:
    return {"award_winners": sum(row["n"] for row in rows["winners"])}
