from django.core.management.base import BaseCommand, CommandError

from tenants.backups.services import school_backup
from tenants.errors import DomainError
from tenants.models import School


class Command(BaseCommand):
    help = "备份一所学校：数据库架构、它在省级表中的记录、上传的文件和校验清单，写成一个 .tar.gz 文件。"

    def add_arguments(self, parser):
        parser.add_argument("slug", help="学校的站点标识")
        parser.add_argument("--out", help="备份写到哪个目录（默认 BACKUP_DIR/<站点标识>/）")

    def handle(self, *args, **options):
        school = School.objects.filter(slug=options["slug"]).first()
        if school is None or school.is_province:
            raise CommandError(f"没有站点标识为“{options['slug']}”的学校。")
        try:
            result = school_backup(school=school, out_dir=options["out"])
        except DomainError as exc:
            raise CommandError(exc.message)
        tables = result.manifest["tables"]
        self.stdout.write(f"已备份 {school.name}：{result.path}（{len(tables)} 张表，"
                          f"{sum(t['rows'] for t in tables.values())} 行，{len(result.manifest['files'])} 个文件）")
