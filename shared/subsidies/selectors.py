from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from shared.subsidies.models import Application, Programme

COUNTED = [Application.Status.ALLOCATED, Application.Status.DISBURSED, Application.Status.REPORTED]


def programmes_with_allocated():
    """Programmes with what has been allocated from each pool, summed in the same query."""
    return Programme.objects.annotate(allocated_sum=Coalesce(
        Sum("applications__allocated_amount", filter=Q(applications__status__in=COUNTED)),
        Value(Decimal("0.00")), output_field=DecimalField(max_digits=14, decimal_places=2))).order_by("-year", "-id")


def programmes_for_school(school):
    """Programmes open to every school — without what any school was allocated from the pool."""
    from shared.selectors import require_school

    require_school(school, "补助项目")
    return Programme.objects.order_by("-year", "-id")


def applications_of(school):
    from shared.selectors import require_school

    require_school(school, "补助申请")
    return Application.objects.filter(school=school).select_related("programme").order_by("-submitted_at", "-id")
