"""The school's side of circulars: only what was sent to that school, and only its own reports."""
from django.db.models import Count, OuterRef, Prefetch, Q

from shared.circulars.models import Circular, CircularItem, CircularRecipient, ItemReport
from shared.selectors import require_school


def circulars_for_school(school):
    """Published circulars this school is a recipient of, with its signing and how many points it
    has reported done."""
    require_school(school, "省级通知")
    own = CircularRecipient.objects.filter(circular=OuterRef("pk"), school=school)
    return (Circular.objects.filter(status=Circular.Status.PUBLISHED, recipients__school=school)
            .annotate(acknowledged_at=own.values("acknowledged_at")[:1],
                      item_count=Count("items", distinct=True),
                      done_count=Count("items__reports", distinct=True,
                                       filter=Q(items__reports__school=school,
                                                items__reports__status=ItemReport.Status.DONE)))
            .order_by("-published_at", "-id"))


def circular_for_school(school, pk):
    """One circular sent to this school, with its points and this school's report on each
    (`item.own_report`), or None when it was not sent here."""
    require_school(school, "省级通知")
    circular = circulars_for_school(school).filter(pk=pk).first()
    if circular is None:
        return None
    items = list(CircularItem.objects.filter(circular=circular).order_by("order").prefetch_related(
        Prefetch("reports", queryset=ItemReport.objects.filter(school=school), to_attr="own_reports")))
    for item in items:
        item.own_report = item.own_reports[0] if item.own_reports else None
    circular.school_items = items
    return circular


def item_of(circular, pk):
    return circular.items.filter(pk=pk).first() if str(pk).isdigit() else None

