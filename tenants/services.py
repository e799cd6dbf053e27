"""Provisioning a school and moving it between active, suspended and archived."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants import template
from tenants.accounts.roles import Role
from tenants.accounts.services import user_create
from tenants.audit.services import audit_create, audit_transition, audit_update, field_values
from tenants.errors import Conflict, DomainError
from tenants.models import Domain, School
from tenants.slugs import domain_for, schema_name_for, slug_problem
from tenants.workflow import StateMachine

S = School.Status
SCHOOL_LIFECYCLE = (
    StateMachine.for_field("学校站点", School)
    .add("suspend", label="停用", sources={S.ACTIVE}, target=S.SUSPENDED,
         roles={Role.PROVINCE_ADMIN}, reason_required=True)
    .add("activate", label="恢复", sources={S.SUSPENDED}, target=S.ACTIVE,
         roles={Role.PROVINCE_ADMIN})
    # System: `manage.py archive_school`, run by the operator on the server, has no account.
    .add("archive", label="归档", sources={S.ACTIVE, S.SUSPENDED}, target=S.ARCHIVED,
         roles={Role.PROVINCE_ADMIN}, reason_required=True, system=True)
)

PROFILE_FIELDS = ["name", "short_name", "region", "kind", "contact_name", "contact_phone"]


@dataclass
class ProvisionResult:
    school: School
    admin_username: str
    admin_password: str | None  # only when generated; shown once
    path: str  # "template" or "migrations"


def _validate_profile(*, name, kind) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = "学校名称不能为空。"
    elif len(name) > 100:
        errors["name"] = "学校名称不能超过 100 个字符。"
    if kind not in School.Kind.values:
        errors["kind"] = "学校类型只能是：" + "、".join(School.Kind.labels) + "。"
    return errors


def create_school_schema(school: School, *, use_template: bool = True) -> str:
    """Create the school's schema by the fastest correct path; returns the path taken."""
    snapshot = template.current_snapshot() if use_template else None
    if snapshot is not None:
        template.replay_snapshot(snapshot, school.schema_name)
        return "template"
    # No snapshot at the code's migration head (migrate not run since the last change):
    # slower but always correct.
    school.create_schema(check_if_exists=True, verbosity=0)
    return "migrations"


def school_provision(*, name: str, slug: str, by, short_name: str = "", region: str = "",
                     kind: str = School.Kind.UNDERGRADUATE, contact_name: str = "",
                     contact_phone: str = "", admin_username: str = "admin",
                     admin_password: str | None = None, use_template: bool = True) -> ProvisionResult:
    """Create a school: row, schema, domain, first union_admin, audit — all or nothing."""
    slug = (slug or "").strip()
    errors = _validate_profile(name=name, kind=kind)
    problem = slug_problem(slug)
    if problem:
        errors["slug"] = problem
    if errors:
        raise ValidationError(errors)
    if School.objects.filter(slug=slug).exists() or Domain.objects.filter(domain=domain_for(slug)).exists():
        raise Conflict(f"站点标识“{slug}”已被使用。", field="slug")
    if School.objects.filter(name=name.strip()).exists():
        raise Conflict(f"学校“{name}”已存在。", field="name")

    connection.set_schema_to_public()
    try:
        with transaction.atomic():
            school = School(
                schema_name=schema_name_for(slug), slug=slug, name=name.strip(),
                short_name=short_name, region=region, kind=kind, contact_name=contact_name,
                contact_phone=contact_phone,
            )
            school.save()
            path = create_school_schema(school, use_template=use_template)
            Domain.objects.create(domain=domain_for(slug), tenant=school, is_primary=True)
            audit_create(actor=by, target=school, fields=["slug", *PROFILE_FIELDS])
            with schema_context(school.schema_name):
                try:
                    _, generated = user_create(
                        username=admin_username or "admin", password=admin_password,
                        roles=[Role.UNION_ADMIN], by=None, full_name=f"{school.name}管理员",
                    )
                except ValidationError as exc:
                    raise ValidationError({
                        ("admin_password" if key == "password" else "admin_username"): value
                        for key, value in exc.message_dict.items()
                    })
    except IntegrityError:
        raise Conflict(f"站点标识“{slug}”或学校名称已被使用。", field="slug")
    finally:
        connection.set_schema_to_public()
    return ProvisionResult(school=school, admin_username=admin_username or "admin",
                           admin_password=generated, path=path)


@transaction.atomic
def school_update(*, school: School, by, **fields) -> School:
    before = field_values(school, PROFILE_FIELDS)
    for key, value in fields.items():
        if key not in PROFILE_FIELDS:
            raise ValidationError({key: "该字段不能修改。"})
        setattr(school, key, value)
    errors = _validate_profile(name=school.name, kind=school.kind)
    if errors:
        raise ValidationError(errors)
    if School.objects.filter(name=school.name).exclude(pk=school.pk).exists():
        raise Conflict(f"学校“{school.name}”已存在。", field="name")
    school.save(update_fields=list(fields))  # never the status a stale copy still holds
    audit_update(actor=by, target=school, before=before)
    return school


def _export_schema(school: School) -> str:
    settings.ARCHIVE_DIR.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = settings.ARCHIVE_DIR / f"{school.slug}-{stamp}.sql"
    try:
        path.write_text(template.dump_schema_sql(school.schema_name), encoding="utf-8")
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        raise DomainError(f"导出学校数据失败，未归档：{exc}") from exc
    return str(path)


def school_transition(*, school: School, action: str, by, reason: str = "") -> School:
    """Suspend, reactivate or archive a school (archiving first exports its schema)."""
    with transaction.atomic():
        school = School.objects.select_for_update().get(pk=school.pk)
        # Checked before the export, which is slow and pointless for a step that will be refused.
        SCHOOL_LIFECYCLE.check(action, state=school.status, user=by, reason=reason)
        if action == "archive":
            school.archive_file = _export_schema(school)
        SCHOOL_LIFECYCLE.apply(school, action, by=by, reason=reason, extra_update_fields=["archive_file"])
    return school


def school_drop_archived(*, school: School, by) -> None:
    """Drop an archived school's schema and domains; the School row stays as history."""
    if school.status != School.Status.ARCHIVED:
        raise Conflict(f"学校“{school.name}”未归档，不能删除数据。")
    if not school.archive_file:
        raise Conflict(f"学校“{school.name}”没有归档文件，不能删除数据。")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{school.schema_name}" CASCADE')
        Domain.objects.filter(tenant=school).delete()
        audit_transition(actor=by, target=school, from_state=school.status,
                         to_state=school.status, reason="归档学校的数据库架构已删除")


def ensure_province() -> School:
    """The public tenant (the provincial union) and its domain, created once by `migrate`."""
    from django_tenants.utils import get_public_schema_name

    province, _ = School.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"name": settings.PROVINCE_NAME, "short_name": "省教育工会", "slug": "province",
                  "kind": School.Kind.OTHER},
    )
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": province, "is_primary": True})
    return province
