"""Reads of mutual aid: who sees which enrolment and claim, figures, what waits for the office."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from tenants.accounts.roles import FINANCE_READERS
from tenants.columns import own_columns
from tenants.counting import RelatedRows
from tenants.members.models import Member
from tenants.mutualaid.models import Claim, Enrolment, Scheme
from tenants.mutualaid.services import is_office

C = Claim.Status


def reads_the_books(user) -> bool:
    """The treasurer, approvers and 经审 read every money record: the claims and schemes behind the
    books' entries included (read only: every step stays the office's)."""
    return user is not None and getattr(user, "is_authenticated", False) and user.has_role(*FINANCE_READERS)


def schemes_visible_to(user) -> QuerySet[Scheme]:
    """The office (and the books' readers) see drafts too; everyone else the schemes that have opened."""
    schemes = Scheme.objects.all()
    if not (is_office(user) or reads_the_books(user)):
        schemes = schemes.exclude(status=Scheme.Status.DRAFT)
    return schemes.order_by("-year", "-id")


def member_of(user) -> Member | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).first()


def enrolments_visible_to(user) -> QuerySet[Enrolment]:
    enrolments = Enrolment.objects.select_related("scheme", "member", "member__branch")
    if is_office(user):
        return enrolments
    return enrolments.filter(member__user=user) if user is not None and user.pk else enrolments.none()


def enrolments_listed(user) -> QuerySet[Enrolment]:
    """A page of enrolments as the list shows them: its own columns, and the member's name and employee
    number and the branch's name as plain columns (listed_*, read by api.listed.ListedCharField), the
    scheme by id (issue #14: the joined member and branch were two model instances per row, and their
    selections compiled on every request, for three names)."""
    return (enrolments_visible_to(user).select_related(None).only(*own_columns(Enrolment))
            .annotate(listed_member_name=F("member__name"), listed_employee_number=F("member__employee_number"),
                      listed_branch=F("member__branch__name")))


def claims_visible_to(user) -> QuerySet[Claim]:
    claims = Claim.objects.select_related("enrolment__scheme", "enrolment__member", "category")
    if is_office(user) or reads_the_books(user):
        return claims
    return claims.filter(enrolment__member__user=user) if user is not None and user.pk else claims.none()


def claims_listed(user) -> QuerySet[Claim]:
    """A page of claims as the list shows them, with their documents: its own columns, and of the
    enrolment the scheme and member ids and the year's remaining, the member's name and the category's
    name as plain values (listed_*, read by api.listed.ListedValue fields) rather than select_related
    (issue #14: the joined enrolment, member and category were three model instances per row, and their
    selections compiled on every request, for a few values)."""
    return (claims_visible_to(user).select_related(None).only(*own_columns(Claim))
            .annotate(listed_scheme=F("enrolment__scheme_id"), listed_member=F("enrolment__member_id"),
                      listed_member_name=F("enrolment__member__name"), listed_category_name=F("category__name"),
                      listed_remaining=F("enrolment__cap") - F("enrolment__used"),
                      # the documents as one array in the row's statement, not a prefetch (its SQL compiled once per process)
                      listed_documents=RelatedRows(Claim, "documents", ["id", "name", "size", "uploaded_at"])))


def claims_of_member(member) -> QuerySet[Claim]:
    """Every claim of one member, newest first (the hardship register links to them)."""
    return (Claim.objects.filter(enrolment__member=member)
            .select_related("enrolment__scheme", "category").order_by("-created", "-id"))


def payouts_total(year: int) -> Decimal:
    """What was paid out in ``year`` (claims 已支付, by their payment date)."""
    total = Claim.objects.filter(status=C.PAID, paid_on__year=year).aggregate(total=Sum("approved_amount"))["total"]
    return total or Decimal("0.00")


def scheme_figures(scheme: Scheme) -> dict:
    enrolments = scheme.enrolments.aggregate(
        count=Count("id"), fees=Sum("fee"), unbooked=Count("id", filter=Q(fees_entry__isnull=True)),
        unbooked_fees=Sum("fee", filter=Q(fees_entry__isnull=True)))
    claims = Claim.objects.filter(enrolment__scheme=scheme).aggregate(
        count=Count("id"), open=Count("id", filter=Q(status__in=(C.SUBMITTED, C.REVIEWED, C.APPROVED))),
        paid=Sum("approved_amount", filter=Q(status=C.PAID)),
        approved=Sum("approved_amount", filter=Q(status=C.APPROVED)))
    active = Member.objects.filter(status=Member.Status.ACTIVE).count()
    zero = Decimal("0.00")
    return {
        "enrolled": enrolments["count"], "active_members": active,
        "not_enrolled": max(active - scheme.enrolments.filter(member__status=Member.Status.ACTIVE).count(), 0),
        "fees": enrolments["fees"] or zero, "unbooked": enrolments["unbooked"],
        "unbooked_fees": enrolments["unbooked_fees"] or zero,
        "claims": claims["count"], "open_claims": claims["open"], "paid": claims["paid"] or zero,
        "approved_unpaid": claims["approved"] or zero,
    }


def open_schemes_for_member(member: Member | None) -> list[dict]:
    """For the member's portal: schemes they may join now or have joined, with what remains."""
    if member is None:
        return []
    from django.utils import timezone

    today = timezone.localdate()
    mine = {e.scheme_id: e for e in Enrolment.objects.filter(member=member)}
    result = []
    for scheme in Scheme.objects.exclude(status=Scheme.Status.DRAFT).exclude(status=Scheme.Status.ENDED).order_by("-year", "-id"):
        enrolment = mine.get(scheme.pk)
        can_enrol = (enrolment is None and member.status == Member.Status.ACTIVE
                     and scheme.status == Scheme.Status.ENROLLING
                     and scheme.enrol_opens_on <= today <= scheme.enrol_closes_on)
        if enrolment is None and not can_enrol:
            continue
        result.append({"scheme": scheme, "enrolment": enrolment, "can_enrol": can_enrol,
                       "can_claim": enrolment is not None and scheme.status == Scheme.Status.ACTIVE})
    return result


def office_queues() -> dict:
    claims = Claim.objects.select_related("enrolment__member", "category").order_by("created", "id")
    return {"to_review": claims.filter(status__in=(C.SUBMITTED, C.REVIEWED)),
            "to_pay": claims.filter(status=C.APPROVED)}


# The statistics roll-up's reading of payouts_total for many schools at once (shared/stats/figures.py)
def rollup_querysets(year: int) -> dict:
    return {"paid": Claim.objects.filter(status=C.PAID, paid_on__year=year).order_by().values("status")
            .annotate(total=Sum("approved_amount"))}


def rollup_figures(rows: dict) -> dict:
    return {"aid_payouts": sum((row["total"] or Decimal("0.00") for row in rows["paid"]), Decimal("0.00"))}
