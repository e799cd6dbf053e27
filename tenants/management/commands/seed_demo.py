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
        except KeyboardInterrupt:
            # Ctrl-C of `make run`: each school is provisioned and seeded in one transaction and
            # every seeder skips what exists, so the next run completes the demo where this one stopped.
            raise CommandError("已中断：已完成的演示学校保留，正在生成的学校没有留下数据；再次运行会接着完成。",
                               returncode=130)
        self.stdout.write(f"演示数据就绪：省教育工会 + {len(schools)} 所学校。")
