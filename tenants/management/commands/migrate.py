"""`manage.py migrate`: public, then the template (and its snapshot), then the schools that need it.

Replaces django-tenants' migrate for everyday use; `migrate_schemas` stays available.
"""
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.autodetector import MigrationAutodetector
from django_tenants.utils import get_public_schema_name

from tenants import migrating
from tenants.services import ensure_province


class Command(BaseCommand):
    autodetector = MigrationAutodetector  # Django's check compares it with makemigrations'
    help = "迁移公共架构、学校模板和需要迁移的学校架构（并行）。"

    def add_arguments(self, parser):
        parser.add_argument("app_label", nargs="?", help="忽略；为兼容 Django 的 migrate 参数。")
        parser.add_argument("migration_name", nargs="?", help="忽略；为兼容 Django 的 migrate 参数。")
        parser.add_argument("--processes", type=int, default=None, help="并行进程数")
        parser.add_argument("--schema", help="只迁移这一个学校架构")
        parser.add_argument("--executor", action="store_true",
                            help="每个学校都用 Django 的迁移执行器（不批量执行 SQL）")
        parser.add_argument("--batch-size", type=int, default=50, help="批量执行时每次往返的学校数")
        parser.add_argument("--skip-public", action="store_true")
        parser.add_argument("--no-snapshot", action="store_true",
                            help="不刷新学校模板快照（开通学校将改走迁移，直到下次 migrate 刷新）")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--run-syncdb", action="store_true", help="忽略；测试框架会传入。")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        from django.conf import settings

        verbosity = options["verbosity"]
        started = time.perf_counter()
        if options["app_label"] or options["migration_name"]:
            self.stderr.write("提示：migrate 总是把所有应用迁移到最新；要迁移到指定版本请用 migrate_schemas。")
        if not options["skip_public"]:
            # Django's migrate lists the tables of the search path four times (has_table): a scan of
            # every relation of the database, ~0.7 s each at 800 schools. Public at head has nothing
            # to do, which the same one-statement check as the schools' tells.
            if migrating.schemas_needing_migration([get_public_schema_name()]):
                call_command("migrate_schemas", shared=True, interactive=False,
                             verbosity=max(0, verbosity - 1))
            if migrating.missing_cache_tables():
                call_command("createcachetable", verbosity=0)  # lists every table, too
            ensure_province()
        refreshed, failure = migrating.ensure_template(verbosity=max(0, verbosity - 1),
                                                       snapshot=not options["no_snapshot"])
        if failure:
            self.stderr.write(f"学校模板迁移失败：{failure.error}")
            sys.exit(1)
        if verbosity:
            self.stdout.write("学校模板：" + ("已更新快照" if refreshed else "快照未变") +
                              f"（{time.perf_counter() - started:.1f} 秒）")

        schools_started = time.perf_counter()
        schemas = [options["schema"]] if options["schema"] else migrating.school_schema_names()
        pending = migrating.schemas_needing_migration(schemas)
        processes = options["processes"] or settings.SCHOOL_MIGRATE_PROCESSES
        outcomes = migrating.migrate_schools(
            pending, processes=processes, verbosity=verbosity, batched=not options["executor"],
            batch_size=options["batch_size"], log=self.stdout.write)
        connection.set_schema_to_public()
        failed = [o for o in outcomes if not o.ok]
        if verbosity:
            self.stdout.write(
                f"学校架构 {len(schemas)} 个，需迁移 {len(pending)} 个"
                f"（批量 SQL {sum(o.path == 'batched' for o in outcomes)} 个），成功 {len(outcomes) - len(failed)} 个，"
                f"失败 {len(failed)} 个；学校用时 {time.perf_counter() - schools_started:.1f} 秒，"
                f"共 {time.perf_counter() - started:.1f} 秒。"
            )
        for outcome in failed:
            self.stderr.write(f"[{outcome.schema_name}] 迁移失败：{outcome.error}")
        if failed:
            sys.exit(1)
