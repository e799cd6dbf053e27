"""文体活动: activities with a registration window, capacity, branch quotas and eligibility; individual
or team sign-up; a waitlist in order of arrival; check-in by code (issue #11)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tenants.members.models import Gender, MaritalStatus


class ActivityKind(models.TextChoices):
    SPORTS_MEET = "sports_meet", "运动会"
    FUN_GAMES = "fun_games", "趣味运动会"
    CHOIR = "choir", "合唱"
    BALL = "ball", "球类"
    WALK = "walk", "健步走"
    CHILDREN = "children", "亲子/六一"
    WOMEN = "women", "三八"
    MIXER = "mixer", "联谊"
    TRAINING = "training", "培训"
    CLUB = "club", "俱乐部活动"
    OTHER = "other", "其他"


class Activity(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        OPEN = "open", "报名中"
        CLOSED = "closed", "报名截止"
        HELD = "held", "已举办"
        CANCELLED = "cancelled", "已取消"

    class SignUp(models.TextChoices):
        INDIVIDUAL = "individual", "个人报名"
        TEAM = "team", "分工会组队报名"

    class Retirees(models.TextChoices):
        INCLUDED = "included", "含退休会员"
        EXCLUDED = "excluded", "不含退休会员"
        ONLY = "only", "仅退休会员"

    kind = models.CharField("活动类型", max_length=20, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=100)
    description = models.TextField("活动说明", blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=100)
    #: null: the union office organises; a branch: its chair organises
    organiser_branch = models.ForeignKey("members.Branch", verbose_name="主办分工会", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="organised_activities")
    registration_opens_at = models.DateTimeField("报名开始")
    registration_closes_at = models.DateTimeField("报名截止")
    cancel_deadline = models.DateTimeField("取消报名截止")
    capacity = models.PositiveIntegerField("名额")
    sign_up = models.CharField("报名方式", max_length=12, choices=SignUp.choices, default=SignUp.INDIVIDUAL)
    team_size = models.PositiveSmallIntegerField("每队人数", null=True, blank=True)
    gender = models.CharField("性别要求", max_length=8, choices=Gender.choices, blank=True)
    child_age_min = models.PositiveSmallIntegerField("子女最小年龄", null=True, blank=True)
    child_age_max = models.PositiveSmallIntegerField("子女最大年龄", null=True, blank=True)
    marital_status = models.CharField("婚姻状况要求", max_length=12, choices=MaritalStatus.choices, blank=True)
    retirees = models.CharField("退休会员", max_length=10, choices=Retirees.choices, default=Retirees.INCLUDED)
    fee = models.DecimalField("每人缴费（元）", max_digits=10, decimal_places=2, default=0)
    budget = models.DecimalField("工会预算（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    union_cost = models.DecimalField("工会实际支出（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    ledger_entry = models.ForeignKey("finance.LedgerEntry", verbose_name="收支记录", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    #: the arrival counter: each sign-up takes the next number under the activity's row lock
    arrivals = models.PositiveIntegerField("报名序号", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def organiser_label(self) -> str:
        return self.organiser_branch.name if self.organiser_branch_id else "校工会"


class BranchQuota(models.Model):
    """名额分配: at most ``places`` registrations (confirmed or waitlisted) from the branch."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="quotas")
    branch = models.ForeignKey("members.Branch", verbose_name="分工会", on_delete=models.PROTECT, related_name="+")
    places = models.PositiveIntegerField("名额")

    class Meta:
        verbose_name = "分工会名额"
        verbose_name_plural = "分工会名额"
        ordering = ["branch__sort_order", "branch_id"]
        constraints = [models.UniqueConstraint(fields=["activity", "branch"], name="one_quota_per_branch")]


class Team(models.Model):
    """A branch's team (e.g. 气排球): its members' registrations move together."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="teams")
    branch = models.ForeignKey("members.Branch", verbose_name="分工会", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("队名", max_length=60)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报名人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("报名时间", default=timezone.now)

    class Meta:
        verbose_name = "参赛队"
        verbose_name_plural = "参赛队"
        ordering = ["activity_id", "id"]

    def __str__(self):
        return self.name


ACTIVE_STATES = ("confirmed", "waitlisted")


class Registration(models.Model):
    class Status(models.TextChoices):
        WAITLISTED = "waitlisted", "候补"
        CONFIRMED = "confirmed", "报名成功"
        CANCELLED = "cancelled", "已取消"
        REJECTED = "rejected", "未通过"

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.PROTECT,
                                 related_name="registrations")
    member = models.ForeignKey("members.Member", verbose_name="会员", on_delete=models.PROTECT,
                               related_name="activity_registrations")
    #: the member's branch at sign-up (quotas and figures count it)
    branch = models.ForeignKey("members.Branch", verbose_name="分工会", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, verbose_name="参赛队", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="registrations")
    #: arrival order (taken under the activity's lock): the waitlist's order
    arrival = models.PositiveIntegerField("报名序号")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.WAITLISTED,
                              db_index=True)
    code = models.CharField("签到码", max_length=12, unique=True)
    child_name = models.CharField("子女姓名", max_length=50, blank=True)
    child_birth_date = models.DateField("子女出生日期", null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报名人", null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField("报名时间", default=timezone.now)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签到人", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        ordering = ["activity_id", "arrival"]
        constraints = [
            # a person signs up once per activity (and so is in one team per activity); ORed equalities
            # rather than status__in: PostgreSQL prints an IN list differently after pg_dump's replay,
            # and the template's catalog must equal a migrated school's (tests/tenants/test_template.py)
            models.UniqueConstraint(fields=["activity", "member"],
                                    condition=Q(status=ACTIVE_STATES[0]) | Q(status=ACTIVE_STATES[1]),
                                    name="one_live_registration_per_member"),
        ]
        indexes = [models.Index(fields=["activity", "status", "arrival"], name="registration_queue")]

    def __str__(self):
        return f"{self.member.name} · {self.activity.title}"
