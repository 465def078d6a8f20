"""Issue 9: a real published register, loaded as a ministry would load it (tests/mkrf.py, tests/data/mkrf/).

The Russian Ministry of Culture's 331 readable state-supported films — genres in Russian, support in roubles
(the refundable part as `repayable`), box office per distribution certificate — are converted to the tracker's
three formats and loaded with TRACKER_COUNTRY=RU through the clerk's own commands. The funded-vs-released
report must equal what tests/mkrf.py computes straight from the published rows, to the kopeck."""
import datetime
import json
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from conftest import run_command
from films.country import settings_for
from films.models import Film, Genre
from funding.models import FilmMetrics, Grant
from tests import mkrf


@pytest.mark.django_db
def test_the_russian_ministrys_register_gives_the_report_computed_from_the_raw_file(
        tmp_path, django_capture_on_commit_callbacks):
    with override_settings(**settings_for("RU")):
        run_command("load_regions")
        files = mkrf.write_registers(tmp_path)
        films_out = run_command("import_films", str(files["films"]))[0]
        assert "331 created" in films_out and " 0 rejected" in films_out  # 316 of 332 were refused before
        grants_out = run_command("import_grants", str(files["grants"]))[0]
        assert "331 created" in grants_out and " 0 rejected" in grants_out
        with django_capture_on_commit_callbacks(execute=True):
            out = run_command("import_box_office", "--json", str(files["box_office"]))[0]
        summary = json.loads(out)
        assert {k: summary[k] for k in ("created", "updated", "unchanged", "rejected")} == {
            "created": 317, "updated": 0, "unchanged": 0, "rejected": 0}

        rows = json.loads(run_command("report", "funded-vs-released", "--format", "json")[0])
        expected = mkrf.expected_funded_vs_released(timezone.localdate())
        assert [str(r["year"]) for r in rows] == sorted(k for k in expected if k != "total") + ["total"]
        for row in rows:
            want = expected[str(row["year"])]
            assert row["films_funded"] == want["films_funded"]
            assert Decimal(row["awarded"]) == want["awarded"]
            assert row["films_released"] == want["films_released"]
            assert Decimal(row["gross"]) == want["gross"]
            assert row["return_on_funding"] == pytest.approx(float(want["gross"] / want["awarded"]), abs=1e-9)

        # Roubles are the home currency; Russian genres are kept as written; refundable support is repayable.
        assert set(Grant.objects.values_list("currency", flat=True)) == {"RUB"}
        assert Genre.objects.filter(code="драма").exists() and Genre.objects.filter(code="реальное тв").exists()
        repayable = Grant.objects.filter(repayable_amount__gt=0)
        assert repayable.count() == sum(1 for f in mkrf.supported_films()
                                        if Decimal(f["refundable_support"] or 0) > 0)
        # Every rouble of gross came from the ministry's report, none from tickets.
        assert not FilmMetrics.objects.filter(gross_from_tickets__gt=0).exists()
        film = Film.objects.get(code="111005313")  # «Пока еще жива», released 2013-10-11
        assert film.release_date == datetime.date(2013, 10, 11) and film.status == "released"
