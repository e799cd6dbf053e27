from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from shared.subsidies.models import Application, Programme
from tenants.columns import own_columns

COUNTED = [Application.Status.ALLOCATED, Application.Status.DISBURSED, Application.Status.REPORTED]
PAID = [Application.Status.DISBURSED, Application.Status.REPORTED]


def _money_sum(condition):
    return Coalesce(Sum("applications__allocated_amount", filter=condition), Value(Decimal("0.00")),
                    output_field=DecimalField(max_digits=14, decimal_places=2))


def programmes_with_allocated():
    """Programmes with what has been allocated from each pool, summed in the same query."""
    return Programme.objects.annotate(allocated_sum=_money_sum(Q(applications__status__in=COUNTED))).order_by(
        "-year", "-id")


def programmes_overview():
    """The province's list: each pool with what is allocated, what is paid out and what waits."""
    return programmes_with_allocated().annotate(
        disbursed_sum=_money_sum(Q(applications__status__in=PAID)),
        application_count=Count("applications"),
        waiting_count=Count("applications", filter=Q(applications__status=Application.Status.SUBMITTED)),
    )


def applications_listed(rows):
    """Applications as a list shows them: of the joined school only its name, of the programme its
    title and what its rule needs to suggest an amount (services.suggestion) — a programme's and a
    school's other columns cost compiling and building for nothing (issue #14)."""
    return rows.select_related("school", "programme").only(
        *own_columns(Application), "school__name", "programme__title", "programme__rule",
        "programme__base_amount", "programme__per_member_amount")


def province_applications(*, status: str = "", programme=None, search: str = ""):
    """Every school's applications (the province's view), narrowed by status, programme and a
    search over the school's name and the project."""
    rows = Application.objects.select_related("school", "programme")
    if status:
        rows = rows.filter(status=status)
    if programme is not None:
        rows = rows.filter(programme=programme)
    search = (search or "").strip()
    if search:
        rows = rows.filter(Q(school__name__icontains=search) | Q(project__icontains=search))
    return rows.order_by("-submitted_at", "-id")


def overdue_reports(*, today=None):
    """Disbursed money whose use the school has not reported by the programme's due date (a
    calendar date the province sets; the report is late from the day after it)."""
    today = today or timezone.localdate()
    return (Application.objects.filter(status=Application.Status.DISBURSED, programme__report_due_on__lt=today)
            .select_related("school", "programme").order_by("programme__report_due_on", "school__name", "id"))


def programmes_for_school(school):
    """Programmes open to every school — without what any school was allocated from the pool."""
    from shared.selectors import require_school

    require_school(school, "补助项目")
    return Programme.objects.order_by("-year", "-id")


def applications_of(school):
    from shared.selectors import require_school

    require_school(school, "补助申请")
    return Application.objects.filter(school=school).select_related("programme").order_by("-submitted_at", "-id")
