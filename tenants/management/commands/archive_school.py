from django.core.management.base import BaseCommand, CommandError

from tenants.errors import DomainError
from tenants.models import School
from tenants.services import school_transition


class Command(BaseCommand):
    help = "归档一所学校：导出其数据库架构为 SQL 文件并停止其站点（架构保留）。"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, **options):
        school = School.objects.filter(slug=options["slug"]).first()
        if school is None:
            raise CommandError("没有这所学校。")
        try:
            school = school_transition(school=school, action="archive", by=None, reason=options["reason"])
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"已归档 {school.name}；导出文件：{school.archive_file}")
