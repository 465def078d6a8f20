"""Reasons and anomaly details stored as rulebook codes with parameters, rendered in the reader's language.

The old text columns keep their names (reason, resolved_reason, detail) and their text for the records stored
before; only the model attributes are renamed (reason_text, resolved_reason_text, detail_text)."""
from django.db import migrations, models


def _renamed(model, old, new, field):
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.RenameField(model, old, new), migrations.AlterField(model, new, field)],
    )


class Migration(migrations.Migration):
    dependencies = [("boxoffice", "0007_market_view_daily_by_day")]

    operations = [
        _renamed("batchrecord", "reason", "reason_text", models.TextField(blank=True, db_column="reason")),
        _renamed("batchrecord", "resolved_reason", "resolved_reason_text",
                 models.TextField(blank=True, db_column="resolved_reason")),
        _renamed("anomaly", "detail", "detail_text", models.CharField(max_length=500, blank=True, db_column="detail")),
        migrations.AddField("batchrecord", "reason_code", models.CharField(blank=True, max_length=40, default=""),
                            preserve_default=False),
        migrations.AddField("batchrecord", "reason_params", models.JSONField(blank=True, default=dict)),
        migrations.AddField("batchrecord", "resolved_code", models.CharField(blank=True, max_length=40, default=""),
                            preserve_default=False),
        migrations.AddField("batchrecord", "resolved_params", models.JSONField(blank=True, default=dict)),
        migrations.AddField("anomaly", "params", models.JSONField(blank=True, default=dict)),
    ]
