from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "shared.competitions"
    label = "competitions"
    verbose_name = "青年教师教学竞赛"
    default_auto_field = "django.db.models.BigAutoField"
