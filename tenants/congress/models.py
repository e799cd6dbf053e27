from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from tenants.counting import ListedRelation
from tenants.members.models import Branch, Department, Member

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    return CHINESE_DIGITS[n // 10] + "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")


class Congress(models.Model):
    """教代会（双代会）, numbered by term and session: 六届四次."""

    class Status(models.TextChoices):
        PREPARING = "preparing", "筹备中"
        IN_SESSION = "in_session", "召开中"
        CLOSED = "closed", "已闭幕"

    # null: the school's congress; set: a branch's own (二级) congress, run by its chair too.
    branch = models.ForeignKey(Branch, verbose_name="所属分工会（二级教代会）", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="congresses")
    term = models.PositiveSmallIntegerField("届")
    session = models.PositiveSmallIntegerField("次")
    title = models.CharField("名称", max_length=100, blank=True)
    opens_on = models.DateField("开幕日期", null=True, blank=True)
    closes_on = models.DateField("闭幕日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PREPARING)
    seconder_minimum = models.PositiveSmallIntegerField("附议最少人数", default=2,
                                                        validators=[MaxValueValidator(20)])
    submission_opens_at = models.DateTimeField("提案征集开始", null=True, blank=True)
    submission_closes_at = models.DateTimeField("提案征集截止", null=True, blank=True)
    seconding_closes_at = models.DateTimeField("附议截止", null=True, blank=True)

    class Meta:
        verbose_name = "教代会"
        verbose_name_plural = "教代会"
        ordering = ["-term", "-session"]
        constraints = [
            models.UniqueConstraint(fields=["term", "session"], condition=models.Q(branch__isnull=True),
                                    name="unique_congress_term_session"),
            models.UniqueConstraint(fields=["branch", "term", "session"], condition=models.Q(branch__isnull=False),
                                    name="unique_branch_congress_term_session"),
        ]

    @property
    def label(self) -> str:
        return f"{chinese_number(self.term)}届{chinese_number(self.session)}次"

    @property
    def is_branch(self) -> bool:
        return self.branch_id is not None

    @property
    def level_label(self) -> str:
        """全校, or the branch whose 二级教代会 this is."""
        return self.branch.name if self.branch_id else "全校"

    def __str__(self):
        if self.title:
            return self.title
        return f"{self.branch.name}{self.label}二级教代会" if self.branch_id else f"{self.label}教代会"


class Delegation(models.Model):
    """代表团: delegates grouped for the congress (usually by branch)."""

    congress = models.ForeignKey(Congress, verbose_name="教代会", on_delete=models.CASCADE, related_name="delegations")
    name = models.CharField("名称", max_length=60)

    class Meta:
        verbose_name = "代表团"
        verbose_name_plural = "代表团"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="unique_delegation_name")]

    def __str__(self):
        return self.name


class Delegate(models.Model):
    congress = models.ForeignKey(Congress, verbose_name="教代会", on_delete=models.CASCADE, related_name="delegates")
    member = models.ForeignKey(Member, verbose_name="会员", on_delete=models.PROTECT, related_name="delegateships")
    branch = models.ForeignKey(Branch, verbose_name="选举单位", on_delete=models.PROTECT, related_name="+")
    delegation = models.ForeignKey(Delegation, verbose_name="代表团", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="delegates")
    elected_on = models.DateField("当选日期", default=timezone.localdate)

    class Meta:
        verbose_name = "代表"
        verbose_name_plural = "代表"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["congress", "member"], name="unique_delegate_per_congress")]

    def __str__(self):
        return self.member.name


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Proposal(models.Model):
    """提案: one matter per proposal (案由、理由、建议措施)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "征集中"
        SECONDED = "seconded", "附议已满"
        UNDER_REVIEW = "under_review", "初审中"
        ACCEPTED = "accepted", "已立案"
        SUGGESTION = "suggestion", "转为意见建议"
        NOT_ACCEPTED = "not_accepted", "不立案"
        MERGED = "merged", "已并案"
        ASSIGNED = "assigned", "已交办"
        REPLIED = "replied", "已答复"
        RATED = "rated", "已评价"
        CLOSED = "closed", "已结案"
        FORWARDED = "forwarded", "已转报学校教代会"

    congress = models.ForeignKey(Congress, verbose_name="教代会", on_delete=models.PROTECT, related_name="proposals")
    # Empty only on a proposal a 二级教代会 forwarded to the school's congress: that congress's
    # proposal, not one delegate's (the original proposer is `forwarded_from.proposer`).
    proposer = models.ForeignKey(Delegate, verbose_name="提案人", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="proposals")
    co_proposers = models.ManyToManyField(Delegate, verbose_name="联名提案人（并案）", blank=True,
                                          related_name="co_proposals")
    serial = models.PositiveIntegerField("立案序号", null=True, blank=True)
    number = models.CharField("提案编号", max_length=30, blank=True, db_index=True)
    title = models.CharField("案由", max_length=200)
    reasons = models.TextField("理由")
    measures = models.TextField("建议措施")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    decision_reason = models.TextField("审查意见", blank=True)
    lead_department = models.ForeignKey(Department, verbose_name="主办部门", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="led_proposals")
    co_departments = models.ManyToManyField(Department, verbose_name="协办部门", blank=True,
                                            related_name="co_proposals")
    due_date = models.DateField("办理期限", null=True, blank=True)
    handling_round = models.PositiveSmallIntegerField("办理轮次", default=1)
    rating = models.CharField("提案人评价", max_length=16, choices=Rating.choices, blank=True)
    committee_note = models.TextField("提案委员会意见", blank=True)
    merged_into = models.ForeignKey("self", verbose_name="并入提案", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_sources")
    forwarded_from = models.OneToOneField("self", verbose_name="转报自（二级教代会提案）", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="forwarded_to")
    overdue = models.BooleanField("督办中", default=False)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    created = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    # The rare relations a list reads in its own query, one JSON object each instead of a join per
    # table (congress.selectors.proposals_listed; tenants.counting.RelatedObject): assigned there,
    # they are where select_related would have put them.
    listed_merged_into = ListedRelation("merged_into")
    listed_forwarded_from = ListedRelation("forwarded_from")
    listed_forwarded_to = ListedRelation("forwarded_to")

    class Meta:
        verbose_name = "提案"
        verbose_name_plural = "提案"
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["congress", "serial"], name="unique_proposal_serial")]

    def __str__(self):
        if self.status == self.Status.DRAFT:  # a draft's text is private to its proposer
            return f"提案草稿 #{self.pk}"
        return f"{self.number or '未立案'} {self.title}"

    @property
    def author(self) -> Delegate | None:
        """The delegate who wrote it: the proposer, or for a forwarded proposal the original one's."""
        if self.proposer_id is not None:
            return self.proposer
        return self.forwarded_from.author if self.forwarded_from_id else None

    @property
    def author_user_id(self):
        author = self.author
        return author.member.user_id if author is not None else None

    @property
    def proposer_display(self) -> str:
        if self.proposer_id is not None:
            # a list's query selects the name as a value instead of the delegate and member rows
            # (congress.selectors.proposals_listed, issue #14)
            listed = self.__dict__.get("listed_proposer_name")
            return listed if listed is not None else self.proposer.member.name
        if self.forwarded_from_id:
            source = self.forwarded_from
            return f"{source.congress}（转报，原提案人 {source.proposer_display}）"
        return ""


class ProposalSecond(models.Model):
    """附议: another delegate of the same congress supports the proposal."""

    proposal = models.ForeignKey(Proposal, verbose_name="提案", on_delete=models.CASCADE, related_name="seconds")
    delegate = models.ForeignKey(Delegate, verbose_name="附议人", on_delete=models.CASCADE, related_name="seconds")
    seconded_at = models.DateTimeField("附议时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "附议"
        verbose_name_plural = "附议"
        ordering = ["seconded_at"]
        constraints = [models.UniqueConstraint(fields=["proposal", "delegate"], condition=models.Q(withdrawn_at=None),
                                               name="one_active_second_per_delegate")]


class ProposalReply(models.Model):
    """答复: the lead department's written reply in one handling round, and the proposer's rating of it."""

    proposal = models.ForeignKey(Proposal, verbose_name="提案", on_delete=models.CASCADE, related_name="replies")
    handling_round = models.PositiveSmallIntegerField("办理轮次")
    department = models.ForeignKey(Department, verbose_name="答复部门", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("答复内容")
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField("答复时间", default=timezone.now)
    due_date = models.DateField("办理期限")
    rating = models.CharField("评价", max_length=16, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    rating_comment = models.TextField("评价意见", blank=True)

    class Meta:
        verbose_name = "提案答复"
        verbose_name_plural = "提案答复"
        ordering = ["handling_round"]

    @property
    def on_time(self) -> bool:
        return timezone.localtime(self.replied_at).date() <= self.due_date


def attachment_path(instance, filename):
    return f"proposals/{instance.proposal_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ProposalAttachment(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", "提案附件"
        REPLY = "reply", "答复附件"

    proposal = models.ForeignKey(Proposal, verbose_name="提案", on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    file = models.FileField("文件", upload_to=attachment_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "提案附件"
        verbose_name_plural = "提案附件"
        ordering = ["id"]


class Suggestion(models.Model):
    """意见建议: from any member (网上提案快捷通道), or a proposal not accepted as such."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        ACKNOWLEDGED = "acknowledged", "已受理"
        FORWARDED = "forwarded", "已转交部门"
        ANSWERED = "answered", "已答复"

    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True,
                                     on_delete=models.SET_NULL, related_name="suggestions")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    department = models.ForeignKey(Department, verbose_name="转交部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="suggestions")
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    source_proposal = models.OneToOneField(Proposal, verbose_name="来源提案", null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="suggestion")
    created = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.title


class Committee(models.Model):
    """专门委员会 of one congress: its 提案工作委员会 (one per congress) and others (福利、民主管理…)."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", "提案工作委员会"
        OTHER = "other", "其他专门委员会"

    congress = models.ForeignKey(Congress, verbose_name="教代会", on_delete=models.CASCADE, related_name="committees")
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.OTHER)
    created = models.DateTimeField("建立时间", default=timezone.now)

    class Meta:
        verbose_name = "专门委员会"
        verbose_name_plural = "专门委员会"
        ordering = ["congress_id", "-kind", "id"]  # the 提案工作委员会 first ("proposal" > "other")
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="unique_committee_name"),
            models.UniqueConstraint(fields=["congress"], condition=models.Q(kind="proposal"),
                                    name="one_proposal_committee_per_congress"),
        ]

    def __str__(self):
        return self.name


class CommitteeMembership(models.Model):
    """A delegate of the committee's own congress sitting on it, as 主任, 副主任 or 委员."""

    class Role(models.TextChoices):
        CHAIR = "chair", "主任"
        VICE_CHAIR = "vice_chair", "副主任"
        MEMBER = "member", "委员"

    committee = models.ForeignKey(Committee, verbose_name="委员会", on_delete=models.CASCADE,
                                  related_name="memberships")
    delegate = models.ForeignKey(Delegate, verbose_name="代表", on_delete=models.PROTECT,
                                 related_name="committee_memberships")
    role = models.CharField("职务", max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField("加入日期", default=timezone.localdate)

    class Meta:
        verbose_name = "委员会成员"
        verbose_name_plural = "委员会成员"
        ordering = ["committee_id", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "delegate"], name="unique_committee_member")]

    def __str__(self):
        return f"{self.committee.name}{self.get_role_display()}{self.delegate.member.name}"
