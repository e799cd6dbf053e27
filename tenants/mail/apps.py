from django.apps import AppConfig
from django.core import checks


class MailConfig(AppConfig):
    name = "tenants.mail"
    label = "mail"
    verbose_name = "邮件提醒"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        checks.register(mail_configured, checks.Tags.compatibility)


def mail_configured(app_configs, **kwargs):
    """Production without EMAIL_URL / EMAIL_HOST runs, with mail off: say so where operators look."""
    from django.conf import settings

    if settings.MAIL_ENABLED:
        return []
    return [checks.Warning("邮件发送未配置（EMAIL_URL 或 EMAIL_HOST 为空）：通知只在站内显示，不发送邮件。",
                           hint="设置 EMAIL_URL，例如 smtp://user:pass@smtp.example.edu.cn:587/?tls=1。",
                           id="mail.W001")]
