"""Per-school backup and restore (issue #15): a round trip gives back the same school, a copy never
touches the original, bad backups are refused with nothing changed, and the nightly run keeps
BACKUP_KEEP_DAYS of backups.

A backup reads in its own REPEATABLE READ transaction and sees only committed rows, so these tests
commit (committed_db) and drop what they made. Their schools are suspended from the start: other tests running at the
same time count the active schools.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from shared.honours.models import HonourCampaign, Nomination, NominationAttachment
from shared.stats.models import SchoolStats
from shared.subsidies.models import Application, Programme
from shared.subsidies.services import income_key
from tenants.audit.models import AuditRecord
from tenants.backups import services
from tenants.backups.selectors import (
    rows_as_json,
    rows_digest,
    schema_tables,
    table_checksums,
)
from tenants.backups.services import NOT_SCHOOL_RECORDS, SCHOOL_RECORDS
from tenants.models import Domain, School
from tenants.notices.models import Notice, NoticeAttachment
from tenants.outbox.models import OutboxMessage
from tenants.services import school_provision
from tenants.slugs import schema_name_for
from tenants import schema_sql, template
from tenants.template import schema_catalog
from tests.conftest import in_schema
from tests.members.factories import a_member


def _files(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _provincial_state(school: School) -> dict[str, tuple[int, str]]:
    result = {}
    for label, pks in services._school_record_pks(school.pk).items():
        rows = rows_as_json(apps.get_model(label)._meta.db_table, pks)
        result[label] = (len(rows), rows_digest(rows))
    return result


def _drop_school(slug: str) -> None:
    connection.set_schema_to_public()
    school = School.objects.filter(slug=slug).first()
    if school is None:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{school.schema_name}" CASCADE')
        for label, pks in reversed(list(services._school_record_pks(school.pk).items())):
            cursor.execute(f'DELETE FROM public."{apps.get_model(label)._meta.db_table}" WHERE id = ANY(%s)', [pks])
        cursor.execute("DELETE FROM public.audit_auditrecord WHERE target_type = 'tenants.school' AND target_id = %s",
                       [str(school.pk)])
        Domain.objects.filter(tenant=school).delete()
        cursor.execute("DELETE FROM public.tenants_school WHERE id = %s", [school.pk])
    shutil.rmtree(Path(settings.MEDIA_ROOT) / school.schema_name, ignore_errors=True)
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "provincial" / "honours" / slug, ignore_errors=True)


@pytest.fixture
def school_with_data(committed_db):
    """A school with members, a notice with an uploaded file, and provincial records (a statistics
    row and a nomination with an attachment), all committed."""
    slug = f"bk{uuid.uuid4().hex[:8]}"
    made = [slug]
    campaign_ids = []
    programme_ids = []
    outbox_keys = []

    def cleanup():
        OutboxMessage.objects.filter(key__in=outbox_keys).delete()
        for name in made:
            OutboxMessage.objects.filter(schema_name=schema_name_for(name)).delete()
            _drop_school(name)
        HonourCampaign.objects.filter(pk__in=campaign_ids).delete()
        Programme.objects.filter(pk__in=programme_ids).delete()

    committed_db.append(cleanup)
    with transaction.atomic():
        school = school_provision(slug=slug, name=f"备份测试学校{slug}", by=None,
                                  admin_password="Backup-pass-2026").school
        School.objects.filter(pk=school.pk).update(status=School.Status.SUSPENDED)
        school.refresh_from_db()
    a_member(school, name="李四")
    a_member(school, name="王五")
    with in_schema(school):
        notice = Notice.objects.create(title="备份测试通知", body="正文")
        attachment = NoticeAttachment(notice=notice, name="说明.txt", size=6)
        attachment.file.save("说明.txt", ContentFile("备份内容".encode()), save=True)
    connection.set_schema_to_public()
    campaign = HonourCampaign.objects.create(kind="regional_model", year=2026, title=f"测试推荐{slug}",
                                             deadline=timezone.now())
    campaign_ids.append(campaign.pk)
    SchoolStats.objects.create(school=school, year=2026, members_total=2)
    nomination = Nomination.objects.create(campaign=campaign, school=school, nominee_name="李四",
                                           deeds="事迹", submitted_by="admin")
    NominationAttachment(nomination=nomination, name="事迹.txt", size=12).file.save("事迹.txt", ContentFile("事迹材料".encode()))
    programme = Programme.objects.create(year=2026, title=f"测试补助{slug}", pool=Decimal("123456789012.34"),
                                         opens_at=timezone.now(), closes_at=timezone.now())
    programme_ids.append(programme.pk)
    Application.objects.create(programme=programme, school=school, project="教工之家",
                               amount_requested=Decimal("9876543210.99"), submitted_by="admin")
    school.made = made
    school.outbox_keys = outbox_keys
    return school


def _backup(school) -> Path:
    return services.school_backup(school=school).path


def _unpacked(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return next(p for p in into.iterdir() if p.is_dir())


def test_round_trip_as_a_copy_then_forced_back_onto_the_original(school_with_data, tmp_path):
    school = school_with_data
    media = Path(settings.MEDIA_ROOT)
    before = {"tables": table_checksums(school.schema_name), "catalog": schema_catalog(school.schema_name),
              "files": _files(media / school.schema_name), "provincial": _provincial_state(school)}
    assert before["files"] and before["provincial"]["honours.NominationAttachment"][0] == 1

    archive = _backup(school)
    assert archive.parent == Path(settings.BACKUP_DIR) / school.slug
    # only the account running the backups can read them
    assert archive.parent.stat().st_mode & 0o777 == 0o700 and archive.stat().st_mode & 0o777 == 0o600
    unpacked = _unpacked(archive, tmp_path / "a")
    manifest = services._check_backup(unpacked)
    assert manifest["slug"] == school.slug and manifest["created_at"].endswith("+08:00")
    # the provincial rows as stored digest as recorded, amounts exact (Decimal, never float)
    stored = json.loads((unpacked / "shared.json").read_text(encoding="utf-8"), parse_float=Decimal)
    assert {label: rows_digest(rows) for label, rows in stored.items()} == {
        label: entry["sha256"] for label, entry in manifest["shared"].items()}
    assert Decimal(stored["subsidies.Application"][0]["amount_requested"]) == Decimal("9876543210.99")
    assert manifest["tables"] == before["tables"]
    assert any(name.startswith("files/provincial/honours/") for name in manifest["files"])

    # --as: a new school with the same data, suspended, no provincial records; the original untouched
    copy_slug = f"{school.slug}-copy"
    school.made.append(copy_slug)
    call_command("restore_school", str(archive), "--as", copy_slug)
    copy = School.objects.get(slug=copy_slug)
    assert copy.status == School.Status.SUSPENDED and copy.domains.get().domain == f"{copy_slug}.localhost"
    assert schema_catalog(copy.schema_name) == before["catalog"]
    assert table_checksums(copy.schema_name) == before["tables"]
    assert _files(media / copy.schema_name) == before["files"]
    assert all(count == 0 for count, _ in _provincial_state(copy).values())
    assert table_checksums(school.schema_name) == before["tables"]
    assert _provincial_state(school) == before["provincial"]
    assert _files(media / school.schema_name) == before["files"]

    # the original changes: a member more, its file and its nomination's attachment gone
    a_member(school, name="赵六")
    shutil.rmtree(media / school.schema_name)
    connection.set_schema_to_public()
    NominationAttachment.objects.filter(nomination__school=school).delete()
    SchoolStats.objects.filter(school=school).update(members_total=3)
    assert table_checksums(school.schema_name) != before["tables"]
    # ... and its application was disbursed since: its income task is done, and a task of the school's
    (application,) = Application.objects.filter(school=school)
    application.status, application.allocated_amount = Application.Status.DISBURSED, Decimal("5000.00")
    application.save()
    done = timezone.now()
    OutboxMessage.objects.create(key=income_key(application.pk), task="shared.subsidies.tasks.record_subsidy_income",
                                 args=[application.pk], schema_name="public", completed_at=done)
    OutboxMessage.objects.create(key=f"test:{school.slug}", task="tenants.test", schema_name=school.schema_name,
                                 completed_at=done)
    other = OutboxMessage.objects.create(key=f"test:{school.slug}:other", task="tenants.test",
                                         schema_name=school.schema_name + "x", completed_at=done)
    school.outbox_keys += [income_key(application.pk), other.key]

    with pytest.raises(CommandError, match="已存在.*--force"):
        call_command("restore_school", str(archive))
    assert table_checksums(school.schema_name) != before["tables"]  # refused: nothing changed

    call_command("restore_school", str(archive), "--force")
    assert table_checksums(school.schema_name) == before["tables"]
    assert schema_catalog(school.schema_name) == before["catalog"]
    assert _provincial_state(school) == before["provincial"]
    assert _files(media / school.schema_name) == before["files"]
    (attachment,) = NominationAttachment.objects.filter(nomination__school=school)
    assert attachment.file.read().decode() == "事迹材料"
    assert AuditRecord.objects.filter(target_type="tenants.school", target_id=str(school.pk),
                                      reason__startswith="从备份恢复（覆盖现有数据）").exists()
    # the application is back as it was backed up (amounts exact), and so is its outbox: nothing,
    # so a disbursement now sends the income task again; another school's rows are not touched
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.allocated_amount is None
    assert application.amount_requested == Decimal("9876543210.99")
    assert not OutboxMessage.objects.filter(key__in=[income_key(application.pk), f"test:{school.slug}"]).exists()
    assert OutboxMessage.objects.filter(pk=other.pk).exists()


def _edited(archive: Path, into: Path, *, manifest=None, shared=None) -> Path:
    """The backup unpacked and changed consistently: an edited shared.json gets its new checksum in
    the manifest, so the checks before the transaction pass."""
    folder = _unpacked(archive, into)
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if shared:
        rows = json.loads((folder / "shared.json").read_text(encoding="utf-8"))
        shared(rows)
        (folder / "shared.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        data["files"]["shared.json"] = hashlib.sha256((folder / "shared.json").read_bytes()).hexdigest()
    if manifest:
        manifest(data)
    (folder / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def test_a_forced_restore_failing_after_the_schema_is_dropped_leaves_the_school_as_it_was(school_with_data,
                                                                                           tmp_path):
    school = school_with_data
    media = Path(settings.MEDIA_ROOT)
    archive = _backup(school)
    # the school moves on after its backup, so a restore that went through would show
    a_member(school, name="赵六")
    (media / school.schema_name / "later.txt").write_text("备份之后的文件", encoding="utf-8")
    connection.set_schema_to_public()
    SchoolStats.objects.filter(school=school).update(members_total=3)

    def state():
        connection.set_schema_to_public()
        return {"tables": table_checksums(school.schema_name), "files": _files(media / school.schema_name),
                "school": rows_as_json(School._meta.db_table, [school.pk]), "provincial": _provincial_state(school)}

    before = state()

    def forget_year(rows):  # a required column missing from the backup's row, one without default
        del rows["stats.SchoolStats"][0]["year"]

    def wrong_table(data):  # the replayed rows will not match the manifest
        data["tables"]["members_member"]["md5"] = "0" * 32

    for folder, message in [(_edited(archive, tmp_path / "a", manifest=wrong_table), "与备份清单不一致.*members_member"),
                            (_edited(archive, tmp_path / "b", shared=forget_year),
                             "数据表“stats_schoolstats”的列“year”.*已全部撤销")]:
        with pytest.raises(CommandError, match=message):
            call_command("restore_school", str(folder), "--force")
        assert state() == before

    # the database restored, then a file cannot be put in place (a plain file where the backup has
    # a folder): refused saying so, and the school keeps all its current files, none half-swapped
    provincial = media / "provincial" / "honours" / school.slug
    (provincial / "zz").write_text("挡路的文件", encoding="utf-8")
    blocked = _unpacked(archive, tmp_path / "d")
    (blocked / "files" / "provincial" / "honours" / school.slug / "zz").mkdir(parents=True)
    (blocked / "files" / "provincial" / "honours" / school.slug / "zz" / "y.txt").write_text("新", encoding="utf-8")
    data = json.loads((blocked / "manifest.json").read_text(encoding="utf-8"))
    data["files"][f"files/provincial/honours/{school.slug}/zz/y.txt"] = hashlib.sha256("新".encode()).hexdigest()
    (blocked / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    provincial_files = _files(provincial)
    with pytest.raises(CommandError, match="数据库已恢复，但学校的文件未能替换.*现有的文件保持原样"):
        call_command("restore_school", str(blocked), "--force")
    assert _files(media / school.schema_name) == before["files"] and _files(provincial) == provincial_files
    assert not list(media.glob(".restore-*"))

    # an older backup whose rows lack columns that have a default since: restored with the default
    def forget_defaults(rows):
        for column in ("new_members", "members_by_status"):
            del rows["stats.SchoolStats"][0][column]

    call_command("restore_school", str(_edited(archive, tmp_path / "c", shared=forget_defaults)), "--force")
    stats = SchoolStats.objects.get(school=school)
    assert (stats.members_total, stats.new_members, stats.members_by_status) == (2, 0, {})


def _refused_with_nothing_made(archive_or_dir, slug, message):
    media = Path(settings.MEDIA_ROOT)
    with pytest.raises(CommandError, match=message):
        call_command("restore_school", str(archive_or_dir), "--as", slug)
    assert not School.objects.filter(slug=slug).exists()
    assert not Domain.objects.filter(domain=f"{slug}.localhost").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [f"school_{slug.replace('-', '_')}"])
        assert cursor.fetchone() is None
    assert not (media / f"school_{slug.replace('-', '_')}").exists()
    assert not list(media.glob(".restore-*"))


def test_bad_backups_are_refused_and_change_nothing(school_with_data, tmp_path):
    school = school_with_data
    archive = _backup(school)
    target = f"{school.slug}-bad"
    school.made.append(target)

    tampered = _unpacked(archive, tmp_path / "tampered")
    sql = tampered / "schema.sql"
    sql.write_text(sql.read_text(encoding="utf-8").replace("李四", "李三"), encoding="utf-8")
    _refused_with_nothing_made(tampered, target, "校验和与清单不符")

    newer = _unpacked(archive, tmp_path / "newer")
    manifest = json.loads((newer / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_migrations"].append("members.9999_from_the_future")
    (newer / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _refused_with_nothing_made(newer, target, "更新的代码版本.*members.9999_from_the_future")

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    # in Chinese, not the compression library's English
    _refused_with_nothing_made(truncated, target, r"^备份文件已损坏：文件不完整，在结尾之前被截断（truncated\.tar\.gz）。$")
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_text("这不是备份", encoding="utf-8")
    _refused_with_nothing_made(not_a_backup, target, r"^备份文件已损坏或不是备份：不是可读的 \.tar\.gz 归档（notes\.tar\.gz）。$")

    # onto an existing slug without --force; and --as onto an existing slug, even with --force
    def guilin():  # not its rows' checksums: committed tests running alongside write to guilin
        connection.set_schema_to_public()
        row = School.objects.get(slug="guilin")
        return (rows_as_json(School._meta.db_table, [row.pk]), schema_tables(row.schema_name),
                sorted(Domain.objects.filter(tenant=row).values_list("domain", flat=True)))

    before, guilin_before = table_checksums(school.schema_name), guilin()
    with pytest.raises(CommandError, match="已存在"):
        call_command("restore_school", str(archive))
    with pytest.raises(CommandError, match="--as 只能恢复为一个新的站点"):
        call_command("restore_school", str(archive), "--as", "guilin", "--force")
    assert table_checksums(school.schema_name) == before
    assert guilin() == guilin_before  # the school whose slug --as named is untouched


def test_a_backup_made_with_pg_dump_before_the_schema_writer_still_restores(school_with_data, tmp_path):
    """Backups made before tenants.schema_sql hold a pg_dump of the schema: a restore still reads them."""
    school = school_with_data
    before = {"tables": table_checksums(school.schema_name), "catalog": schema_catalog(school.schema_name)}
    folder = _unpacked(_backup(school), tmp_path / "old")
    assert (folder / "schema.sql").read_text(encoding="utf-8").startswith(schema_sql.HEADER)
    # what the archive held until now: pg_dump --inserts of the (committed, unchanged) schema
    (folder / "schema.sql").write_text(template.pg_dump_schema_sql(school.schema_name), encoding="utf-8")
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    data["files"]["schema.sql"] = hashlib.sha256((folder / "schema.sql").read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    copy_slug = f"{school.slug}-old"
    school.made.append(copy_slug)
    call_command("restore_school", str(folder), "--as", copy_slug)
    copy = School.objects.get(slug=copy_slug)
    assert table_checksums(copy.schema_name) == before["tables"]
    assert schema_catalog(copy.schema_name) == before["catalog"]


def test_nightly_backups_cover_every_active_school_and_keep_the_configured_days(committed_db, settings, tmp_path,
                                                                               guilin):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP_DAYS = 14
    old = settings.BACKUP_DIR / "guilin" / "guilin-20200101-013000.tar.gz"
    recent = settings.BACKUP_DIR / "guilin" / (
        f"guilin-{(timezone.localtime() - timezone.timedelta(days=3)):%Y%m%d-%H%M%S}.tar.gz")
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old")
    recent.write_bytes(b"recent")
    first_audit = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    committed_db.append(lambda: AuditRecord.objects.filter(pk__gt=first_audit, target_type="tenants.school",
                                                           reason__startswith="备份学校数据").delete())
    assert settings.CELERY_BEAT_SCHEDULE["nightly-school-backups"]["task"] == "tenants.backups.tasks.nightly_backups"

    from tenants.backups.tasks import nightly_backups
    outcome = nightly_backups.delay().get()

    active = set(School.objects.filter(status=School.Status.ACTIVE).exclude(schema_name="public")
                 .values_list("slug", flat=True))
    assert {"guilin", "huzhou", "hnit"} <= set(outcome) <= active | set(outcome)
    assert all(not result.startswith("失败") for slug, result in outcome.items() if slug in {"guilin", "huzhou", "hnit"})
    kept = services.backups_of("guilin")
    assert old not in kept and recent in kept and Path(outcome["guilin"]) in kept
    services._check_backup(_unpacked(Path(outcome["guilin"]), tmp_path / "x"))


def test_every_link_from_a_provincial_table_to_a_school_is_classified():
    """A new provincial model pointing at School must be added to SCHOOL_RECORDS (or excluded, with
    its reason in services.py) — or backups would silently leave it out."""
    listed = {label for label, _ in SCHOOL_RECORDS}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            points = field.related_model is School or (field.related_model
                                                       and field.related_model._meta.label in listed)
            if (field.many_to_one or field.one_to_one) and points and model._meta.label not in listed:
                assert (model._meta.label, field.name) in NOT_SCHOOL_RECORDS, (model._meta.label, field.name)
