import datetime

from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from shared.honours.models import CampaignQuota, HonourCampaign, HonourRecord, Nomination
from tenants.columns import own_columns
from tenants.compiled_once import compiled_once
from tenants.counting import RelatedRows, SubqueryCount
from tenants.selectors import schools

N = Nomination.Status
# Nominations that use up a school's quota.
COUNTED = [N.SUBMITTED, N.PASSED, N.PUBLICIZED, N.AWARDED]


def campaigns_for_school(school):
    """Every campaign with this school's quota and what it has used of it, in one query."""
    return HonourCampaign.objects.annotate(school_quota=_school_quota(school_id=school.pk),
                                           school_used=_school_used(school_id=school.pk))


# A campaign's quota and use for one school, compiled to SQL once per process (tenants.compiled_once):
# building and compiling them was most of the school's campaigns list (issue #14); the school is
# filled in on each use.
@compiled_once(HonourCampaign)
def _school_quota(school_id):
    own_quota = CampaignQuota.objects.filter(campaign=OuterRef("pk"), school_id=school_id).values("quota")[:1]
    return Coalesce(Subquery(own_quota), "default_quota", output_field=IntegerField())


@compiled_once(HonourCampaign)
def _school_used(school_id):
    return SubqueryCount(Nomination.objects.filter(campaign=OuterRef("pk"), school_id=school_id, status__in=COUNTED))


def nominations_of(school):
    """This school's own nominations (every state), newest first."""
    from shared.selectors import require_school

    require_school(school, "推荐")
    return (Nomination.objects.filter(school=school).select_related("campaign")
            .annotate(attachment_count=Count("attachments"), shown_name=_shown_name())
            .order_by("-submitted_at", "-id"))


def honour_records_of(school):
    from shared.selectors import require_school

    require_school(school, "荣誉获得者")
    return HonourRecord.objects.filter(school=school).order_by("-year", "person_name")


# ---- the provincial side (every school) ----------------------------------------------------------

def _shown_name():
    """The nominee as shown and sorted: the person's name, or a collective honour's unit (exactly
    one of the two is filled in; see services.nomination_submit)."""
    return Concat(F("unit_name"), F("nominee_name"))


def campaigns_overview():
    """Every campaign with how many nominations it has in each stage, in one query."""
    def count(*states):
        return Count("nominations", filter=Q(nominations__status__in=states))

    return HonourCampaign.objects.annotate(
        nomination_count=count(*COUNTED, N.FAILED, N.NOT_AWARDED),
        to_review=count(N.SUBMITTED), passed_count=count(N.PASSED), publicized_count=count(N.PUBLICIZED),
        awarded_count=count(N.AWARDED),
    ).order_by("-year", "-id")


def nominations_for_province(*, campaign=None, school=None, status: str = "", q: str = ""):
    """Nominations of every school for the provincial pages, filtered; `shown_name` sorts them."""
    rows = (Nomination.objects.select_related("school", "campaign")
            .annotate(shown_name=_shown_name(), objection_count=Count("objections", distinct=True)))
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if school is not None:
        rows = rows.filter(school=school)
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(nominee_name__icontains=q) | Q(unit_name__icontains=q) | Q(leader_name__icontains=q))
    return rows.order_by("-submitted_at", "-id")


def quota_grid(campaign):
    """Every member school with its own quota for ``campaign`` (None: the default) and what it has
    used, in one query, by name."""
    own = CampaignQuota.objects.filter(campaign=campaign, school=OuterRef("pk")).values("quota")[:1]
    used = (Nomination.objects.filter(campaign=campaign, school=OuterRef("pk"), status__in=COUNTED)
            .values("school").annotate(n=Count("id")).values("n")[:1])
    return schools().annotate(own_quota=Subquery(own, output_field=IntegerField()),
                              used=Coalesce(Subquery(used, output_field=IntegerField()), 0)).order_by("name")


def honour_records(*, q: str = "", kind: str = "", year=None, school=None):
    """The registry for the province: who holds which honour, with how much care they received."""
    rows = HonourRecord.objects.select_related("school").annotate(
        care_count=Count("care"),
        care_total=Coalesce(Sum("care__amount"), Value(0), output_field=DecimalField(max_digits=12, decimal_places=2)))
    if q:
        rows = rows.filter(person_name__icontains=q)
    if kind:
        rows = rows.filter(kind=kind)
    if year:
        rows = rows.filter(year=year)
    if school is not None:
        rows = rows.filter(school=school)
    return rows.order_by("-year", "person_name", "id")


def record_years() -> list[int]:
    return list(HonourRecord.objects.order_by("-year").values_list("year", flat=True).distinct())


# ---- what waits for provincial staff (the provincial 工作台) --------------------------------------

#: an open campaign whose deadline is this close counts as closing soon
CLOSING_SOON_DAYS = 7
#: a 公示 ending this soon (or already over, with nominations still undecided) needs the admin
PUBLICITY_ENDING_DAYS = 3


def campaigns_closing(now=None):
    """Open campaigns whose nomination deadline is within CLOSING_SOON_DAYS — or already passed,
    waiting for the province to start the review — soonest first."""
    now = now or timezone.now()
    return (HonourCampaign.objects.filter(status=HonourCampaign.Status.OPEN,
                                          deadline__lte=now + datetime.timedelta(days=CLOSING_SOON_DAYS))
            .order_by("deadline", "id"))


def publicity_ending(today=None):
    """Campaigns in 公示 whose period ends within PUBLICITY_ENDING_DAYS (or has ended), soonest first."""
    today = today or timezone.localdate()
    return (HonourCampaign.objects.filter(status=HonourCampaign.Status.PUBLICIZING,
                                          publicity_ends_on__lte=today + datetime.timedelta(days=PUBLICITY_ENDING_DAYS))
            .order_by("publicity_ends_on", "id"))


def nominations_to_decide(today=None):
    """Nominations in 公示 whose period is over: the admin awards them or not."""
    today = today or timezone.localdate()
    return (Nomination.objects.filter(status=N.PUBLICIZED, campaign__publicity_ends_on__lt=today)
            .select_related("school", "campaign").annotate(shown_name=_shown_name())
            .order_by("campaign__publicity_ends_on", "id"))


def nominations_to_review():
    """Nominations waiting for a reviewer's verdict, oldest first: those of campaigns 评审中 (the
    ones of a campaign still open cannot be reviewed yet; see services.nomination_review)."""
    return (Nomination.objects.filter(status=N.SUBMITTED, campaign__status=HonourCampaign.Status.REVIEWING)
            .select_related("school", "campaign")
            .annotate(shown_name=_shown_name()).order_by("submitted_at", "id"))


def nominations_listed(rows):
    """Nominations as a list shows them: the school's name and the campaign's title as plain columns
    (listed_*, read by api.listed.ListedCharField) rather than joined rows (a school's row is wide; each
    was a model instance per row and a related selection compiled per request, for one name), the
    objections and attachments in the row's own query rather than a prefetch each (issue #14)."""
    return rows.select_related(None).only(*own_columns(Nomination)).annotate(
        listed_school_name=F("school__name"), listed_campaign_title=F("campaign__title"),
        listed_objections=RelatedRows(Nomination, "objections", ["id", "content", "recorded_by", "recorded_at"]),
        listed_attachments=RelatedRows(Nomination, "attachments", ["id", "name", "size", "uploaded_at"]))
