from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from shared.honours.models import CampaignQuota, HonourCampaign, Nomination

N = Nomination.Status
# Nominations that use up a school's quota.
COUNTED = [N.SUBMITTED, N.PASSED, N.PUBLICIZED, N.AWARDED]


def campaigns_for_school(school):
    """Every campaign with this school's quota and what it has used of it, in one query."""
    own_quota = CampaignQuota.objects.filter(campaign=OuterRef("pk"), school=school).values("quota")[:1]
    return HonourCampaign.objects.annotate(
        school_quota=Coalesce(Subquery(own_quota), "default_quota", output_field=IntegerField()),
        school_used=Count("nominations", filter=Q(nominations__school=school, nominations__status__in=COUNTED)),
    )


def nominations_of(school):
    """This school's own nominations (every state), newest first."""
    from shared.selectors import require_school

    require_school(school, "推荐")
    return (Nomination.objects.filter(school=school).select_related("campaign")
            .annotate(attachment_count=Count("attachments")).order_by("-submitted_at", "-id"))


def honour_records_of(school):
    from shared.selectors import require_school

    from shared.honours.models import HonourRecord

    require_school(school, "荣誉获得者")
    return HonourRecord.objects.filter(school=school).order_by("-year", "person_name")
