from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from tenants.demo import seed_demo


class Command(BaseCommand):
    help = "生成演示数据（可重复运行；生产环境不可用）。"

    def handle(self, *args, **options):
        try:
            schools = seed_demo(stdout=self.stdout)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"演示数据就绪：省教育工会 + {len(schools)} 所学校。")
