"""Backing up one school and restoring it, whole or as a copy under another site name.

A backup is one ``<slug>-<YYYYmmdd-HHMMSS>.tar.gz`` holding a folder of the same name:

- ``schema.sql``: the school's schema as replayable SQL (structure, rows as INSERTs, sequence
  positions), written by tenants.schema_sql; backups made before it hold a pg_dump of the schema
  (plain SQL with --inserts), which a restore still reads (tenants.template.replayable_sql);
- ``shared.json``: the school's rows in public tables (its School row, domains and the provincial
  records it submitted — SCHOOL_RECORDS below), each exactly as stored (row_to_json: encrypted
  columns stay encrypted);
- ``files/school/…``: its uploads (MEDIA_ROOT/<schema>/), ``files/provincial/…``: the files of its
  provincial records (MEDIA_ROOT/provincial/<area>/<slug>/…);
- ``manifest.json``: format and code version (every migration the schema had recorded), slug,
  schema, time, row count and md5 of every table, sha256 of every file.

The schema's SQL, the table checksums and the public rows are read in one REPEATABLE READ
transaction: they describe the same instant.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import FileField, Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from shared.subsidies.models import Application
from shared.subsidies.services import income_key
from tenants import host_cache, template
from tenants.audit.models import AuditRecord
from tenants.audit.services import audit_record, audit_transition
from tenants.backups.selectors import rows_as_json, rows_digest, table_checksums
from tenants.errors import DomainError
from tenants.models import Domain, School
from tenants.outbox.models import OutboxMessage
from tenants.schema_sql import SchemaNotWritable, write_schema_sql
from tenants.slugs import domain_for, schema_name_for, slug_problem

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
STAMP_FORMAT = "%Y%m%d-%H%M%S"

# The school's own records in provincial (public) tables: what it submitted to the province and
# what the province keeps about it alone. Parents first; each with the path to its school.
# Not here: the province's own rows these hang on (circulars, campaigns, competitions, rounds,
# programmes) — they belong to every school — and competitions.Judge.home_school, which only
# says where a member of the province's judge pool works.
# tests/backups/test_backups.py checks that every foreign key to School is listed or excluded.
SCHOOL_RECORDS = [
    ("stats.SchoolStats", "school"),
    ("circulars.CircularRecipient", "school"),
    ("circulars.ItemReport", "school"),
    ("honours.CampaignQuota", "school"),
    ("honours.Nomination", "school"),
    ("honours.NominationAttachment", "nomination__school"),
    ("honours.Objection", "nomination__school"),
    ("honours.HonourRecord", "school"),
    ("honours.ModelWorkerCare", "record__school"),
    ("competitions.Entry", "school"),
    ("competitions.JudgeAssignment", "entry__school"),
    ("competitions.Score", "entry__school"),
    ("staffhomes.HomeApplication", "school"),
    ("staffhomes.ReviewScore", "application__school"),
    ("staffhomes.Inspection", "application__school"),
    ("staffhomes.HomeMaterial", "application__school"),
    ("subsidies.Application", "school"),
]
NOT_SCHOOL_RECORDS = {("competitions.Judge", "home_school"), ("tenants.Domain", "tenant")}


class BackupRefused(DomainError):
    """A restore (or backup) that must not happen; nothing has been changed."""


class FilesNotRestored(BackupRefused):
    """The database was restored (committed) but the school's files could not be swapped in."""

    def __init__(self, message: str, *, keep_scratch: bool = False):
        super().__init__(message)
        self.keep_scratch = keep_scratch  # the school's old files are still there: never delete them


@dataclass
class BackupResult:
    path: Path
    manifest: dict


@dataclass
class RestoreResult:
    school: School
    replaced: bool
    migrated_forward: list[str] = field(default_factory=list)
    skipped_records: dict[str, int] = field(default_factory=dict)


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def migration_heads() -> dict[str, list[str]]:
    """The code version: the last migration(s) of every app."""
    heads: dict[str, list[str]] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes():
        heads.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(heads.items())}


def _school_record_pks(school_pk: int) -> dict[str, list[int]]:
    result = {}
    for label, path in SCHOOL_RECORDS:
        model = apps.get_model(label)
        result[label] = list(model._base_manager.filter(**{f"{path}_id": school_pk})
                             .order_by("pk").values_list("pk", flat=True))
    return result


def _file_columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if isinstance(f, FileField)]


def _write_schema(schema: str, out: Path) -> None:
    """The schema's SQL, written in the caller's (REPEATABLE READ) transaction: the same instant as
    the checksums. Reads only this schema's catalog rows (pg_dump read every school's)."""
    try:
        with open(out, "w", encoding="utf-8") as handle:
            write_schema_sql(schema, handle)
    except SchemaNotWritable as exc:
        raise DomainError(f"导出学校“{schema}”的数据库架构失败：{exc}") from exc


def school_backup(*, school: School, out_dir: Path | str | None = None, by=None) -> BackupResult:
    """Write one backup of ``school`` into ``out_dir`` (default BACKUP_DIR/<slug>/)."""
    if school.is_province:
        raise BackupRefused("省级（公共）架构不是学校，请用整库备份（见 README 运维部分）。")
    if connection.in_atomic_block:
        raise BackupRefused("学校备份须在事务之外进行（它需要一个只读的一致快照）。")
    # A backup holds every row of the school (personal data, encrypted or not): only the account
    # that runs the backups may read it — its folder 0700, the archive 0600 whatever the umask.
    if out_dir:
        out = Path(out_dir)
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    else:
        backup_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
        out = backup_dir() / school.slug
        out.mkdir(mode=0o700, exist_ok=True)
        out.chmod(0o700)  # also a folder made by an older version
    created = timezone.localtime()
    name = f"{school.slug}-{created.strftime(STAMP_FORMAT)}"
    work = Path(tempfile.mkdtemp(dir=out, prefix=".partial-"))
    root = work / name
    root.mkdir()
    try:
        manifest = _write_backup(school, root, created)
        archive = out / f"{name}.tar.gz"
        partial = out / f".{name}.tar.gz.part"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(root, arcname=name)
        partial.chmod(0o600)
        os.replace(partial, archive)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    connection.set_schema_to_public()
    audit_record(actor=by, action=AuditRecord.Action.READ, target=school,
                 reason=f"备份学校数据：{archive.name}")
    return BackupResult(path=archive, manifest=manifest)


def _write_backup(school: School, root: Path, created) -> dict:
    schema = school.schema_name
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # Django is in autocommit here; this transaction is ours and only reads.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            if cursor.fetchone() is None:
                raise BackupRefused(f"学校“{school.name}”的数据库架构不存在，无法备份。")
            _write_schema(schema, root / "schema.sql")
            tables = table_checksums(schema)
            migrations = sorted(f"{app}.{name}" for app, name in template.applied_migrations(schema))
            shared = {
                "tenants.School": rows_as_json(School._meta.db_table, [school.pk]),
                "tenants.Domain": rows_as_json(Domain._meta.db_table,
                                               list(Domain.objects.filter(tenant=school).values_list("pk", flat=True))),
            }
            for label, pks in _school_record_pks(school.pk).items():
                shared[label] = rows_as_json(apps.get_model(label)._meta.db_table, pks)
        finally:
            cursor.execute("ROLLBACK")

    # default=str: Decimals (rows_as_json) are stored as their exact text, never through float
    (root / "shared.json").write_text(json.dumps(shared, ensure_ascii=False, sort_keys=True, indent=1, default=str),
                                      encoding="utf-8")
    media = Path(settings.MEDIA_ROOT)
    if (media / schema).is_dir():
        shutil.copytree(media / schema, root / "files" / "school")
    missing = []
    for label, rows in shared.items():
        columns = _file_columns(apps.get_model(label))
        for row in rows:
            for column in columns:
                if row.get(column):
                    source = media / "provincial" / row[column]
                    if source.is_file():
                        target = root / "files" / "provincial" / row[column]
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(source, target)
                    else:
                        missing.append(row[column])

    files = {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*")) if path.is_file()
    }
    manifest = {
        "format_version": FORMAT_VERSION,
        "code_version": {"migration_heads": migration_heads(),
                         "fingerprint": template.fingerprint(template.expected_migrations())},
        "schema_migrations": migrations,
        "slug": school.slug,
        "schema": schema,
        "school_name": school.name,
        "created_at": created.isoformat(),
        "tables": tables,
        "shared": {label: {"rows": len(rows), "sha256": rows_digest(rows)} for label, rows in shared.items()},
        "missing_provincial_files": missing,
        "files": files,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def backups_of(slug: str, directory: Path | None = None) -> list[Path]:
    """The school's backups in BACKUP_DIR/<slug>/, oldest first."""
    folder = directory or backup_dir() / slug
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{slug}-*.tar.gz") if _stamp_of(p, slug) is not None)


def _stamp_of(path: Path, slug: str):
    stem = path.name[len(slug) + 1:-len(".tar.gz")]
    try:
        return timezone.datetime.strptime(stem, STAMP_FORMAT).replace(tzinfo=timezone.get_current_timezone())
    except ValueError:
        return None


def prune_backups(*, slug: str, keep_days: int | None = None, now=None) -> list[Path]:
    """Delete the school's backups older than ``keep_days`` days; the newest one always stays."""
    keep_days = settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days
    limit = (now or timezone.localtime()) - timedelta(days=keep_days)
    backups = backups_of(slug)
    removed = []
    for path in backups[:-1]:
        if _stamp_of(path, slug) < limit:
            path.unlink()
            removed.append(path)
    return removed


# ----------------------------------------------------------------------------------------- restore

def _open_backup(path: Path, scratch: Path) -> Path:
    """The backup's folder: ``path`` itself, or extracted from the archive into ``scratch``."""
    if path.is_dir():
        folder = path
    elif path.is_file():
        try:
            with tarfile.open(path) as tar:
                tar.extractall(scratch / "backup", filter="data")  # no absolute paths, links out, devices
        except EOFError as exc:  # the library's own words are English: say what it means
            raise BackupRefused(f"备份文件已损坏：文件不完整，在结尾之前被截断（{path.name}）。") from exc
        except (tarfile.TarError, OSError) as exc:
            raise BackupRefused(f"备份文件已损坏或不是备份：不是可读的 .tar.gz 归档（{path.name}）。") from exc
        folder = scratch / "backup"
    else:
        raise BackupRefused(f"找不到备份：{path}")
    if not (folder / "manifest.json").is_file():
        inner = [p for p in folder.iterdir() if p.is_dir()]
        if len(inner) == 1 and (inner[0] / "manifest.json").is_file():
            folder = inner[0]
        else:
            raise BackupRefused("备份中没有清单文件 manifest.json，不是有效的学校备份。")
    return folder


def _check_backup(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupRefused(f"备份清单 manifest.json 无法读取：{exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BackupRefused("备份清单 manifest.json 格式不正确。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(f"备份格式版本 {manifest.get('format_version')} 不受支持"
                            f"（本系统支持 {FORMAT_VERSION}）。")
    listed = manifest["files"]
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    for name in sorted(set(listed) | present):
        if name not in present:
            raise BackupRefused(f"备份校验失败：缺少文件 {name}，未做任何更改。")
        if name not in listed:
            raise BackupRefused(f"备份校验失败：清单中没有文件 {name}，未做任何更改。")
        if _sha256(folder / name) != listed[name]:
            raise BackupRefused(f"备份校验失败：文件 {name} 的校验和与清单不符（文件已损坏或被改动），未做任何更改。")
    known = {f"{app}.{name}" for app, name in template.expected_migrations()}
    recorded = set(manifest.get("schema_migrations") or [])
    newer = sorted(recorded - known)
    if newer:
        shown = "、".join(newer[:5]) + ("等" if len(newer) > 5 else "")
        raise BackupRefused(f"备份来自更新的代码版本（含本系统不认识的迁移：{shown}），"
                            f"请先把代码升级到该版本再恢复；未做任何更改。")
    if not recorded:
        raise BackupRefused("备份清单没有记录迁移版本，无法判断能否恢复。")
    return manifest


def school_restore(*, path: Path | str, as_slug: str | None = None, force: bool = False,
                   by=None) -> RestoreResult:
    """Restore a backup: onto its own site name (``force`` to replace the school that is there),
    or as a new school under ``as_slug`` (its own schema and domain, suspended; the original and
    the province's records of it are never touched)."""
    if connection.in_atomic_block:
        raise BackupRefused("恢复须在事务之外进行（文件在提交后才替换）。")
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=media, prefix=".restore-"))  # same filesystem: files swap by rename
    keep_scratch = False
    try:
        folder = _open_backup(Path(path), scratch)
        manifest = _check_backup(folder)
        result = _restore(folder, manifest, as_slug=as_slug, force=force, by=by, scratch=scratch,
                          source=Path(path))
    except FilesNotRestored as exc:  # the database was restored: its hosts may have changed
        keep_scratch = exc.keep_scratch
        host_cache.clear()
        raise
    finally:
        if not keep_scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        connection.set_schema_to_public()
    host_cache.clear()
    return result


def _restore(folder: Path, manifest: dict, *, as_slug, force, by, scratch: Path, source: Path) -> RestoreResult:
    source_slug, source_schema = manifest["slug"], manifest["schema"]
    slug = as_slug or source_slug
    problem = slug_problem(slug) if as_slug else None
    if problem:
        raise BackupRefused(problem)
    schema = schema_name_for(slug)
    if schema == get_public_schema_name():
        raise BackupRefused("不能恢复到省级（公共）架构。")
    shared = json.loads((folder / "shared.json").read_text(encoding="utf-8"), parse_float=Decimal)
    backed_school = shared["tenants.School"][0]

    connection.set_schema_to_public()
    existing = School.objects.filter(slug=slug).first()
    if existing is not None and as_slug:
        raise BackupRefused(f"站点标识“{slug}”已被使用；--as 只能恢复为一个新的站点，未做任何更改。")
    if existing is not None and not force:
        raise BackupRefused(f"学校“{existing.name}”（{slug}）已存在。恢复会覆盖它的全部数据；"
                            f"确需覆盖请加 --force，或用 --as <新站点标识> 恢复为副本。未做任何更改。")
    if existing is not None and existing.schema_name != source_schema:
        raise BackupRefused(f"站点“{slug}”现在的数据库架构（{existing.schema_name}）与备份（{source_schema}）不同，"
                            f"不是同一所学校，未做任何更改。")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        schema_exists = cursor.fetchone() is not None
    if existing is None and schema_exists:
        raise BackupRefused(f"数据库架构“{schema}”已存在但没有对应的学校，请先查明原因；未做任何更改。")
    if existing is None and Domain.objects.filter(domain=domain_for(slug)).exists():
        raise BackupRefused(f"域名“{domain_for(slug)}”已被使用，未做任何更改。")

    sql = template.rewrite_schema(
        template.replayable_sql((folder / "schema.sql").read_text(encoding="utf-8"), source_schema),
        source_schema, schema)
    recorded = {tuple(m.split(".", 1)) for m in manifest["schema_migrations"]}
    missing_migrations = sorted(set(template.expected_migrations()) - recorded)

    # Files are staged next to their destination before the transaction; swapped in after commit.
    staged_school = folder / "files" / "school"
    staged_provincial = folder / "files" / "provincial"
    media = Path(settings.MEDIA_ROOT)
    if staged_school.is_dir() and not staged_school.resolve().is_relative_to(media.resolve()):
        shutil.copytree(staged_school, scratch / "school")
        staged_school = scratch / "school"

    copy = bool(as_slug)
    try:
        with transaction.atomic():
            current_applications = []
            if existing is not None:
                school = School.objects.select_for_update().get(pk=existing.pk)
                current_applications = list(Application.objects.filter(school=school).values_list("pk", flat=True))
                for name in ("name", "short_name", "region", "kind", "contact_name", "contact_phone"):
                    setattr(school, name, backed_school[name])
                if School.objects.filter(name=school.name).exclude(pk=school.pk).exists():
                    raise BackupRefused(f"学校名称“{school.name}”已被另一所学校使用，未做任何更改。")
                school.save(update_fields=["name", "short_name", "region", "kind", "contact_name", "contact_phone"])
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
            else:
                school = _new_school_row(backed_school, slug=slug, schema=schema, copy=copy)
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{schema}"')
                cursor.execute(sql)
            restored = table_checksums(schema)
            if restored != manifest["tables"]:
                differing = sorted(t for t in set(restored) | set(manifest["tables"])
                                   if restored.get(t) != manifest["tables"].get(t))
                raise BackupRefused("恢复后的数据与备份清单不一致（" + "、".join(differing[:5]) + "），已撤销，未做任何更改。")
            migrated = _migrate_forward(school, missing_migrations)
            connection.set_schema_to_public()
            if existing is None:
                _restore_domains(school, shared["tenants.Domain"], slug=slug, copy=copy)
            if not copy:
                _forget_outbox_tasks(schema, shared, current_applications)
            skipped, old_files = ({}, []) if copy else _replace_school_records(school, shared, int(backed_school["id"]))
            audit_record(
                actor=by, action=AuditRecord.Action.UPDATE if existing else AuditRecord.Action.CREATE, target=school,
                reason=(f"从备份恢复（{'覆盖现有数据' if existing else ('副本，来自 ' + source_slug if copy else '新建')}）："
                        f"{manifest['slug']} {manifest['created_at']}"),
            )
    except DatabaseError as exc:  # rolled back: a row or statement the database refused
        raise BackupRefused(_database_refusal(exc)) from exc

    # Committed: now the files. A failure here puts the school's files back as they were and says
    # that the database was restored but the files were not.
    _swap_files(schema=schema, staged_school=staged_school,
                staged_provincial=None if copy else staged_provincial,
                old_files=old_files, scratch=scratch, source=source)
    return RestoreResult(school=school, replaced=existing is not None, migrated_forward=migrated,
                         skipped_records=skipped)


def _swap_files(*, schema: str, staged_school: Path, staged_provincial: Path | None, old_files: list[str],
                scratch: Path, source: Path) -> None:
    """Swap the backup's files in for the school's: its folder by rename, its provincial files one
    by one, each current one first moved aside into ``scratch``. On any failure everything moved
    aside goes back, so the school keeps all its current files (not half of each)."""
    media = Path(settings.MEDIA_ROOT)
    target = media / schema
    saved_school = scratch / "replaced-school-files"
    moved: list[tuple[Path, Path]] = []  # (where it was, where it is now)
    created: list[Path] = []
    try:
        if target.exists():
            os.replace(target, saved_school)
            moved.append((target, saved_school))
        if staged_school.is_dir():
            os.replace(staged_school, target)
            created.append(target)
        if staged_provincial is None:
            return
        provincial = media / "provincial"
        restored_names = set()
        if staged_provincial.is_dir():
            for path in sorted(staged_provincial.rglob("*")):
                if not path.is_file():
                    continue
                name = path.relative_to(staged_provincial).as_posix()
                restored_names.add(name)
                destination = provincial / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                if destination.exists():
                    aside = scratch / "replaced-provincial" / name
                    aside.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(destination, aside)
                    moved.append((destination, aside))
                created.append(destination)
                shutil.copy2(path, destination)
    except OSError as exc:
        put_back = True
        for path in reversed(created):
            try:
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
            except OSError:
                put_back = False
        for original, aside in reversed(moved):
            try:
                os.replace(aside, original)
            except OSError:
                put_back = False
        where = f"备份 {source} 中的 files/ 目录"
        if put_back:
            raise FilesNotRestored(
                f"数据库已恢复，但学校的文件未能替换（{type(exc).__name__}：{exc.strerror or exc}），"
                f"学校现有的文件保持原样。备份中的文件在{where}，请排除故障后把它们复制到 {target} "
                f"和 {media / 'provincial'}。") from exc
        raise FilesNotRestored(
            f"数据库已恢复，但学校的文件未能替换（{type(exc).__name__}：{exc.strerror or exc}），"
            f"且原有文件未能全部放回：原有文件保留在 {scratch}，备份中的文件在{where}。请人工处理。",
            keep_scratch=True) from exc
    # all in place: the old provincial files the backup does not have go (they were the replaced records')
    for name in old_files:
        if name not in restored_names:
            (provincial / name).unlink(missing_ok=True)


def _forget_outbox_tasks(schema: str, shared: dict, current_applications: list[int]) -> None:
    """The outbox rows of the data being replaced go with it: the school's own tasks (its schema)
    and the income tasks of its subsidy applications. Left "completed", they would make the task of
    a rewound application count as done (outbox keys are "once per key, ever"): disbursed again,
    its income would never reach the school's books. Under --as the new schema has none."""
    keys = {income_key(pk) for pk in current_applications}
    keys |= {income_key(int(row["id"])) for row in shared.get("subsidies.Application", [])}
    OutboxMessage.objects.filter(Q(schema_name=schema) | Q(key__in=sorted(keys))).delete()


def _new_school_row(row: dict, *, slug: str, schema: str, copy: bool) -> School:
    """The School row as the backup stored it (a restored row, not a lifecycle step), under the
    new slug and schema for a copy."""
    row = dict(row, slug=slug, schema_name=schema)
    if copy:
        row["name"] = f"{row['name']}（副本 {slug}）"[:100]
        row["created"] = timezone.now().isoformat()
        row["archive_file"] = ""
        # A copy must not send mail, webhooks or reminders to the original's real people: it is
        # stored suspended until the province decides to open it (audited below as a transition).
        row["status"] = School.Status.SUSPENDED.value
    if School.objects.filter(name=row["name"]).exists():
        raise BackupRefused(f"学校名称“{row['name']}”已被使用，未做任何更改。")
    if copy or School.objects.filter(pk=row["id"]).exists():
        del row["id"]  # a new id from the sequence
    _insert_row(School._meta.db_table, row, School)
    if "id" in row:
        _advance_sequence(School._meta.db_table)
    school = School.objects.get(slug=slug)
    if copy:
        audit_transition(actor=None, target=school, from_state="", to_state=school.status,
                         reason="从备份恢复的副本默认停用")
    return school


def _database_refusal(exc: DatabaseError) -> str:
    """The Chinese refusal for a database error during a restore: which table (and column), never
    the error's detail, which can quote the row's values (personal data)."""
    diag = getattr(exc.__cause__, "diag", None)
    table, column = getattr(diag, "table_name", None), getattr(diag, "column_name", None)
    where = f"数据表“{table}”" + (f"的列“{column}”" if column else "") if table else "数据库"
    return (f"恢复失败：{where}拒绝了备份中的数据（{type(exc).__name__}），"
            f"可能是备份来自较旧的版本、缺少后来新增的必填列；已全部撤销，未做任何更改。")


def _insert_row(table: str, row: dict, model=None) -> None:
    """Insert one public row from its row_to_json form (columns the table no longer has are dropped).

    Columns the table has and the row lacks (a backup older than the migration that added them)
    get the model field's default, as the migration gave the rows that existed then; without one
    they are left to the database (NULL, or its own default)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns "
                       "WHERE table_schema = 'public' AND table_name = %s", [table])
        columns = {r[0] for r in cursor.fetchall()}
        row = dict(row)
        for field in model._meta.concrete_fields if model is not None else ():
            if field.column in columns and field.column not in row and (field.has_default() or not field.null):
                default = field.get_default()
                if default is not None:
                    row[field.column] = default  # written as JSON below (default=str: dates, Decimals)
        names = [c for c in row if c in columns]
        quoted = ", ".join(f'"{c}"' for c in names)
        cursor.execute(f'INSERT INTO public."{table}" ({quoted}) SELECT {quoted} '
                       f'FROM json_populate_record(NULL::public."{table}", %s::json)',
                       [json.dumps({c: row[c] for c in names}, default=str)])


def _restore_domains(school: School, rows: list[dict], *, slug: str, copy: bool) -> None:
    Domain.objects.create(domain=domain_for(slug), tenant=school, is_primary=True)
    if copy:
        return
    for row in rows:  # the school's other host names, when nobody has taken them since
        if row["domain"] != domain_for(slug) and not Domain.objects.filter(domain=row["domain"]).exists():
            Domain.objects.create(domain=row["domain"], tenant=school, is_primary=False)


def _advance_sequence(table: str) -> None:
    """After inserting rows with their own ids: never hand out one of those ids again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'public."{table}"'])
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(
                f"""SELECT setval(%s, GREATEST((SELECT coalesce(max(id), 1) FROM public."{table}"),
                                            coalesce(pg_sequence_last_value(%s::regclass), 1)))""",
                [sequence, sequence])


def _replace_school_records(school: School, shared: dict, backed_pk: int) -> tuple[dict, list[str]]:
    """Replace the school's provincial records with the backup's (same ids).

    Rows whose provincial parent is gone (a circular the province deleted since) are skipped, as the
    database's own cascade would have removed them; they are counted in the result."""
    labels = [label for label, _ in SCHOOL_RECORDS]
    current = _school_record_pks(school.pk)
    old_files = []
    with connection.cursor() as cursor:
        for label in reversed(labels):
            model = apps.get_model(label)
            if not current[label]:
                continue
            for row in rows_as_json(model._meta.db_table, current[label]):
                old_files += [row[c] for c in _file_columns(model) if row.get(c)]
            cursor.execute(f'DELETE FROM public."{model._meta.db_table}" WHERE id = ANY(%s)', [current[label]])

    inserted: dict[str, set] = {label: set() for label in labels}
    exists_cache: dict[tuple[str, object], bool] = {}
    skipped = {}
    for label in labels:
        model = apps.get_model(label)
        table = model._meta.db_table
        fks = [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
        for row in shared.get(label, []):
            row = dict(row)
            keep = True
            for fk in fks:
                value = row.get(fk.column)
                if value is None:
                    continue
                related = fk.related_model
                if related is School:
                    if value == backed_pk:
                        row[fk.column] = school.pk
                    continue
                if related._meta.label in inserted:
                    keep = value in inserted[related._meta.label]
                else:
                    key = (related._meta.label, value)
                    if key not in exists_cache:
                        exists_cache[key] = related._base_manager.filter(pk=value).exists()
                    keep = exists_cache[key]
                if not keep:
                    break
            if not keep:
                skipped[label] = skipped.get(label, 0) + 1
                continue
            _insert_row(table, row, model)
            inserted[label].add(row["id"])
        if inserted[label]:
            _advance_sequence(table)
    return skipped, old_files


def _migrate_forward(school: School, missing: list[tuple[str, str]]) -> list[str]:
    """An older backup: apply the migrations it lacks, inside the restore's transaction (PostgreSQL
    runs DDL transactionally, so a failing migration undoes the whole restore)."""
    if not missing:
        return []
    connection.set_tenant(school)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # any failure: the restore is rolled back with the reason
        raise BackupRefused(f"备份来自较旧的代码版本，迁移到当前版本失败，已撤销：{exc}") from exc
    finally:
        connection.set_schema_to_public()
    return [f"{app}.{name}" for app, name in missing]


def backup_every_school(*, keep_days: int | None = None) -> dict[str, str]:
    """The nightly run: a backup of every active school, then its old backups pruned. One school's
    failure is reported and does not stop the others."""
    from tenants.selectors import schools

    outcome = {}
    for school in schools(status=School.Status.ACTIVE).order_by("slug"):
        try:
            result = school_backup(school=school)
            prune_backups(slug=school.slug, keep_days=keep_days)
        except DomainError as exc:  # our own refusals: a Chinese message without personal data
            logger.warning("学校 %s 的夜间备份失败：%s", school.slug, type(exc).__name__)
            outcome[school.slug] = f"失败：{exc.message}"
        except Exception as exc:  # noqa: BLE001 — a database or disk error in one school must not stop the others
            # only the type: the text of a database error can quote the school's rows
            logger.error("学校 %s 的夜间备份失败：%s", school.slug, type(exc).__name__)
            outcome[school.slug] = f"失败：{type(exc).__name__}"
        else:
            outcome[school.slug] = str(result.path)
        finally:
            connection.set_schema_to_public()
    return outcome

