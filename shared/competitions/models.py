"""The youth-teacher teaching competition (高校青年教师教学竞赛), across schools."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.models import School


class Competition(models.Model):
    class Status(models.TextChoices):
        REGISTRATION = "registration", "报名中"
        JUDGING = "judging", "评审中"
        PUBLISHED = "published", "已公布"

    edition = models.PositiveSmallIntegerField("届次")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    age_limit = models.PositiveSmallIntegerField("年龄上限（周岁）", default=40)
    age_cutoff_on = models.DateField("年龄计算截止日")
    registration_opens_at = models.DateTimeField("报名开始")
    registration_closes_at = models.DateTimeField("报名截止")
    weight_design = models.DecimalField("教学设计权重%", max_digits=5, decimal_places=2, default=Decimal("20"))
    weight_classroom = models.DecimalField("课堂教学权重%", max_digits=5, decimal_places=2, default=Decimal("75"))
    weight_reflection = models.DecimalField("教学反思权重%", max_digits=5, decimal_places=2, default=Decimal("5"))
    drop_extremes = models.BooleanField("5 名以上评委时去掉最高最低分", default=True)
    first_share = models.DecimalField("一等奖比例%", max_digits=5, decimal_places=2, default=Decimal("15"))
    second_share = models.DecimalField("二等奖比例%", max_digits=5, decimal_places=2, default=Decimal("25"))
    third_share = models.DecimalField("三等奖比例%", max_digits=5, decimal_places=2, default=Decimal("35"))
    national_top_k = models.PositiveSmallIntegerField("每组推荐全国赛人数", default=1)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.REGISTRATION)

    class Meta:
        verbose_name = "教学竞赛"
        verbose_name_plural = "教学竞赛"
        ordering = ["-year", "-edition"]

    def __str__(self):
        return self.title


class CompetitionGroup(models.Model):
    competition = models.ForeignKey(Competition, verbose_name="竞赛", on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("组别", max_length=40)
    quota_per_school = models.PositiveSmallIntegerField("每校名额", default=2)

    class Meta:
        verbose_name = "竞赛组别"
        verbose_name_plural = "竞赛组别"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="unique_group_name")]

    def __str__(self):
        return self.name


class Entry(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", "已报名"
        WITHDRAWN = "withdrawn", "已撤回"
        CONFIRMED = "confirmed", "已确认"
        REJECTED = "rejected", "未通过资格审查"

    class Award(models.TextChoices):
        FIRST = "first", "一等奖"
        SECOND = "second", "二等奖"
        THIRD = "third", "三等奖"
        NONE = "none", "未获奖"

    competition = models.ForeignKey(Competition, verbose_name="竞赛", on_delete=models.PROTECT, related_name="entries")
    group = models.ForeignKey(CompetitionGroup, verbose_name="组别", on_delete=models.PROTECT, related_name="entries")
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=8, choices=[("male", "男"), ("female", "女")])
    birth_date = models.DateField("出生日期")
    title = models.CharField("职称", max_length=50, blank=True)
    course = models.CharField("参赛课程", max_length=100)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REGISTERED)
    note = models.TextField("审查意见", blank=True)
    final_score = models.DecimalField("最终得分", max_digits=7, decimal_places=3, null=True, blank=True)
    rank = models.PositiveIntegerField("组内名次", null=True, blank=True)
    award = models.CharField("奖项", max_length=8, choices=Award.choices, blank=True)
    recommended = models.BooleanField("推荐参加全国赛", default=False)
    registered_by = models.CharField("报名人", max_length=150)
    registered_at = models.DateTimeField("报名时间", default=timezone.now)

    class Meta:
        verbose_name = "参赛选手"
        verbose_name_plural = "参赛选手"
        ordering = ["group_id", "rank", "id"]

    def __str__(self):
        return f"{self.name}（{self.group.name}）"


class Judge(models.Model):
    """A provincial judge account with the school the judge comes from (none for provincial staff)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT,
                                related_name="judge_profile")
    home_school = models.ForeignKey(School, verbose_name="所在学校", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "评委"
        verbose_name_plural = "评委"

    def __str__(self):
        return str(self.user)


class JudgeAssignment(models.Model):
    entry = models.ForeignKey(Entry, verbose_name="选手", on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(Judge, verbose_name="评委", on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        verbose_name = "评委分配"
        verbose_name_plural = "评委分配"
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="unique_assignment")]


class Score(models.Model):
    entry = models.ForeignKey(Entry, verbose_name="选手", on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(Judge, verbose_name="评委", on_delete=models.PROTECT, related_name="scores")
    design = models.DecimalField("教学设计", max_digits=5, decimal_places=2)
    classroom = models.DecimalField("课堂教学", max_digits=5, decimal_places=2)
    reflection = models.DecimalField("教学反思", max_digits=5, decimal_places=2)
    weighted_total = models.DecimalField("加权总分", max_digits=7, decimal_places=3)
    submitted_at = models.DateTimeField("评分时间", default=timezone.now)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="one_score_per_judge")]
