from django.db import migrations

DEFAULT_LEVELS = ["特困", "困难", "相对困难"]


def add_default_levels(apps, schema_editor):
    HardshipLevel = apps.get_model("hardship", "HardshipLevel")
    for order, name in enumerate(DEFAULT_LEVELS, start=1):
        HardshipLevel.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("hardship", "0001_initial")]
    operations = [migrations.RunPython(add_default_levels, migrations.RunPython.noop)]
