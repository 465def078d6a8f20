"""The staff roles as groups: grant officers, auditors, cinema operators (administrators are superusers)."""
from django.db import migrations

from films.reference_data import create_roles


def forwards(apps, schema_editor):
    create_roles(apps.get_model("auth", "Group"))


class Migration(migrations.Migration):
    dependencies = [("films", "0002_regions"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
