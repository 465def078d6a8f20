"""The demo reproduces the public Kazakhstan figures, loaded through the clerk's own import services."""
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from boxoffice.models import Cinema, ImportBatch
from conftest import run_command
from films.models import Organisation


@pytest.mark.django_db
def test_demo_reproduces_the_public_figures(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_command("load_demo")
    rows = json.loads(run_command("report", "funded-vs-released", "--format", "json")[0])
    total = rows[-1]
    assert [r["year"] for r in rows[:-1]] == [2019, 2020, 2021, 2022, 2023]
    assert total["films_funded"] == 98 and total["films_released"] == 23
    assert Decimal("18.5e9") < Decimal(total["awarded"]) < Decimal("19.5e9")
    assert Decimal("1.4e9") < Decimal(total["gross"]) < Decimal("1.6e9")
    assert 0.07 < total["return_on_funding"] < 0.09
    assert Cinema.objects.count() == 103 and Cinema.objects.filter(connected_since__isnull=False).count() == 68
    assert Organisation.objects.filter(name="State Center for Support of National Cinema").exists()
    assert not ImportBatch.objects.exclude(status="processed").exists()
    assert not ImportBatch.objects.filter(rejected__gt=0).exists()
    html = client.get(reverse("funding:funded-vs-released")).content.decode()
    assert f"{Decimal(total['awarded']):,.2f}" in html and f"{Decimal(total['gross']):,.2f}" in html
