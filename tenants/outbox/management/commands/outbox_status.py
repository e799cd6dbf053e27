"""manage.py outbox_status [--retry-failed]: the task outbox's figures (tenants/outbox/selectors.py)."""
import json

from django.core.management.base import BaseCommand

from tenants.outbox.selectors import outbox_figures
from tenants.outbox.services import outbox_retry_failed


class Command(BaseCommand):
    help = "任务发件箱：待发送、已失败的消息数和最早一条待发送消息的等待秒数（JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--retry-failed", action="store_true",
                            help="让已用完重试次数的消息重新发送（修复任务出错的原因之后）。")

    def handle(self, *args, retry_failed=False, **options):
        if retry_failed:
            count = outbox_retry_failed()
            self.stderr.write(f"已安排 {count} 条失败的消息重新发送。")
        self.stdout.write(json.dumps(outbox_figures(), ensure_ascii=False))
