from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context, schema_exists

from tenants.members.services import personal_data_reencrypt
from tenants.selectors import schools


class Command(BaseCommand):
    help = ("用 PERSONAL_DATA_KEY 中最新的密钥（第一个）重新加密所有学校的身份证号；可重复运行。"
            " / Re-encrypt every school's ID numbers with the newest PERSONAL_DATA_KEY; idempotent.")

    def handle(self, *args, **options):
        totals = {"reencrypted": 0, "current": 0, "reindexed": 0, "unreadable": 0}
        troubled = []
        # Every school that still has a schema, suspended and archived ones included: their data
        # is just as encrypted, and the old key cannot be retired while they still need it.
        for school in schools().order_by("slug"):
            if not schema_exists(school.schema_name):
                continue
            with schema_context(school.schema_name):
                counts = personal_data_reencrypt()
            for key, value in counts.items():
                totals[key] += value
            if counts["unreadable"]:
                troubled.append(school.name)
            self.stdout.write(f"{school.name}（{school.slug}）：重新加密 {counts['reencrypted']}，已是最新 "
                              f"{counts['current']}，重建索引 {counts['reindexed']}，无法解密 {counts['unreadable']}")
        self.stdout.write(f"合计：重新加密 {totals['reencrypted']}，已是最新 {totals['current']}，"
                          f"重建索引 {totals['reindexed']}，无法解密 {totals['unreadable']}")
        if troubled:
            raise CommandError("以下学校有无法解密的身份证号（PERSONAL_DATA_KEY 中缺少加密它们的旧密钥），"
                               "在解决之前不要移除旧密钥：" + "、".join(troubled))
