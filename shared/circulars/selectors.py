"""Reads of circulars. The school's side: only what was sent to that school, and only its own
reports. The province's side: every circular with the figures it follows up on."""
from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from shared.circulars.models import Circular, CircularItem, CircularRecipient, ItemReport
from shared.selectors import require_school
from tenants.compiled_once import compiled_once
from tenants.counting import RelatedRows
from tenants.text import ascii_int


def circulars_for_school(school):
    """Published circulars this school is a recipient of, with its signing and how many points it
    has reported done."""
    own = CircularRecipient.objects.filter(circular=OuterRef("pk"), school=school)
    return circulars_sent_to(school).annotate(
        acknowledged_at=own.values("acknowledged_at")[:1],
        item_count=Count("items", distinct=True),
        done_count=Count("items__reports", distinct=True,
                         filter=Q(items__reports__school=school, items__reports__status=ItemReport.Status.DONE)))


def circulars_sent_to(school):
    """Published circulars this school is a recipient of, newest first, without figures: for a
    reader that shows none (the 行事历 compiled and planned their joins and GROUP BY for nothing,
    issue #14). Which circulars a school sees is decided here only."""
    require_school(school, "省级通知")
    return (Circular.objects.filter(status=Circular.Status.PUBLISHED, recipients__school=school)
            .order_by("-published_at", "-id"))


def receipts_of(school):
    """This school's receipts of the published circulars sent to it, newest circular first: the rule
    of `circulars_sent_to` read from the receipt's side, so that a per-circular subquery can name
    the receiving school as the row's own column (`points_with_own_report`)."""
    require_school(school, "省级通知")
    return (CircularRecipient.objects.filter(school=school, circular__status=Circular.Status.PUBLISHED)
            .order_by("-circular__published_at", "-circular_id"))


@compiled_once(CircularRecipient)
def points_with_own_report():
    """A receipt's circular's points in order, each {pk, title, due_on, own_status} with the
    receiving school's report (null: none), as an array in the receipt's own row: one statement with
    the circulars instead of a second one per request, compiled once per process (issue #14)."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models.functions import JSONObject

    own_report = ItemReport.objects.filter(item_id=OuterRef("pk"), school_id=OuterRef(OuterRef("school_id")))
    points = (CircularItem.objects.filter(circular_id=OuterRef("circular_id")).order_by("order", "pk")
              .values(row=JSONObject(pk="pk", title="title", due_on="due_on",
                                     own_status=Subquery(own_report.values("status")[:1]))))
    return ArraySubquery(points)


def circulars_listed(rows):
    """Circulars as a list shows them: without the pasted 原文 (the widest column, never listed) and
    with their points, in order, in the row's own query rather than a prefetch (issue #14)."""
    return rows.defer("source_text").annotate(listed_items=RelatedRows(
        Circular, "items", ["id", "order", "section_number", "section_title", "number", "title", "body", "due_on"],
        order_by=["order"]))


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
    pk = ascii_int(pk, max_digits=18)
    return circular.items.filter(pk=pk).first() if pk is not None else None



# ---- the province's side ------------------------------------------------------------------------

def _count(queryset):
    """A correlated COUNT(*) of `queryset` (already filtered by OuterRef), 0 when none."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


#: what the province follows up on (the list's 待跟进 filter and the 工作台)
WAITING = {"unacknowledged": "有学校未签收", "unreported": "有要点未填报"}


def circulars_for_province(*, status: str = "", q: str = "", waiting: str = ""):
    """Every circular with its follow-up figures: recipient_count, acknowledged_count, item_count,
    report_count and done_count (reports of the recipients), missing_count (recipient × point
    pairs with no report yet) and overdue_missing (of those, points past their 完成期限)."""
    today = timezone.localdate()
    recipients = CircularRecipient.objects.filter(circular=OuterRef("pk"))
    items = CircularItem.objects.filter(circular=OuterRef("pk"))
    reports = ItemReport.objects.filter(item__circular=OuterRef("pk"))
    rows = Circular.objects.annotate(
        recipient_count=_count(recipients),
        acknowledged_count=_count(recipients.filter(acknowledged_at__isnull=False)),
        item_count=_count(items),
        overdue_item_count=_count(items.filter(due_on__lt=today)),
        report_count=_count(reports),
        overdue_report_count=_count(reports.filter(item__due_on__lt=today)),
        done_count=_count(reports.filter(status=ItemReport.Status.DONE)),
    ).annotate(
        unacknowledged_count=F("recipient_count") - F("acknowledged_count"),
        missing_count=F("recipient_count") * F("item_count") - F("report_count"),
        overdue_missing=F("recipient_count") * F("overdue_item_count") - F("overdue_report_count"),
    )
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(issuer__icontains=q))
    if waiting == "unacknowledged":
        rows = rows.filter(status=Circular.Status.PUBLISHED, unacknowledged_count__gt=0)
    elif waiting == "unreported":
        rows = rows.filter(status=Circular.Status.PUBLISHED, missing_count__gt=0)
    return rows.order_by("-created", "-id")


def circular_for_province(pk):
    """One circular with its points in order, or None."""
    pk = ascii_int(pk, max_digits=18)
    if pk is None:
        return None
    return circulars_for_province().filter(pk=pk).first()


def unacknowledged_schools(circular):
    """The schools a published circular was sent to that have not signed for it, by name."""
    return [r.school for r in circular.recipients.filter(acknowledged_at__isnull=True)
            .select_related("school").order_by("school__slug")]
