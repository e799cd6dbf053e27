from django.conf import settings
from django.db import models
from django.utils import timezone


class Branch(models.Model):
    """分工会 / 二级工会: a college or department inside the school union."""

    name = models.CharField("名称", max_length=60, unique=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="主席", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="chaired_branches")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分工会"
        verbose_name_plural = "分工会"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Group(models.Model):
    """工会小组 inside a branch (optional)."""

    branch = models.ForeignKey(Branch, verbose_name="分工会", on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("名称", max_length=60)

    class Meta:
        verbose_name = "工会小组"
        verbose_name_plural = "工会小组"
        ordering = ["branch_id", "id"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="unique_group_per_branch")]

    def __str__(self):
        return f"{self.branch.name}·{self.name}"


class Department(models.Model):
    """承办部门: a university office that handles proposals and suggestions assigned to it."""

    name = models.CharField("名称", max_length=60, unique=True)
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="经办人", blank=True,
                                      related_name="handled_departments")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "承办部门"
        verbose_name_plural = "承办部门"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class EmploymentType(models.TextChoices):
    STAFF = "staff", "在编"
    CONTRACT = "contract", "非编"
    AGENCY = "agency", "人事代理"
    RETIREE = "retiree", "退休"


class MaritalStatus(models.TextChoices):
    SINGLE = "single", "未婚"
    MARRIED = "married", "已婚"
    DIVORCED = "divorced", "离异"
    WIDOWED = "widowed", "丧偶"


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "在会"
        TRANSFERRED = "transferred", "转出"
        LEFT = "left", "退会"
        RETIRED = "retired", "退休"

    name = models.CharField("姓名", max_length=50)
    name_initials = models.CharField("姓名拼音首字母", max_length=50, blank=True, db_index=True)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    employee_number = models.CharField("工号", max_length=30, unique=True)
    branch = models.ForeignKey(Branch, verbose_name="分工会", on_delete=models.PROTECT, related_name="members")
    group = models.ForeignKey(Group, verbose_name="工会小组", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="members")
    employment_type = models.CharField("用工类型", max_length=16, choices=EmploymentType.choices)
    join_date = models.DateField("入会日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    # 身份证号: ciphertext, blind index and masked form only (tenants/personal_data.py).
    id_number_encrypted = models.TextField("身份证号（密文）", blank=True)
    id_number_index = models.CharField("身份证号索引", max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField("身份证号", max_length=18, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    # Facts the eligibility rules of activities and 疗休养 read (issue #11); blank means not recorded.
    marital_status = models.CharField("婚姻状况", max_length=12, choices=MaritalStatus.choices, blank=True)
    work_started_on = models.DateField("参加工作日期", null=True, blank=True)
    is_front_line = models.BooleanField("一线教职工", default=False)
    is_model_worker = models.BooleanField("劳动模范", default=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="member")
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "会员"
        verbose_name_plural = "会员"
        ordering = ["branch_id", "employee_number"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=~models.Q(id_number_index=""),
                                    name="unique_member_id_number"),
        ]

    def __str__(self):
        return f"{self.name}（{self.employee_number}）"


class MemberStatusChange(models.Model):
    """A member's recorded status transitions, with the date they take effect."""

    member = models.ForeignKey(Member, verbose_name="会员", on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=16, choices=Member.Status.choices)
    to_status = models.CharField("新状态", max_length=16, choices=Member.Status.choices)
    effective_on = models.DateField("生效日期")
    reason = models.TextField("原因", blank=True)
    recorded_by = models.CharField("记录人", max_length=150)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "会员状态变更"
        verbose_name_plural = "会员状态变更"
        ordering = ["-effective_on", "-id"]


class MembershipApplication(models.Model):
    """入会申请: applicant or branch submits → branch chair confirms → union office approves."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        BRANCH_CONFIRMED = "branch_confirmed", "分工会已确认"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    employee_number = models.CharField("工号", max_length=30)
    branch = models.ForeignKey(Branch, verbose_name="分工会", on_delete=models.PROTECT, related_name="applications")
    employment_type = models.CharField("用工类型", max_length=16, choices=EmploymentType.choices)
    phone = models.CharField("手机号", max_length=20, blank=True)
    id_number_encrypted = models.TextField("身份证号（密文）", blank=True)
    id_number_masked = models.CharField("身份证号", max_length=18, blank=True)
    statement = models.TextField("申请说明", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True,
                                     on_delete=models.SET_NULL, related_name="membership_applications")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    decision_reason = models.TextField("审核意见", blank=True)
    member = models.OneToOneField(Member, verbose_name="会员", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="application")

    class Meta:
        verbose_name = "入会申请"
        verbose_name_plural = "入会申请"
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.name}的入会申请"


class RosterImport(models.Model):
    """One accepted roster import (all rows written together)."""

    file_name = models.CharField("文件名", max_length=200)
    rows = models.PositiveIntegerField("行数")
    imported_by = models.CharField("导入人", max_length=150)
    imported_at = models.DateTimeField("导入时间", default=timezone.now)

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name}（{self.rows} 行）"
