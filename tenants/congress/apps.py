from django.apps import AppConfig


class CongressConfig(AppConfig):
    name = "tenants.congress"
    label = "congress"
    verbose_name = "教代会与提案"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tenants import demo
        from tenants.congress.demo import seed_congress

        if seed_congress not in demo.SCHOOL_SEEDERS:
            demo.SCHOOL_SEEDERS.append(seed_congress)
