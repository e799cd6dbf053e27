"""Demo data: notices of the union office and a branch, some read, some not (issue #12)."""
import datetime

from django.utils import timezone

from tenants.accounts.models import User
from tenants.members.models import Branch
from tenants.notices.models import Notice, NoticeRecipient


def seed_notices(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded.

    - 校工会: 关于开展2026年度教职工体检的通知, to every member, read by about a third;
    - chair1, for their branch: a branch meeting notice, read by a few;
    - 校工会: a survey whose 要求阅读日期 has passed with people still unread (already reminded by
      the daily task, so the demo shows the reminder in the audit)."""
    from tenants.notices import services as s

    if Notice.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    chair = User.objects.filter(username="chair1").first()
    if admin is None or not Branch.objects.exists():
        return
    today = timezone.localdate()
    year = today.year
    checkup = s.notice_create(
        by=admin, title=f"关于开展{year}年度教职工体检的通知", publish=True, read_by=today + datetime.timedelta(days=14),
        body=(f"各分工会、全体会员：\n\n经研究，校工会定于{year}年下半年组织全体在职教职工健康体检。"
              "请各位会员按所在分工会安排的时间段前往校医院预约，体检当日空腹。\n\n如有疑问请联系校工会办公室。"))
    _read_some(checkup, every=3)
    if chair is not None:
        branch = Branch.objects.filter(chair=chair).order_by("sort_order", "id").first()
        if branch is not None:
            meeting = s.notice_create(
                by=chair, title=f"{branch.name}分工会关于召开会员大会的通知", audience=Notice.Audience.BRANCHES,
                branches=[branch], publish=True,
                body="本分工会定于下周三下午在学院会议室召开会员大会，审议分工会年度工作报告，请全体会员准时参加。")
            _read_some(meeting, every=4)
    survey = s.notice_create(
        by=admin, title="关于填报教职工文体活动意向调查的通知", publish=True,
        body="为做好下一阶段文体活动安排，请各位会员阅读本通知并在分工会报名表中填写意向项目。")
    past = today - datetime.timedelta(days=3)
    Notice.objects.filter(pk=survey.pk).update(read_by=past,
                                               published_at=timezone.now() - datetime.timedelta(days=10))
    _read_some(survey, every=2)
    s.remind_due_notices(today=today)


def _read_some(notice, *, every: int) -> None:
    """Every ``every``-th recipient has read it; the demo's member1 has not (so the badge shows)."""
    receipts = NoticeRecipient.objects.filter(notice=notice).exclude(member__user__username="member1").order_by("id")
    ids = [pk for index, pk in enumerate(receipts.values_list("pk", flat=True)) if index % every == 0]
    NoticeRecipient.objects.filter(pk__in=ids).update(read_at=timezone.now())
