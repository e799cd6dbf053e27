"""E-mail for notifications against a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, for
whom, with which link; the daily digest; an SMTP server that is down and comes back; one school's
mail never reaching another school's people; nothing personal in the logs."""
from __future__ import annotations

import io
import logging

import pytest

from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.accounts.services import notify
from tenants.mail import tasks
from tenants.mail.models import DigestEntry, OutgoingMail, Preference
from tenants.mail.services import deliver, sweep_outbox
from tests.conftest import in_schema, make_user


def person(school, email, roles=(Role.MEMBER,), full_name="李老师", **preferences):
    user = make_user(school, list(roles), full_name=full_name)
    with in_schema(school):
        User.objects.filter(pk=user.pk).update(email=email)
        user.email = email
        if preferences:
            Preference.objects.create(user=user, **preferences)
    return user


def told(school, users, message, link="", capture=None, **kwargs):
    """notify() inside a transaction on the school's host; the mails go when it commits."""
    with in_schema(school), capture(execute=True):
        notify(users=users, message=message, link=link, **kwargs)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_a_notification_arrives_by_mail_with_a_link_to_the_persons_own_school(smtp, guilin, commit):
    teacher = person(guilin, "li@guilin.edu.cn")
    told(guilin, [teacher], "您的提案 T2026-001 已收到答复，请评价。", "/proposals/12/", capture=commit)

    [mail] = smtp.inbox
    assert mail.recipients == ["li@guilin.edu.cn"]
    assert mail.subject == "【桂林学院工会】办理结果：您的提案 T2026-001 已收到答复，请评价。"
    assert "李老师，您好" in mail.body and "您的提案 T2026-001 已收到答复，请评价。" in mail.body
    assert "查看详情：http://guilin.localhost/proposals/12/" in mail.body
    assert "http://guilin.localhost/mail-preferences/" in mail.body
    with in_schema(guilin):
        row = OutgoingMail.objects.get(user=teacher)
        assert (row.progress, row.attempts) == ("已发送", 1)
        # the in-app notification is there as before
        assert teacher.notifications.get().link == "/proposals/12/"


def test_the_province_mails_link_to_the_provincial_host(smtp, province, commit):
    reviewer = person(province, "wang@jyt.gov.cn", roles=[Role.PROVINCE_REVIEWER], full_name="王评审")
    told(province, [reviewer], "桂林学院提交了荣誉推荐，请审核。", "/honours/nominations/5/", capture=commit)
    [mail] = smtp.inbox
    assert mail.recipients == ["wang@jyt.gov.cn"]
    assert mail.subject.startswith("【自治区教育工会】待办事项：")
    assert "http://localhost/honours/nominations/5/" in mail.body


def test_who_gets_a_mail_follows_address_and_preferences(smtp, guilin, commit):
    no_address = person(guilin, "")
    no_reminders = person(guilin, "zhao@guilin.edu.cn", reminder=False)
    inactive = person(guilin, "old@guilin.edu.cn")
    with in_schema(guilin):
        User.objects.filter(pk=inactive.pk).update(is_active=False)
        inactive.is_active = False
    told(guilin, [no_address, no_reminders, inactive], "【逾期提醒】您负责的 2 项工作计划任务已过期限仍未完成。",
         capture=commit)
    assert smtp.inbox == []
    told(guilin, [no_address, no_reminders], "校工会发起“优秀会员”评选，请推荐人选。", capture=commit)
    [mail] = smtp.inbox
    assert mail.recipients == ["zhao@guilin.edu.cn"] and "待办事项" in mail.subject
    # a caller may name the kind itself
    told(guilin, [no_reminders], "请注意查收。", kind="reminder", capture=commit)
    assert len(smtp.inbox) == 1
    with in_schema(guilin):
        assert no_address.notifications.count() == 2  # in-app notifications are unaffected


def test_the_daily_digest_gathers_the_days_notifications_into_one_mail(smtp, guilin, commit):
    teacher = person(guilin, "chen@guilin.edu.cn", full_name="陈老师", delivery="daily_digest", result=False)
    other = person(guilin, "he@guilin.edu.cn")
    told(guilin, [teacher, other], "您已加入第八届教代会的提案工作委员会，可以参与提案审查。", capture=commit)  # a result
    told(guilin, [teacher], "提案“改善食堂”已交由贵部门办理，请及时答复。", "/proposals/3/", capture=commit)
    told(guilin, [teacher], "【督办】提案 T-9 已超过办理期限。", "/proposals/9/", capture=commit)
    assert [m.recipients for m in smtp.inbox] == [["he@guilin.edu.cn"]]  # only the immediate one

    with in_schema(guilin), commit(execute=True):
        tasks.send_daily_digests.apply()
    digest = smtp.to("chen@guilin.edu.cn")
    assert len(digest) == 1
    body = digest[0].body
    assert "通知汇总（2 条）" in digest[0].subject and digest[0].subject.startswith("【桂林学院工会】")
    assert "交由贵部门办理" in body and "http://guilin.localhost/proposals/3/" in body
    assert "[逾期提醒] 【督办】提案 T-9" in body and "http://guilin.localhost/proposals/9/" in body
    assert "提案工作委员会" not in body  # results are off for this person
    # run again (a second beat, a redelivered task): nothing new, nothing twice
    with in_schema(guilin), commit(execute=True):
        tasks.send_daily_digests.apply()
    assert len(smtp.to("chen@guilin.edu.cn")) == 1
    with in_schema(guilin):
        assert not DigestEntry.objects.filter(user=teacher, mail__isnull=True).exists()


def test_a_mail_waits_while_the_smtp_server_is_down_and_goes_exactly_once_when_it_is_back(
        smtp, guilin, commit, settings):
    settings.MAIL_RETRY_BASE_SECONDS = 0  # due again at once, so the sweep below may retry it
    teacher = person(guilin, "sun@guilin.edu.cn", full_name="孙老师")
    smtp.stop()
    logs = io.StringIO()
    handler = logging.StreamHandler(logs)
    logger = logging.getLogger("tenants.mail")
    logger.addHandler(handler)
    try:
        told(guilin, [teacher], "提案“校园绿化”已交由贵部门办理，请及时答复。", "/proposals/4/", capture=commit)
        with in_schema(guilin):
            assert sweep_outbox() == 0  # still down: tried again, still queued
            row = OutgoingMail.objects.get(user=teacher)
            assert (row.progress, row.attempts) == ("待发送", 2)
            assert row.last_error == "ConnectionRefusedError"
    finally:
        logger.removeHandler(handler)
    logs = logs.getvalue()
    assert "发送失败" in logs
    for private in ("sun@guilin.edu.cn", "孙老师", "校园绿化"):
        assert private not in logs

    smtp.start()
    with in_schema(guilin):
        assert sweep_outbox() == 1
        assert sweep_outbox() == 0
        assert deliver(row.pk) is None  # a late task for the same mail finds it already sent
        row.refresh_from_db()
        assert (row.progress, row.attempts) == ("已发送", 3)
    assert len(smtp.to("sun@guilin.edu.cn")) == 1


def test_a_mail_given_up_after_its_last_attempt_is_not_retried(smtp, guilin, commit, settings):
    settings.MAIL_RETRY_BASE_SECONDS = 0
    settings.MAIL_MAX_ATTEMPTS = 2
    teacher = person(guilin, "zhou@guilin.edu.cn")
    smtp.stop()
    told(guilin, [teacher], "请审核入会申请。", capture=commit)
    with in_schema(guilin):
        sweep_outbox()
        smtp.start()
        assert sweep_outbox() == 0
        assert OutgoingMail.objects.get(user=teacher).progress == "发送失败"
    assert smtp.inbox == []


def test_a_mailbox_the_server_says_does_not_exist_is_not_tried_again(smtp, guilin, commit, settings):
    settings.MAIL_RETRY_BASE_SECONDS = 0
    teacher = person(guilin, "nobody@guilin.edu.cn")
    told(guilin, [teacher], "请审核入会申请。", capture=commit)
    with in_schema(guilin):
        assert sweep_outbox() == 0
        row = OutgoingMail.objects.get(user=teacher)
        assert (row.progress, row.attempts, row.last_error) == ("发送失败", 1, "SMTPRecipientsRefused 550")
    assert smtp.inbox == []


def test_one_schools_mail_never_reaches_another_schools_people(smtp, guilin, huzhou, commit):
    # the same username on both hosts: different people, different addresses
    at_guilin = person(guilin, "a@guilin.edu.cn")
    at_huzhou = person(huzhou, "a@zjhu.edu.cn", roles=[Role.MEMBER, Role.UNION_ADMIN])
    with in_schema(huzhou):
        Preference.objects.create(user=at_huzhou, delivery="daily_digest")
    told(guilin, [at_guilin], "桂林学院：请审核入会申请。", "/membership-applications/1/", capture=commit)
    told(huzhou, [at_huzhou], "湖州师范学院：请审核入会申请。", "/membership-applications/1/", capture=commit)

    # every host's sweep and digest, the way beat runs them
    from tenants.tasks import run_for_every_school

    with commit(execute=True):
        run_for_every_school.apply(args=["tenants.mail.tasks.send_daily_digests"])
        run_for_every_school.apply(args=["tenants.mail.tasks.sweep_outbox"])
        tasks.send_daily_digests.apply()  # the provincial host's own (public)
    assert [(m.recipients, "桂林学院" in m.body) for m in smtp.inbox] == [(["a@guilin.edu.cn"], True),
                                                                          (["a@zjhu.edu.cn"], False)]
    guilin_mail, huzhou_mail = smtp.inbox
    assert "http://guilin.localhost/" in guilin_mail.body and "huzhou" not in guilin_mail.body
    assert "http://huzhou.localhost/membership-applications/1/" in huzhou_mail.body
    assert "guilin" not in huzhou_mail.body and "【湖州师范学院工会】" in huzhou_mail.subject


@pytest.mark.parametrize("message, kind", [
    ("桂林学院第八届教代会转报提案“食堂”，请安排初审。", "todo"),
    ("提案“食堂”已交由贵部门办理，请及时答复。", "todo"),
    ("2026年工作计划的任务“迎新”已交由您负责。", "todo"),
    ("校工会发布了通知：关于开展读书月活动的通知", "todo"),
    ("【逾期提醒】您负责的 2 项工作计划任务已过期限仍未完成：迎新。", "reminder"),
    ("【督办】提案 T-1“食堂”已超过办理期限 2026年3月5日，后勤处尚未答复。", "reminder"),
    ("【慰问提醒】张三待慰问事项报告已超过 7 天，尚未登记慰问。", "reminder"),
    ("提醒：今日截止，请阅读通知《读书月》。", "reminder"),
    ("您的提案 T-1 已收到答复，请评价。", "result"),
    ("您的意见建议“食堂”已有答复。", "result"),
    ("您调整体检批次的申请未获同意：名额已满", "result"),
    ("“优秀会员”最终名单已公布，恭喜获评！", "result"),
    ("您的互助金申请未获给付：材料不全", "result"),
    ("您的互助金 ¥1,200.00 已支付。", "result"),
])
def test_the_kind_of_a_notification_is_read_from_its_words(message, kind):
    from tenants.mail.kinds import kind_of

    assert kind_of(message) == kind


def test_an_answer_to_a_members_suggestion_reaches_their_mailbox(smtp, guilin, host_client, commit):
    """The whole way: the API call's service writes the notification and its mail in one
    transaction; the mail leaves after the commit."""
    member = host_client(guilin, [Role.MEMBER], full_name="吴老师")
    office = host_client(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        User.objects.filter(pk=member.user.pk).update(email="wu@guilin.edu.cn")
    created = member.post("/api/v1/suggestions/", {"title": "增开校车", "content": "晚上九点后没有校车。"},
                          format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert office.post(f"/api/v1/suggestions/{pk}/acknowledge/").status_code == 200
    with commit(execute=True):
        answered = office.post(f"/api/v1/suggestions/{pk}/answer/", {"answer": "下周起增加两个班次。"}, format="json")
    assert answered.status_code == 200
    [mail] = smtp.to("wu@guilin.edu.cn")
    assert mail.subject == "【桂林学院工会】办理结果：您的意见建议“增开校车”已有答复。"
    assert f"http://guilin.localhost/suggestions/{pk}/" in mail.body and "吴老师，您好" in mail.body
