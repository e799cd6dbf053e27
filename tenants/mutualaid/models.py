"""Mutual aid (大病互助 / 医疗互助): a yearly scheme, who joined it, and what they claimed.

Amounts are yuan as Decimal with two places. Each enrolment carries the scheme's yearly cap as it
was when the member joined and what has been approved against it (`used`); the database refuses
`used` above `cap`, so the cap holds even if a service were wrong.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.members.models import Member


class Scheme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ENROLLING = "enrolling", "参保中"
        ACTIVE = "active", "保障中"
        ENDED = "ended", "已结束"

    name = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    enrol_opens_on = models.DateField("参保开始日期")
    enrol_closes_on = models.DateField("参保截止日期")
    fee = models.DecimalField("每人缴费（元）", max_digits=10, decimal_places=2)
    yearly_cap = models.DecimalField("每人年度给付上限（元）", max_digits=12, decimal_places=2)
    note = models.TextField("说明", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "互助保障计划"
        verbose_name_plural = "互助保障计划"
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="unique_aid_scheme_year_name")]

    def __str__(self):
        return f"{self.year}年度{self.name}"


class Category(models.Model):
    """A kind of claim the scheme pays: a fixed amount, or a percentage of the eligible costs."""

    class Mode(models.TextChoices):
        FIXED = "fixed", "定额给付"
        PERCENT = "percent", "按比例给付"

    scheme = models.ForeignKey(Scheme, verbose_name="计划", on_delete=models.CASCADE, related_name="categories")
    name = models.CharField("名称", max_length=50)
    mode = models.CharField("给付方式", max_length=10, choices=Mode.choices)
    amount = models.DecimalField("定额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField("比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    max_per_claim = models.DecimalField("每次最高（元）", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "给付类别"
        verbose_name_plural = "给付类别"
        ordering = ["scheme_id", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="unique_aid_category_name")]

    def __str__(self):
        return self.name

    @property
    def rule(self) -> str:
        if self.mode == self.Mode.FIXED:
            return f"定额 ¥{self.amount:,.2f}"
        text = f"合规费用的 {self.rate.normalize():f}%"
        return text + (f"，每次最高 ¥{self.max_per_claim:,.2f}" if self.max_per_claim is not None else "")


class Enrolment(models.Model):
    class Via(models.TextChoices):
        OFFICE = "office", "校工会登记"
        SELF = "self", "本人参保"
        IMPORT = "import", "表格导入"
        ALL = "all", "全员参保"

    scheme = models.ForeignKey(Scheme, verbose_name="计划", on_delete=models.PROTECT, related_name="enrolments")
    member = models.ForeignKey(Member, verbose_name="会员", on_delete=models.PROTECT, related_name="aid_enrolments")
    enrolled_on = models.DateField("参保日期", default=timezone.localdate)
    via = models.CharField("参保方式", max_length=10, choices=Via.choices)
    fee = models.DecimalField("缴费（元）", max_digits=10, decimal_places=2)
    cap = models.DecimalField("年度给付上限（元）", max_digits=12, decimal_places=2)
    used = models.DecimalField("已核准给付（元）", max_digits=12, decimal_places=2, default=0)
    fees_entry = models.ForeignKey("finance.LedgerEntry", verbose_name="缴费入账记录", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    enrolled_by = models.CharField("登记人", max_length=150)

    class Meta:
        verbose_name = "参保记录"
        verbose_name_plural = "参保记录"
        ordering = ["scheme_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "member"], name="unique_aid_enrolment"),
            models.CheckConstraint(condition=models.Q(used__gte=0) & models.Q(used__lte=models.F("cap")),
                                   name="aid_enrolment_within_cap"),
        ]

    def __str__(self):
        return f"{self.member.name} · {self.scheme}"

    @property
    def remaining(self):
        return self.cap - self.used


def document_path(instance, filename):
    return f"mutual-aid/{instance.claim_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Claim(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待初审"
        REVIEWED = "reviewed", "待核准"
        APPROVED = "approved", "待支付"
        PAID = "paid", "已支付"
        REJECTED = "rejected", "未通过"

    enrolment = models.ForeignKey(Enrolment, verbose_name="参保记录", on_delete=models.PROTECT, related_name="claims")
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT, related_name="claims")
    eligible_costs = models.DecimalField("合规费用（元）", max_digits=12, decimal_places=2)
    description = models.TextField("病情及就医说明")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    computed_amount = models.DecimalField("按类别计算（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    approved_amount = models.DecimalField("核准金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    capped = models.BooleanField("因年度上限核减", default=False)
    decision_reason = models.TextField("审核意见", blank=True)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    payout_entry = models.ForeignKey("finance.LedgerEntry", verbose_name="支付入账记录", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人账号", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField("申请时间", default=timezone.now)

    class Meta:
        verbose_name = "互助金申请"
        verbose_name_plural = "互助金申请"
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"互助金申请 #{self.pk}"


class ClaimDocument(models.Model):
    claim = models.ForeignKey(Claim, verbose_name="申请", on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("文件", upload_to=document_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["id"]
