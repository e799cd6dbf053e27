from django.core.management.base import BaseCommand, CommandError

from tenants.errors import DomainError
from tenants.models import School
from tenants.services import school_drop_archived


class Command(BaseCommand):
    help = "删除已归档学校的数据库架构（不可恢复；归档文件保留）。"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--confirm", required=True, help="再输入一次站点标识以确认")

    def handle(self, *args, **options):
        if options["confirm"] != options["slug"]:
            raise CommandError("确认的站点标识不一致，未删除。")
        school = School.objects.filter(slug=options["slug"]).first()
        if school is None:
            raise CommandError("没有这所学校。")
        try:
            school_drop_archived(school=school, by=None)
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"已删除 {school.name} 的数据库架构；归档文件：{school.archive_file}")
