"""Admin accounts used to be made superusers; their powers now come from their role alone."""
from django.db import migrations

ADMIN_ROLES = ["province_admin", "union_admin"]


def staff_by_role_never_superuser(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.update(is_superuser=False)
    User.objects.filter(roles__overlap=ADMIN_ROLES).update(is_staff=True)
    User.objects.exclude(roles__overlap=ADMIN_ROLES).update(is_staff=False)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_notification"),
    ]

    operations = [
        migrations.RunPython(staff_by_role_never_superuser, migrations.RunPython.noop),
    ]
