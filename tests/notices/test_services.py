"""Notices: who publishes to whom, the recipients' snapshot, reading, receipts, reminders, withdrawal."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenants.accounts.models import Notification
from tenants.audit.models import AuditRecord
from tenants.errors import Conflict, DomainError, NotAllowed
from tenants.notices import selectors as q
from tenants.notices import services as s
from tenants.notices.models import Notice, NoticeAttachment, NoticeRecipient
from tests.conftest import in_schema, make_user
from tests.notices.conftest import new_member

PDF = b"%PDF-1.4 demo"


def _publish(by, **extra):
    return s.notice_create(by=by, title=extra.pop("title", "关于体检的通知"), body="正文", publish=True, **extra)


def test_the_office_publishes_to_every_active_member_and_they_are_told(notices):
    n = notices
    with in_schema(n["school"]):
        notice = _publish(n["admin"], attachments=[SimpleUploadedFile("安排.pdf", PDF)])
        assert notice.status == Notice.Status.PUBLISHED and notice.publisher_label == "校工会"
        assert set(notice.recipients.values_list("member_id", flat=True)) == {m.pk for m in n["members"]}
        assert n["left"].pk not in set(notice.recipients.values_list("member_id", flat=True))
        told = set(Notification.objects.filter(message__contains="关于体检的通知").values_list("user_id", flat=True))
        assert told == {u.pk for u in n["users"]}
        assert NoticeAttachment.objects.get(notice=notice).name == "安排.pdf"
        record = AuditRecord.objects.get(target_type="notices.notice", action="transition")
        assert (record.from_state, record.to_state, record.actor_id) == ("draft", "published", n["admin"].pk)
        # snapshot: a member who joins afterwards is not a recipient, never unread
        late = new_member(n["own"], 20)
        assert not notice.recipients.filter(member=late).exists()


def test_a_chair_publishes_only_to_what_they_chair(notices):
    n = notices
    with in_schema(n["school"]):
        with pytest.raises(ValidationError) as refused:
            _publish(n["chair"], audience="branches", branches=[n["own"], n["other"]])
        assert "理学院" in refused.value.message_dict["branches"][0]
        with pytest.raises(ValidationError) as refused:
            _publish(n["chair"], audience="groups", groups=[n["other_group"]])
        assert "groups" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            _publish(n["chair"], audience="all")
        assert "audience" in refused.value.message_dict
        plain = n["users"][0]
        with pytest.raises(NotAllowed):
            _publish(plain)
        with pytest.raises(ValidationError) as refused:
            _publish(n["admin"], title=" ", attachments=[SimpleUploadedFile("病毒.exe", b"MZ")])
        assert set(refused.value.message_dict) == {"title", "file"}
        assert not Notice.objects.exists()
        notice = _publish(n["chair"], audience="groups", groups=[n["group"]])
        assert notice.publisher_label == "文学院分工会"
        assert list(notice.recipients.values_list("member_id", flat=True)) == [n["members"][0].pk]


def test_who_sees_a_notice_and_reading_it_once(notices):
    n = notices
    with in_schema(n["school"]):
        notice = _publish(n["chair"], audience="branches", branches=[n["own"]])
        reader, stranger = n["users"][0], n["users"][2]
        assert q.notices_visible_to(reader).filter(pk=notice.pk).exists()
        assert not q.notices_visible_to(stranger).filter(pk=notice.pk).exists()
        assert not q.notices_visible_to(n["chair2"]).filter(pk=notice.pk).exists()
        assert q.unread_count(reader) == 1
        first = s.notice_mark_read(notice=notice, by=reader).read_at
        assert s.notice_mark_read(notice=notice, by=reader).read_at == first
        assert q.unread_count(reader) == 0
        assert s.notice_mark_read(notice=notice, by=n["admin"]) is None
        per_branch = q.receipts_per_branch(notice)
        assert [(r.branch.name, r.recipients, r.read, r.unread, r.rate) for r in per_branch] == [
            ("文学院", 3, 1, 2, "33%")]
        s.notice_withdraw(notice=notice, by=n["chair"], reason="内容有误")
        assert not q.notices_visible_to(reader).filter(pk=notice.pk).exists()
        assert q.notices_visible_to(n["chair"]).filter(pk=notice.pk).exists()
        with pytest.raises(DomainError):
            s.notice_withdraw(notice=notice, by=n["admin"], reason="")


def test_withdraw_needs_a_reason_and_only_the_publisher_or_office(notices):
    n = notices
    with in_schema(n["school"]):
        notice = _publish(n["admin"])
        with pytest.raises(NotAllowed):
            s.notice_withdraw(notice=notice, by=n["chair"], reason="不要了")
        with pytest.raises(DomainError) as refused:
            s.notice_withdraw(notice=notice, by=n["admin"], reason=" ")
        assert refused.value.field == "reason"
        s.notice_withdraw(notice=notice, by=n["admin"], reason="发错了")
        assert Notice.objects.get(pk=notice.pk).status == "withdrawn"
        record = AuditRecord.objects.filter(target_type="notices.notice", to_state="withdrawn").get()
        assert record.reason == "发错了"
        with pytest.raises(Conflict):
            s.notice_remind(notice=notice, by=n["admin"])


def test_the_chair_reads_the_receipts_of_school_notices_for_their_branch_only(notices):
    n = notices
    with in_schema(n["school"]):
        notice = _publish(n["admin"])
        assert q.notices_visible_to(n["chair"]).filter(pk=notice.pk).exists()
        scope = q.receipt_branches(notice, n["chair"])
        assert scope == [n["own"]]
        assert [r.branch for r in q.receipts_per_branch(notice, scope)] == [n["own"]]
        assert q.receipt_branches(notice, n["users"][0]) == []


def test_reminding_the_unread_once_an_hour(notices):
    n = notices
    with in_schema(n["school"]):
        notice = _publish(n["admin"])
        s.notice_mark_read(notice=notice, by=n["users"][0])
        Notification.objects.all().delete()
        assert s.notice_remind(notice=notice, by=n["admin"]) == 2
        assert set(Notification.objects.values_list("user_id", flat=True)) == {n["users"][1].pk, n["users"][2].pk}
        with pytest.raises(Conflict) as refused:
            s.notice_remind(notice=notice, by=n["admin"])
        assert "一小时内" in str(refused.value)
        with pytest.raises(NotAllowed):
            s.notice_remind(notice=notice, by=n["chair"])
        Notice.objects.filter(pk=notice.pk).update(reminded_at=timezone.now() - datetime.timedelta(minutes=61))
        assert s.notice_remind(notice=notice, by=n["admin"]) == 2
        assert AuditRecord.objects.filter(target_type="notices.notice", action="update").count() == 2


def test_the_daily_task_reminds_once_when_the_date_is_reached(notices):
    from tenants.notices.tasks import remind_due_notices_task

    n = notices
    with in_schema(n["school"]):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        due = _publish(n["admin"], read_by=tomorrow, title="到期的通知")
        later = _publish(n["admin"], read_by=tomorrow + datetime.timedelta(days=5), title="以后到期")
        s.notice_mark_read(notice=due, by=n["users"][0])
        Notice.objects.filter(pk=due.pk).update(read_by=timezone.localdate())
        Notification.objects.all().delete()
        assert remind_due_notices_task.apply().get() == 1
        assert remind_due_notices_task.apply().get() == 0
        told = Notification.objects.filter(message__contains="到期的通知")
        assert {m.user_id for m in told} == {n["users"][1].pk, n["users"][2].pk}
        assert not Notification.objects.filter(message__contains="以后到期").exists()
        assert Notice.objects.get(pk=later.pk).due_reminded_on is None
        with pytest.raises(ValidationError) as refused:
            _publish(n["admin"], read_by=timezone.localdate() - datetime.timedelta(days=1))
        assert "read_by" in refused.value.message_dict


def test_attachments_only_on_a_draft(notices):
    n = notices
    with in_schema(n["school"]):
        draft = s.notice_create(by=n["chair"], title="草稿", body="正文", audience="branches", branches=[n["own"]])
        s.notice_attach(notice=draft, by=n["chair"], upload=SimpleUploadedFile("表.pdf", PDF))
        with pytest.raises(NotAllowed):
            s.notice_attach(notice=draft, by=n["chair2"], upload=SimpleUploadedFile("表.pdf", PDF))
        s.notice_publish(notice=draft, by=n["chair"])
        with pytest.raises(Conflict):
            s.notice_attach(notice=draft, by=n["chair"], upload=SimpleUploadedFile("表2.pdf", PDF))
        assert NoticeRecipient.objects.filter(notice=draft).count() == 3
        assert make_user(n["school"], ["member"]) is not None


def test_the_create_record_names_the_chosen_branches_and_groups(notices):
    """Who a notice went to can be rebuilt from the audit alone: the branches' and groups' ids and names."""
    n = notices
    with in_schema(n["school"]):
        to_branches = s.notice_create(by=n["admin"], title="两院通知", body="正文", audience="branches",
                                      branches=[n["own"], n["other"]])
        to_group = s.notice_create(by=n["chair"], title="小组通知", body="正文", audience="groups", groups=[n["group"]])
        to_all = s.notice_create(by=n["admin"], title="全体通知", body="正文")
        records = {r.target_id: r.changes for r in AuditRecord.objects.filter(
            target_type="notices.notice", action=AuditRecord.Action.CREATE)}
        changes = records[str(to_branches.pk)]
        assert changes["audience"] == [None, "branches"]
        assert changes["branches"] == [None, [{"id": n["own"].pk, "name": "文学院"}, {"id": n["other"].pk, "name": "理学院"}]]
        assert changes["groups"] == [None, []]
        changes = records[str(to_group.pk)]
        assert changes["groups"] == [None, [{"id": n["group"].pk, "name": "文学院·第一小组"}]]
        assert changes["publisher_branch"] == [None, n["own"].pk] and changes["branches"] == [None, []]
        assert records[str(to_all.pk)]["branches"] == [None, []] and records[str(to_all.pk)]["groups"] == [None, []]
        assert {"title", "read_by"} <= set(records[str(to_all.pk)])
