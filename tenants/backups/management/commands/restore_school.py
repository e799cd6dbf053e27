from django.core.management.base import BaseCommand, CommandError

from tenants.backups.services import school_restore
from tenants.errors import DomainError


class Command(BaseCommand):
    help = ("从 backup_school 的备份恢复一所学校。默认恢复到备份中的站点（已存在时须加 --force，覆盖其全部数据）；"
            "--as <新站点标识> 恢复为一所新的（停用状态的）副本，不触动原学校。")

    def add_arguments(self, parser):
        parser.add_argument("backup", help="备份文件（.tar.gz）或解开的备份目录")
        parser.add_argument("--as", dest="as_slug", help="恢复为新的站点标识（副本）")
        parser.add_argument("--force", action="store_true", help="覆盖已存在的同名学校")

    def handle(self, *args, **options):
        try:
            result = school_restore(path=options["backup"], as_slug=options["as_slug"], force=options["force"])
        except DomainError as exc:
            raise CommandError(exc.message)
        school = result.school
        how = "已覆盖恢复" if result.replaced else "已恢复"
        self.stdout.write(f"{how} {school.name}（{school.slug}，架构 {school.schema_name}，状态：{school.get_status_display()}）")
        if result.migrated_forward:
            self.stdout.write(f"备份来自较旧的版本，已迁移到当前版本：{len(result.migrated_forward)} 个迁移")
        for label, count in result.skipped_records.items():
            self.stdout.write(f"跳过 {label} {count} 条：所依附的省级记录已不存在")
