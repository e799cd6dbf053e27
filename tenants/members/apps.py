from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tenants.members"
    label = "members"
    verbose_name = "会员与组织"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tenants import demo
        from tenants.members.demo import seed_members

        if seed_members not in demo.SCHOOL_SEEDERS:
            demo.SCHOOL_SEEDERS.append(seed_members)
