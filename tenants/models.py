from django.db import models
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin


class School(TenantMixin):
    """A university union (学校工会); the public tenant row is the provincial union itself."""

    class Kind(models.TextChoices):
        UNDERGRADUATE = "undergraduate", "本科"
        VOCATIONAL = "vocational", "高职"
        SECONDARY_VOCATIONAL = "secondary_vocational", "中职"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        SUSPENDED = "suspended", "已停用"
        ARCHIVED = "archived", "已归档"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    slug = models.SlugField("站点标识", max_length=40, unique=True)
    region = models.CharField("地区", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=32, choices=Kind.choices, default=Kind.UNDERGRADUATE)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    archive_file = models.CharField("归档文件", max_length=500, blank=True)
    created = models.DateTimeField("创建时间", default=timezone.now)

    # Provisioning is ours (tenants/services.py): one transaction, fastest measured path.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = "学校"
        verbose_name_plural = "学校"
        ordering = ["slug"]

    def __str__(self):
        return self.name

    @property
    def is_province(self) -> bool:
        from django_tenants.utils import get_public_schema_name

        return self.schema_name == get_public_schema_name()


class Domain(DomainMixin):
    class Meta:
        verbose_name = "域名"
        verbose_name_plural = "域名"

    def __str__(self):
        return self.domain


class TemplateSnapshot(models.Model):
    """The migrated template schema as replayable SQL, refreshed by `manage.py migrate`.

    Stored in the database so that every web worker on every machine provisions from the same
    snapshot without needing pg_dump itself.
    """

    migrations_fingerprint = models.CharField("迁移指纹", max_length=64, unique=True)
    migrations = models.JSONField("已应用迁移", default=list)
    sql = models.TextField("SQL")
    created = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "学校模板快照"
        verbose_name_plural = "学校模板快照"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.migrations_fingerprint[:12]} ({self.created:%Y-%m-%d %H:%M})"
