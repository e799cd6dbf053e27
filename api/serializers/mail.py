from django.conf import settings
from rest_framework import serializers

from api.serializers import Serializer
from tenants.mail.models import Delivery


class MailPreferenceSerializer(Serializer):
    """A person's own e-mail preferences; `email` and `mail_enabled` are read-only facts."""

    email = serializers.SerializerMethodField(help_text="接收邮件的地址（账号上登记的邮箱；为空则不发送邮件）")
    mail_enabled = serializers.SerializerMethodField(help_text="本站是否已开通邮件发送")
    todo = serializers.BooleanField(help_text="待办事项是否发邮件")
    reminder = serializers.BooleanField(help_text="逾期提醒是否发邮件")
    result = serializers.BooleanField(help_text="办理结果是否发邮件")
    delivery = serializers.ChoiceField(choices=Delivery.choices, help_text="immediate：即时发送；daily_digest：每日汇总",
                                       error_messages={"invalid_choice": "发送方式只能是 immediate 或 daily_digest。"})

    def get_email(self, preference) -> str:
        return preference.user.email

    def get_mail_enabled(self, preference) -> bool:
        return bool(settings.MAIL_ENABLED)
