"""`manage.py rollup_stats [--if-due] [--year N] [--full]`: the statistics roll-up, here and now.

The nightly beat job (config/settings/base.py CELERY_BEAT_SCHEDULE, 02:00) sends one task per
school to the worker. Until it first runs — a fresh start, a machine that was off at 02:00 — the
dashboard would read zeros or yesterday's figures; `make run` (config/launcher.py) therefore runs
this with --if-due before it starts the web server: when some active school has no figures of
this year, or none from the last 24 hours, every active school is rolled up in this process.
A school nobody wrote to since its figures were read keeps them (shared/stats/fingerprint.py);
--full reads every school again.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shared.stats.services import rollup_is_due, rollup_now


class Command(BaseCommand):
    help = "立即统计各校数据（--if-due：只在今年还没有统计或最近 24 小时内没有统计时运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--if-due", action="store_true", help="已有最近 24 小时内的统计时不重复统计")
        parser.add_argument("--year", type=int, help="统计年度（默认今年，1 月份时也重算去年）")
        parser.add_argument("--full", action="store_true", help="重新读取每所学校的数据（默认只读取上次统计后有变动的学校）")

    def handle(self, *args, year=None, if_due=False, full=False, **options):
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError("年度应在 2000 到 2100 之间。")
        if if_due and not rollup_is_due():
            self.stdout.write("各校统计数据是最新的（最近 24 小时内已统计）。")
            return
        started = timezone.now()
        tally: dict = {}
        count = rollup_now(years=[year] if year else None, full=full, tally=tally)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(f"已统计 {count} 所学校（{seconds:.1f} 秒；重新读取 {tally['read']} 所，"
                          f"{tally['unchanged']} 所自上次统计后没有变动）。")
