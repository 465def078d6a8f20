"""Load the 20 regions of kz-regions.csv (17 regions and the cities Astana, Almaty, Shymkent)."""
from django.db import migrations

from films.reference_data import load_regions


def forwards(apps, schema_editor):
    load_regions(apps.get_model("films", "Region"))


class Migration(migrations.Migration):
    dependencies = [("films", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
