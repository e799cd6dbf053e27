"""Reads of 通知公告: which notices a person sees, their unread count, and the read receipts.

- the union office sees every notice;
- a publisher sees the notices they published (drafts and withdrawn ones too);
- a branch chair also sees the published or withdrawn notices sent to members of the branches
  they chair, with the receipts of those branches only;
- a member sees the published notices they are a recipient of — a withdrawn one disappears.
Anything else does not exist for them (404).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.columns import own_columns
from tenants.compiled_once import compiled_once
from tenants.counting import RelatedIds, RelatedRows
from tenants.members.models import Branch
from tenants.notices.models import Notice, NoticeRecipient
from tenants.notices.services import chaired_branches, manages

N = Notice.Status


@compiled_once(Notice)
def _addressed_to_person(user_id):
    """Whether the person is a recipient of the notice; compiled once per process, the id filled in
    per use (issue #14)."""
    return Exists(NoticeRecipient.objects.filter(notice_id=OuterRef("pk"), member__user_id=user_id))


def _recipient_of(user):
    return _addressed_to_person(user_id=user.pk)


def notices_visible_to(user):
    rows = Notice.objects.select_related("publisher_branch", "publisher")
    if user is None or not user.is_authenticated:
        return rows.none()
    if user.has_role(Role.UNION_ADMIN):
        return rows
    visible = Q(publisher=user) | Q(_recipient_of(user), status=N.PUBLISHED)
    chaired = chaired_branches(user)
    if chaired.exists():
        visible |= Q(Exists(NoticeRecipient.objects.filter(notice=OuterRef("pk"), branch__in=chaired)),
                     status__in=[N.PUBLISHED, N.WITHDRAWN])
    return rows.filter(visible)


@compiled_once(Notice)
def _read_at_of(user_id):
    """The person's own receipt's read_at: at most one receipt per member and notice
    (one_receipt_per_member, Member.user one-to-one), so no ordering is needed; the person's id is
    filled in per use and the SQL compiled once per process (issue #14)."""
    return Subquery(NoticeRecipient.objects.filter(notice_id=OuterRef("pk"), member__user_id=user_id)
                    .order_by().values("read_at")[:1])


def with_my_read_at(rows, user):
    """``rows`` with the user's own read_at as ``my_read_at`` (None: unread, or not a recipient)."""
    return rows.annotate(my_read_at=_read_at_of(user_id=user.pk))


@compiled_once(Notice)
def _audience_label():
    """Notice.audience_label() in the row's own query: the chosen branches' names in the branches'
    order, the chosen groups' 「分工会·小组」 in the groups' order, or the audience's name."""
    audience = Notice.Audience

    def names(through, label, order_by):
        return Subquery(through.objects.filter(notice_id=OuterRef("pk")).order_by().values("notice_id")
                        .annotate(names=StringAgg(label, "、", order_by=order_by)).values("names"))

    branches = names(Notice.branches.through, "branch__name", ("branch__sort_order", "branch_id"))
    groups = names(Notice.groups.through, Concat("group__branch__name", Value("·"), "group__name"),
                   ("group__branch_id", "group_id"))
    chosen = {audience.BRANCHES: branches, audience.GROUPS: groups}
    return Case(*(When(audience=value, then=Coalesce(NullIf(chosen[value], Value("")), Value(str(label))))
                  if value in chosen else When(audience=value, then=Value(str(label)))
                  for value, label in audience.choices),
                default=F("audience"), output_field=CharField())


def notices_listed(user):
    """The notices ``user`` sees as a table shows them: of the joined rows only the publishing
    branch's name (the publisher's account was joined and built for its id, which the row holds
    anyway), and the audience's label (Notice.audience_label) computed in the row's own query — the
    branches' and groups' names were two prefetches (issue #14)."""
    own = own_columns(Notice)
    return (notices_visible_to(user).select_related(None).select_related("publisher_branch")
            .only(*own, "publisher_branch__name").annotate(listed_audience_label=_audience_label()))


def notices_listed_with_relations(user):
    """notices_listed with what the API's rows show besides: the chosen branches' and groups' ids and
    the attachments, in the row's own query rather than a prefetch each (api.listed)."""
    return notices_listed(user).annotate(
        listed_branches=RelatedIds(Notice, "branches"), listed_groups=RelatedIds(Notice, "groups"),
        listed_attachments=RelatedRows(Notice, "attachments", ["id", "name", "size", "uploaded_at"]))


def _published_to(is_recipient, read_at):
    """The published notices the person is a recipient of (``is_recipient``), newest first, with
    their own receipt's read_at (``read_at``) as ``my_read_at``."""
    return (Notice.objects.filter(status=N.PUBLISHED).filter(is_recipient).annotate(my_read_at=read_at)
            .select_related("publisher_branch").order_by("-published_at", "-id"))


def addressed_to(user):
    """The published notices ``user`` is a recipient of, with their own read_at as ``my_read_at``."""
    mine = NoticeRecipient.objects.filter(notice=OuterRef("pk"), member__user=user)
    return _published_to(Exists(mine), Subquery(mine.values("read_at")[:1]))


def addressed_to_listed(user):
    """addressed_to as the 通知公告 page and the portal list it: the columns a line shows (title,
    publishing branch, dates), not the body, the widest; its two subqueries compiled once per process
    with the person's id filled in (issue #14). addressed_to itself stays compiled per request:
    unread_for is read as a subquery (a compiled-once subquery names the listed table itself)."""
    return (_published_to(_addressed_to_person(user_id=user.pk), _read_at_of(user_id=user.pk))
            .only("title", "publisher_branch", "read_by", "published_at", "publisher_branch__name"))


def unread_for(user):
    if user is None or not user.is_authenticated:
        return Notice.objects.none()
    return addressed_to(user).filter(my_read_at__isnull=True)


def unread_receipts(user):
    """As many rows as unread_for(user) — a member has one receipt per notice (one_receipt_per_member,
    Member.user one-to-one) — on the receipts alone: the layout's badge counts them on every page.
    ``user``: an account or its id."""
    return NoticeRecipient.objects.filter(member__user=user, read_at__isnull=True, notice__status=N.PUBLISHED)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return unread_receipts(user).count()


def receipt_of(notice: Notice, user) -> NoticeRecipient | None:
    return NoticeRecipient.objects.filter(notice=notice, member__user=user).first() if user else None


def receipt_branches(notice: Notice, user):
    """Whose receipts ``user`` reads: all (None) for the office and the publisher, the branches they
    chair for a chair, nothing (empty) for anyone else."""
    if manages(notice, user):
        return None
    return list(chaired_branches(user))


def may_read_receipts(notice: Notice, user) -> bool:
    scope = receipt_branches(notice, user)
    return scope is None or bool(scope)


@dataclass
class BranchReceipt:
    branch: Branch
    recipients: int
    read: int

    @property
    def unread(self) -> int:
        return self.recipients - self.read

    @property
    def rate(self) -> str:
        return f"{self.read * 100 / self.recipients:.0f}%" if self.recipients else "—"


def recipients_in(notice: Notice, branches=None):
    rows = NoticeRecipient.objects.filter(notice=notice).select_related("member", "branch", "member__group")
    if branches is not None:
        rows = rows.filter(branch__in=branches)
    return rows.order_by("branch__sort_order", "branch_id", "member__employee_number")


def receipts_per_branch(notice: Notice, branches=None) -> list[BranchReceipt]:
    rows = (recipients_in(notice, branches).order_by().values("branch")
            .annotate(total=Count("id"), read=Count("id", filter=Q(read_at__isnull=False))))
    by_branch = {row["branch"]: row for row in rows}
    return [BranchReceipt(branch=b, recipients=by_branch[b.pk]["total"], read=by_branch[b.pk]["read"])
            for b in Branch.objects.filter(pk__in=by_branch).order_by("sort_order", "id")]


def receipt_totals(per_branch: list[BranchReceipt]) -> BranchReceipt:
    return BranchReceipt(branch=None, recipients=sum(r.recipients for r in per_branch),
                         read=sum(r.read for r in per_branch))


def overdue_for_publisher(user):
    """The user's own published notices past their 要求阅读日期 with someone still unread."""
    unread = NoticeRecipient.objects.filter(notice=OuterRef("pk"), read_at__isnull=True)
    return (Notice.objects.filter(publisher=user, status=N.PUBLISHED, read_by__lt=timezone.localdate())
            .filter(Exists(unread))
            .annotate(unread=Count("recipients", filter=Q(recipients__read_at__isnull=True)))
            .order_by("read_by", "id"))
