from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.errors import DomainError
from tenants.models import School
from tenants.services import school_provision


class Command(BaseCommand):
    help = "开通一所学校：数据库架构、域名和首个校工会管理员。"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("name")
        parser.add_argument("--short-name", default="")
        parser.add_argument("--region", default="")
        parser.add_argument("--kind", default=School.Kind.UNDERGRADUATE, choices=School.Kind.values)
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument("--admin-password", default=None)

    def handle(self, *args, **options):
        try:
            result = school_provision(
                slug=options["slug"], name=options["name"], short_name=options["short_name"],
                region=options["region"], kind=options["kind"], by=None,
                admin_username=options["admin_username"], admin_password=options["admin_password"],
            )
        except ValidationError as exc:
            raise CommandError("；".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
        except DomainError as exc:
            raise CommandError(exc.message)
        except KeyboardInterrupt:
            # Ctrl-C: school_provision is one transaction, so the school is whole or absent; say which.
            if School.objects.filter(slug=options["slug"]).exists():
                raise CommandError(f"已中断，但学校“{options['slug']}”已开通完毕。", returncode=130)
            raise CommandError(f"已中断：学校“{options['slug']}”未开通，没有留下任何数据，可重新运行本命令。",
                               returncode=130)
        school = result.school
        self.stdout.write(f"已开通 {school.name}（{school.domains.get().domain}，架构 {school.schema_name}，"
                          f"方式：{result.path}）")
        if result.admin_password:
            self.stdout.write(f"管理员 {result.admin_username} 的初始密码：{result.admin_password}（只显示这一次）")
