import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class MailConfig(AppConfig):
    name = "tenants.mail"
    label = "mail"
    verbose_name = "邮件提醒"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        # Production without EMAIL_URL / EMAIL_HOST runs, with mail off: say so where operators look
        # (every process's log on start; the preferences page tells each person too).
        if not settings.MAIL_ENABLED:
            logger.warning("邮件发送未配置（EMAIL_URL 或 EMAIL_HOST 为空）：通知只在站内显示，不发送邮件。")
