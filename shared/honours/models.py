"""劳模 and honours recommendation (public schema: every row names its school)."""
from django.db import models
from django.utils import timezone

from shared.storage import provincial_storage
from tenants.models import School


class HonourKind(models.TextChoices):
    NATIONAL_MODEL = "national_model", "全国劳动模范和先进工作者"
    REGIONAL_MODEL = "regional_model", "自治区劳动模范和先进工作者"
    MAY_DAY_MEDAL = "may_day_medal", "五一劳动奖章"
    MAY_DAY_CERTIFICATE = "may_day_certificate", "五一劳动奖状"
    PIONEER = "pioneer", "工人先锋号"
    ETHICS_MODEL = "ethics_model", "师德标兵"
    CRAFTSMAN = "craftsman", "广西工匠"


#: Honours awarded to a unit (集体), not a person (DOMAIN.md): the May Day Labour Certificate
#: (五一劳动奖状) and the Workers' Pioneer title (工人先锋号). Their nominations name the unit and its
#: leader (name, post) instead of a person's name, gender and birth date; the May Day Labour
#: *Medal* (五一劳动奖章) goes to a person.
COLLECTIVE_KINDS = frozenset({HonourKind.MAY_DAY_CERTIFICATE, HonourKind.PIONEER})


def is_collective(kind: str) -> bool:
    return kind in COLLECTIVE_KINDS


class HonourCampaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "推荐中"
        REVIEWING = "reviewing", "评审中"
        PUBLICIZING = "publicizing", "公示中"
        DECIDED = "decided", "已确定"

    kind = models.CharField("荣誉类别", max_length=32, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    deadline = models.DateTimeField("推荐截止")
    default_quota = models.PositiveSmallIntegerField("每校名额", default=1)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    publicity_starts_on = models.DateField("公示开始", null=True, blank=True)
    publicity_ends_on = models.DateField("公示结束", null=True, blank=True)
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "荣誉推荐活动"
        verbose_name_plural = "荣誉推荐活动"
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_collective(self) -> bool:
        return is_collective(self.kind)

    def quota_for(self, school: School) -> int:
        override = self.quotas.filter(school=school).first()
        return override.quota if override else self.default_quota


class CampaignQuota(models.Model):
    """A school's own quota for a campaign, when it differs from the default."""

    campaign = models.ForeignKey(HonourCampaign, verbose_name="推荐活动", on_delete=models.CASCADE,
                                 related_name="quotas")
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    quota = models.PositiveSmallIntegerField("名额")

    class Meta:
        verbose_name = "学校名额"
        verbose_name_plural = "学校名额"
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="unique_campaign_quota")]


class Nomination(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已推荐"
        WITHDRAWN = "withdrawn", "已撤回"
        PASSED = "passed", "评审通过"
        FAILED = "failed", "评审未通过"
        PUBLICIZED = "publicized", "公示中"
        AWARDED = "awarded", "已授予"
        NOT_AWARDED = "not_awarded", "未授予"

    campaign = models.ForeignKey(HonourCampaign, verbose_name="推荐活动", on_delete=models.PROTECT,
                                 related_name="nominations")
    school = models.ForeignKey(School, verbose_name="推荐学校", on_delete=models.PROTECT, related_name="+")
    # An individual honour names the person (name, gender, birth date, title, post); a collective
    # one (COLLECTIVE_KINDS) names the unit and its leader instead. The services keep the other
    # group empty, so `name` is whichever was given.
    nominee_name = models.CharField("姓名", max_length=50, blank=True)
    gender = models.CharField("性别", max_length=8, choices=[("male", "男"), ("female", "女")], blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    title = models.CharField("职称", max_length=50, blank=True)
    post = models.CharField("职务", max_length=100, blank=True)
    unit_name = models.CharField("集体名称", max_length=100, blank=True)
    leader_name = models.CharField("负责人姓名", max_length=50, blank=True)
    leader_post = models.CharField("负责人职务", max_length=100, blank=True)
    deeds = models.TextField("事迹材料")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.CharField("推荐人", max_length=150)
    submitted_at = models.DateTimeField("推荐时间", default=timezone.now)
    review_comment = models.TextField("评审意见", blank=True)
    decision_note = models.TextField("决定说明", blank=True)

    class Meta:
        verbose_name = "荣誉推荐"
        verbose_name_plural = "荣誉推荐"
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.campaign.title}）"

    @property
    def name(self) -> str:
        """Who is nominated: the person, or for a collective honour the unit."""
        return self.unit_name or self.nominee_name

    @property
    def is_collective(self) -> bool:
        return bool(self.unit_name)


def nomination_file_path(instance, filename):
    nomination = instance.nomination
    return f"honours/{nomination.school.slug}/{nomination.pk}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class NominationAttachment(models.Model):
    nomination = models.ForeignKey(Nomination, verbose_name="推荐", on_delete=models.CASCADE,
                                   related_name="attachments")
    file = models.FileField("文件", upload_to=nomination_file_path, storage=provincial_storage)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "推荐附件"
        verbose_name_plural = "推荐附件"


class Objection(models.Model):
    """An objection raised during the public-notice period (公示)."""

    nomination = models.ForeignKey(Nomination, verbose_name="推荐", on_delete=models.CASCADE,
                                   related_name="objections")
    content = models.TextField("异议内容")
    recorded_by = models.CharField("记录人", max_length=150)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["recorded_at"]


class HonourRecord(models.Model):
    """The registry of honours held: who, which honour, which year, which school."""

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    # the person, or for a collective honour (COLLECTIVE_KINDS) the unit
    person_name = models.CharField("获得者", max_length=100)
    kind = models.CharField("荣誉", max_length=32, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    nomination = models.OneToOneField(Nomination, verbose_name="来源推荐", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="record")

    class Meta:
        verbose_name = "荣誉获得者"
        verbose_name_plural = "荣誉获得者"
        ordering = ["-year", "person_name"]

    def __str__(self):
        return f"{self.person_name} {self.get_kind_display()}（{self.year}）"

    @property
    def is_collective(self) -> bool:
        return is_collective(self.kind)


class ModelWorkerCare(models.Model):
    """Care given to a model worker (e.g. Spring Festival visit, recuperation)."""

    class Kind(models.TextChoices):
        SPRING_FESTIVAL = "spring_festival", "春节慰问"
        RECUPERATION = "recuperation", "疗休养"
        HEALTH_CHECK = "health_check", "健康体检"
        OTHER = "other", "其他"

    record = models.ForeignKey(HonourRecord, verbose_name="荣誉获得者", on_delete=models.CASCADE,
                               related_name="care")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    given_on = models.DateField("日期")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2, default=0)
    note = models.TextField("说明", blank=True)
    recorded_by = models.CharField("记录人", max_length=150)

    class Meta:
        verbose_name = "劳模关爱"
        verbose_name_plural = "劳模关爱"
        ordering = ["-given_on"]
