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
