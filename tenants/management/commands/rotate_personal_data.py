from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context, schema_exists

from tenants.members.services import personal_data_reencrypt
from tenants.personal_data import reencrypt_columns
from tenants.selectors import schools
from tenants.sso.models import SsoSettings
from tenants.webhooks.models import Subscription

# Secrets encrypted with PERSONAL_DATA_KEY besides the ID numbers: (model, its encrypted columns).
WEBHOOK_SECRETS = (Subscription, ("secret_encrypted", "previous_secret_encrypted"))
SCHOOL_SECRETS = [WEBHOOK_SECRETS, (SsoSettings, ("oidc_client_secret_encrypted",))]
PROVINCE_SECRETS = [WEBHOOK_SECRETS]


def _secrets(models) -> dict[str, int]:
    totals = {"reencrypted": 0, "current": 0, "unreadable": 0}
    for model, fields in models:
        for key, value in reencrypt_columns(model, fields).items():
            totals[key] += value
    return totals


class Command(BaseCommand):
    help = ("用 PERSONAL_DATA_KEY 中最新的密钥（第一个）重新加密所有学校的身份证号，以及各站点的 Webhook 签名密钥和"
            "统一身份认证客户端密钥；可重复运行。 / Re-encrypt every school's ID numbers, and every host's webhook "
            "and OIDC client secrets, with the newest PERSONAL_DATA_KEY; idempotent.")

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
                for key, value in _secrets(SCHOOL_SECRETS).items():
                    counts[key] += value
            for key, value in counts.items():
                totals[key] += value
            if counts["unreadable"]:
                troubled.append(school.name)
            self.stdout.write(f"{school.name}（{school.slug}）：重新加密 {counts['reencrypted']}，已是最新 "
                              f"{counts['current']}，重建索引 {counts['reindexed']}，无法解密 {counts['unreadable']}")
        province = _secrets(PROVINCE_SECRETS)
        for key, value in province.items():
            totals[key] += value
        if province["unreadable"]:
            troubled.append("省级站点")
        self.stdout.write(f"省级站点：重新加密 {province['reencrypted']}，已是最新 {province['current']}，"
                          f"无法解密 {province['unreadable']}")
        self.stdout.write(f"合计：重新加密 {totals['reencrypted']}，已是最新 {totals['current']}，"
                          f"重建索引 {totals['reindexed']}，无法解密 {totals['unreadable']}")
        if troubled:
            raise CommandError("以下站点有无法解密的数据（PERSONAL_DATA_KEY 中缺少加密它们的旧密钥），"
                               "在解决之前不要移除旧密钥：" + "、".join(troubled))
