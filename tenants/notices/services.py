"""Writes of 通知公告: create (draft), attach, publish (snapshot of the audience's active members),
withdraw, mark read, remind the unread — by hand (once an hour at most) and once by the daily task
when the notice's 要求阅读日期 is reached.

Who publishes: the union office (union_admin) to anyone, as 校工会; a branch chair only to the
branches they chair or groups inside them, as that branch; nobody else (403). A chair naming a
branch or group they do not chair: 400 naming the field. Every status change goes through
NOTICE_FLOW, which records who, when and why in the audit.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.accounts.services import notify
from tenants.audit.services import audit_create, audit_update, field_values
from tenants.errors import Conflict, NotAllowed
from tenants.members.models import Branch, Group, Member
from tenants.members.selectors import chaired_branches
from tenants.notices.models import Notice, NoticeAttachment, NoticeRecipient
from tenants.notices.workflow import NOTICE_FLOW

MAX_TITLE = 200
MAX_BODY = 20000
MAX_ATTACHMENTS = 10
#: how long after a 「提醒未读人员」 the next one is refused
REMIND_INTERVAL = datetime.timedelta(hours=1)
A = Notice.Audience


def _text(value) -> str:
    return (value or "").strip()


def _is_office(user) -> bool:
    return user is not None and user.has_role(Role.UNION_ADMIN)


def may_publish(user) -> bool:
    return _is_office(user) or chaired_branches(user).exists()


def manages(notice: Notice, user) -> bool:
    """The union office, or whoever published it while they still hold the office they published it
    as: they act on it and read all its receipts. A branch's notice is managed by its publisher only
    while they chair that branch (a replaced chair no longer reads names and 工号, reminds or
    withdraws); a 校工会 notice only by the union office."""
    if _is_office(user):
        return True
    if user is None or notice.publisher_id != user.pk or notice.publisher_branch_id is None:
        return False
    return chaired_branches(user).filter(pk=notice.publisher_branch_id).exists()


def _require_manager(notice: Notice, by, doing: str) -> None:
    if not manages(notice, by):
        raise NotAllowed(f"只有发布人或校工会可以{doing}。")


def link_of(notice: Notice) -> str:
    from django.urls import reverse

    return reverse("school:notice", args=[notice.pk])


def _clean_audience(*, by, audience, branches, groups, errors) -> tuple[list, list, Branch | None]:
    """The audience's branches and groups, checked against what ``by`` may address; the branch the
    notice is published for (None: 校工会)."""
    branches, groups = list(branches or []), list(groups or [])
    if audience not in A.values:
        errors["audience"] = "请选择发送范围（全体会员、指定分工会或指定工会小组）。"
        return [], [], None
    if audience == A.BRANCHES and not branches:
        errors["branches"] = "请至少选择一个分工会。"
    if audience == A.GROUPS and not groups:
        errors["groups"] = "请至少选择一个工会小组。"
    if audience != A.BRANCHES:
        branches = []
    if audience != A.GROUPS:
        groups = []
    if _is_office(by):
        return branches, groups, None
    chaired = list(chaired_branches(by))
    if audience == A.ALL:
        errors["audience"] = "分工会主席只能向本分工会或其工会小组发布通知。"
        return [], [], None
    if foreign := [b.name for b in branches if b not in chaired]:
        errors["branches"] = f"您不是{'、'.join(foreign)}的分工会主席，不能向其发布通知。"
    if foreign := [str(g) for g in groups if g.branch_id not in {b.pk for b in chaired}]:
        errors["groups"] = f"工会小组{'、'.join(foreign)}不在您担任主席的分工会内，不能向其发布通知。"
    own = branches or [g.branch for g in groups]
    own = [b for b in own if b in chaired]
    return branches, groups, (sorted(own, key=lambda b: (b.sort_order, b.pk))[0] if own else None)


def _check_upload(upload, errors) -> None:
    from shared.uploads import check_upload

    try:
        check_upload(upload)
    except ValidationError as exc:
        errors["file"] = "；".join(exc.message_dict.get("file", exc.messages))


@transaction.atomic
def notice_create(*, by, title, body, audience=A.ALL, branches=(), groups=(), read_by=None, attachments=(),
                  publish: bool = False) -> Notice:
    """A draft (or, with publish=True, a published notice) with its attachments, in one transaction."""
    if not may_publish(by):
        raise NotAllowed("只有校工会或分工会主席可以发布通知。")
    errors = {}
    title, body = _text(title), _text(body)
    if not title:
        errors["title"] = "标题不能为空。"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"标题最多 {MAX_TITLE} 个字。"
    if not body:
        errors["body"] = "正文不能为空。"
    elif len(body) > MAX_BODY:
        errors["body"] = f"正文最多 {MAX_BODY} 个字。"
    if read_by is not None and not isinstance(read_by, datetime.date):
        errors["read_by"] = "要求阅读日期格式不正确。"
    elif read_by is not None and read_by < timezone.localdate():
        errors["read_by"] = "要求阅读日期不能早于今天。"
    branches, groups, publisher_branch = _clean_audience(by=by, audience=audience, branches=branches,
                                                         groups=groups, errors=errors)
    attachments = [upload for upload in attachments if upload]
    if len(attachments) > MAX_ATTACHMENTS:
        errors["file"] = f"附件最多 {MAX_ATTACHMENTS} 个。"
    for upload in attachments:
        _check_upload(upload, errors)
    if errors:
        raise ValidationError(errors)
    notice = Notice.objects.create(title=title, body=body, publisher=by, publisher_branch=publisher_branch,
                                   audience=audience, read_by=read_by)
    notice.branches.set(branches)
    notice.groups.set(groups)
    _audit_created(notice, by, branches=branches, groups=groups)
    for upload in attachments:
        _attach(notice, by, upload)
    if publish:
        notice = notice_publish(notice=notice, by=by)
    return notice


def _audit_created(notice: Notice, by, *, branches, groups) -> None:
    """The create record names who the notice goes to — the chosen branches and groups by id and
    name (names as they were then) — so its audience can be rebuilt from the audit alone."""
    from tenants.audit.models import AuditRecord
    from tenants.audit.services import audit_record

    changes = {name: [None, value] for name, value in
               field_values(notice, ["title", "audience", "publisher_branch", "read_by"]).items()}
    changes["branches"] = [None, [{"id": b.pk, "name": b.name} for b in branches]]
    changes["groups"] = [None, [{"id": g.pk, "name": str(g)} for g in groups]]
    audit_record(actor=by, action=AuditRecord.Action.CREATE, target=notice, changes=changes)


def _attach(notice, by, upload) -> NoticeAttachment:
    attachment = NoticeAttachment.objects.create(notice=notice, file=upload, name=upload.name[:200],
                                                 size=upload.size, uploaded_by=by)
    audit_create(actor=by, target=attachment, fields=["notice", "name", "size"])
    return attachment


def notice_attach(*, notice: Notice, by, upload) -> NoticeAttachment:
    """An attachment on a draft; a published notice's content no longer changes (withdraw and republish)."""
    _require_manager(notice, by, "添加附件")
    errors = {}
    _check_upload(upload, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != Notice.Status.DRAFT:
            raise Conflict("通知发布后不能再添加附件；如需修改请撤回后重新发布。")
        if notice.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError({"file": f"附件最多 {MAX_ATTACHMENTS} 个。"})
        return _attach(notice, by, upload)


def audience_members(notice: Notice):
    """The active members the notice is addressed to, now."""
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    if notice.audience == A.BRANCHES:
        members = members.filter(branch__in=notice.branches.all())
    elif notice.audience == A.GROUPS:
        members = members.filter(group__in=notice.groups.all())
    return members


def notice_publish(*, notice: Notice, by) -> Notice:
    """Publish: the audience's active members at this moment become its recipients, and those with an
    account are told in their 站内通知."""
    _require_manager(notice, by, "发布通知")
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        NOTICE_FLOW.check("publish", state=notice.status, user=by)
        if notice.read_by is not None and notice.read_by < timezone.localdate():
            raise ValidationError({"read_by": "要求阅读日期已过，请修改后再发布。"})
        members = list(audience_members(notice).only("pk", "user_id", "branch_id"))
        if not members:
            raise ValidationError({"audience": "发送范围内没有在会会员。"})
        NoticeRecipient.objects.bulk_create([
            NoticeRecipient(notice=notice, member_id=m.pk, user_id=m.user_id, branch_id=m.branch_id) for m in members])
        notice.published_at = timezone.now()
        NOTICE_FLOW.apply(notice, "publish", by=by, extra_update_fields=["published_at"],
                          audit_changes={"recipients": len(members)})
        users = User.objects.filter(pk__in=NoticeRecipient.objects.filter(notice=notice, user__isnull=False)
                                    .values("user_id"))
        notify(users=users, message=f"{notice.publisher_label}发布了通知：{notice.title}", link=link_of(notice))
    return notice


def notice_withdraw(*, notice: Notice, by, reason: str) -> Notice:
    """撤回: members no longer see it; its receipts stay for the publisher and the office."""
    _require_manager(notice, by, "撤回通知")
    NOTICE_FLOW.apply(notice, "withdraw", by=by, reason=_text(reason))
    notice.refresh_from_db(fields=["status"])
    return notice


def notice_mark_read(*, notice: Notice, by) -> NoticeRecipient | None:
    """A recipient opened it: read_at is set the first time and never moves; None when ``by`` is not a
    recipient of this published notice (the office reading it marks nothing)."""
    if by is None or notice.status != Notice.Status.PUBLISHED:
        return None
    receipt = NoticeRecipient.objects.filter(notice=notice, member__user=by).first()
    if receipt is None:
        return None
    if receipt.read_at is None:
        NoticeRecipient.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=timezone.now())
        receipt.refresh_from_db(fields=["read_at"])
    return receipt


def _unread_users(notice: Notice) -> list:
    """The accounts of the unread recipients (the member's account now, linked since publication or not)."""
    unread = NoticeRecipient.objects.filter(notice=notice, read_at__isnull=True, member__user__isnull=False)
    return list(User.objects.filter(member__in=unread.values("member_id")))


def _remind(notice: Notice, by, *, why: str) -> int:
    users = _unread_users(notice)
    now = timezone.now()
    notify(users=users, message=f"提醒：{why}请阅读通知《{notice.title}》。", link=link_of(notice))
    NoticeRecipient.objects.filter(notice=notice, read_at__isnull=True, member__user__isnull=False) \
        .update(reminded_at=now)
    return len(users)


def notice_remind(*, notice: Notice, by) -> int:
    """「提醒未读人员」: a 站内通知 to every unread recipient with an account; how many were told.
    Pressed again within an hour: 409."""
    _require_manager(notice, by, "提醒未读人员")
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != Notice.Status.PUBLISHED:
            raise Conflict(f"通知当前状态为“{notice.get_status_display()}”，不能提醒。")
        now = timezone.now()
        if notice.reminded_at is not None and now - notice.reminded_at < REMIND_INTERVAL:
            wait = notice.reminded_at + REMIND_INTERVAL
            raise Conflict(f"一小时内已提醒过未读人员，请于 {timezone.localtime(wait):%H:%M} 后再提醒。")
        if not notice.recipients.filter(read_at__isnull=True).exists():
            raise Conflict("所有接收人都已阅读，无需提醒。")
        before = field_values(notice, ["reminded_at"])
        told = _remind(notice, by, why="")
        notice.reminded_at = now
        notice.save(update_fields=["reminded_at"])
        audit_update(actor=by, target=notice, before=before, reason=f"提醒未读人员 {told} 人")
    return told


def remind_due_notices(*, today: datetime.date | None = None) -> int:
    """Daily: each published notice whose 要求阅读日期 is reached is reminded once (its unread
    recipients with an account); how many notices were reminded. Running it again does nothing."""
    today = today or timezone.localdate()
    reminded = 0
    due = Notice.objects.filter(status=Notice.Status.PUBLISHED, read_by__lte=today, due_reminded_on__isnull=True)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().filter(Q(pk=pk), Q(due_reminded_on__isnull=True)).first()
            if notice is None:
                continue
            before = field_values(notice, ["due_reminded_on"])
            told = _remind(notice, None, why=f"要求阅读日期（{notice.read_by:%Y年%m月%d日}）已到，")
            notice.due_reminded_on = today
            notice.save(update_fields=["due_reminded_on"])
            audit_update(actor=None, target=notice, before=before, reason=f"到期提醒未读人员 {told} 人")
            reminded += 1
    return reminded


def groups_within(branches) -> list[Group]:
    return list(Group.objects.filter(branch__in=branches).select_related("branch"))
