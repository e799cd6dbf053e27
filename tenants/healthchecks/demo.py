"""Demo data: this year's health check with its batches (issue #11)."""
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from tenants.errors import DomainError
from tenants.healthchecks import services as s
from tenants.healthchecks.models import Attendance, HealthCheck, HealthCheckAssignment


def seed_health_checks(school) -> None:
    """Runs in the school's schema after its members exist; does nothing if already seeded."""
    from tenants.accounts.models import User

    today = timezone.localdate()
    if HealthCheck.objects.filter(year=today.year).exists():
        return
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    year = today.year
    check = s.health_check_create(
        by=admin, year=year, title=f"{year}年教职工健康体检", provider="市人民医院体检中心",
        notes="体检前一天晚上 8 点后禁食；请携带身份证。", womens_special_items="妇科检查、乳腺彩超、宫颈癌筛查")
    first = max(datetime.date(year, 1, 5), today - datetime.timedelta(days=14))
    second = max(datetime.date(year, 1, 6), today - datetime.timedelta(days=7))
    later = min(datetime.date(year, 12, 31), today + datetime.timedelta(days=10))
    s.batch_create(by=admin, check=check, name="女教职工批", date=first, time="7:30–10:30", place="市人民医院体检中心",
                   gender="female", places=200)
    s.batch_create(by=admin, check=check, name="男教职工（50岁以下）", date=second, time="7:30–10:30",
                   place="市人民医院体检中心", gender="male", age_max=49, places=150)
    s.batch_create(by=admin, check=check, name="男教职工（50岁及以上）", date=later, time="7:30–10:30",
                   place="市人民医院体检中心", gender="male", age_min=50, places=100)
    s.assign_members(by=admin, check=check)
    s.health_check_move(by=admin, check=check, action="open")
    # the batches already held: most were checked, a few did not come
    held = list(HealthCheckAssignment.objects.filter(health_check=check, batch__date__lt=today)
                .order_by("id").values_list("pk", "batch__date", "womens_special"))
    checked = [pk for i, (pk, _, _) in enumerate(held) if i % 9]
    absent = [pk for i, (pk, _, _) in enumerate(held) if not i % 9]
    for pk, on, special in held:
        if pk in checked:
            HealthCheckAssignment.objects.filter(pk=pk).update(attendance=Attendance.CHECKED, checked_on=on,
                                                               special_done=special)
    HealthCheckAssignment.objects.filter(pk__in=absent).update(attendance=Attendance.ABSENT)
    # a member with an account asks to move to the later batch
    member_user = User.objects.filter(username="member1").first()
    mine = HealthCheckAssignment.objects.filter(health_check=check, member__user=member_user).first()
    target = check.batches.filter(date=later).first()
    if mine is not None and target is not None and member_user is not None:
        try:
            s.change_request(by=member_user, assignment=mine, batch=target, reason="原定那天要带学生外出实习")
        except (DomainError, ValidationError):
            pass  # the demo's member may already be in that batch
