from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "shared.honours"
    label = "honours"
    verbose_name = "劳模与荣誉推荐"
    default_auto_field = "django.db.models.BigAutoField"
