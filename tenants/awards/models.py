"""评先评优: the school's award campaigns, branch nominations within quota, review, 公示 counted in
China's working days, objections, the final list — and the winners forwarded to a provincial campaign."""
from django.db import models
from django.utils import timezone


class AwardKind(models.TextChoices):
    HOME = "home", "先进教工小家"
    WORKER = "worker", "优秀工会工作者"
    ACTIVIST = "activist", "工会积极分子"
    THREE_EDU = "three_edu", "三育人先进"
    TEACHER = "teacher", "最美教师"
    OTHER = "other", "其他"


#: kinds whose nominee is a branch (先进教工小家); an OTHER campaign says so itself
BRANCH_KINDS = frozenset({AwardKind.HOME})


class AwardCampaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "推荐中"
        REVIEWING = "reviewing", "审核中"
        PUBLICIZING = "publicizing", "公示中"
        FINAL = "final", "已公布"

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=16, choices=AwardKind.choices)
    for_branches = models.BooleanField("评选对象为分工会（集体）", default=False)
    criteria = models.TextField("评选条件", blank=True)
    default_quota = models.PositiveSmallIntegerField("每个分工会名额", default=1)
    opens_on = models.DateField("推荐开始")
    closes_on = models.DateField("推荐截止")
    publicity_days = models.PositiveSmallIntegerField("公示工作日数", default=5)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    publicity_starts_on = models.DateField("公示开始", null=True, blank=True)
    publicity_ends_on = models.DateField("公示结束", null=True, blank=True)
    created_by = models.CharField("发起人", max_length=150)
    created = models.DateTimeField("创建时间", default=timezone.now)
    finalised_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        verbose_name = "评先评优"
        verbose_name_plural = "评先评优"
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.title

    @property
    def nominee_label(self) -> str:
        return "分工会" if self.for_branches else "会员"


class BranchQuota(models.Model):
    """A branch's own quota in a campaign, when it differs from the campaign's default."""

    campaign = models.ForeignKey(AwardCampaign, verbose_name="评选", on_delete=models.CASCADE, related_name="quotas")
    branch = models.ForeignKey("members.Branch", verbose_name="分工会", on_delete=models.CASCADE, related_name="+")
    quota = models.PositiveSmallIntegerField("名额")

    class Meta:
        verbose_name = "分工会名额"
        verbose_name_plural = "分工会名额"
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="one_award_quota_per_branch")]


class AwardNomination(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已推荐"
        WITHDRAWN = "withdrawn", "已撤回"
        PASSED = "passed", "审核通过"
        FAILED = "failed", "审核未通过"
        PUBLICIZED = "publicized", "公示中"
        REMOVED = "removed", "公示异议成立"
        AWARDED = "awarded", "已评为"

    campaign = models.ForeignKey(AwardCampaign, verbose_name="评选", on_delete=models.PROTECT,
                                 related_name="nominations")
    branch = models.ForeignKey("members.Branch", verbose_name="推荐分工会", on_delete=models.PROTECT,
                               related_name="+")
    # a person (member) — or, for a campaign for branches (先进教工小家), the branch itself (member empty)
    member = models.ForeignKey("members.Member", verbose_name="会员", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="award_nominations")
    deeds = models.TextField("推荐理由（事迹）")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    nominated_by = models.CharField("推荐人", max_length=150)
    nominated_at = models.DateTimeField("推荐时间", default=timezone.now)
    review_comment = models.TextField("审核意见", blank=True)
    removal_reason = models.TextField("撤销原因", blank=True)
    # forwarded to the province (shared.honours): the provincial nomination's id and campaign title
    provincial_nomination_id = models.PositiveIntegerField("推荐至省级（推荐编号）", null=True, blank=True)
    provincial_campaign_title = models.CharField("推荐至省级活动", max_length=200, blank=True)

    class Meta:
        verbose_name = "评先评优推荐"
        verbose_name_plural = "评先评优推荐"
        ordering = ["branch__name", "id"]

    def __str__(self):
        return f"{self.name}（{self.campaign.title}）"

    @property
    def name(self) -> str:
        return self.member.name if self.member_id else self.branch.name


class AwardObjection(models.Model):
    """An objection raised during the 公示 — by a member themselves or recorded by the office for someone —
    then upheld or dismissed by the office."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    nomination = models.ForeignKey(AwardNomination, verbose_name="推荐", on_delete=models.CASCADE,
                                   related_name="objections")
    raised_by = models.CharField("反映人", max_length=100)
    # a member who raised it themselves during the 公示 (empty when the office recorded it for someone)
    raised_by_user = models.ForeignKey("accounts.User", verbose_name="提出异议的账号", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    content = models.TextField("异议内容")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.CharField("记录人", max_length=150)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    resolution = models.TextField("处理意见", blank=True)
    resolved_by = models.CharField("处理人", max_length=150, blank=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"对{self.nomination.name}的异议"
