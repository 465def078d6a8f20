"""Issue 9 item 1: the tracker deployed for another country, end to end (registers.md, The country).

With TRACKER_COUNTRY=KG the home currency is the som (KGS) and the regions are Kyrgyzstan's ISO 3166-2
subdivisions: a cinema registered in one of them, films, KGS grants and KGS ticket sales give the
funded-vs-released report in som; a KZT grant is then a foreign-currency grant and KZT sales are refused."""
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from boxoffice.models import Cinema
from boxoffice.services import find_region
from conftest import run_command
from films.country import CountryError, home_currency_for, settings_for, subdivisions, validate_country
from films.models import Film, Region
from funding.models import FilmMetrics
from funding.selectors import funded_vs_released

KG = settings_for("KG")

CINEMAS = ("cinema_code,cinema_name,region,city,chain,connected_since,screen,seats\n"
           "KG-C001,Ала-Тоо,bishkek shaary,Бишкек,,2024-01-01,1,200\n"
           "KG-C002,Манас,chüy region,Токмок,,2024-01-01,1,90\n")
FILMS = ("film_code,title,year,genres,countries,status,release_date\n"
         "KG-2023-01,Бакыт,2023,драма|тарих,KG,released,2024-02-01\n"
         "KG-2023-02,Жол,2023,комедия,KG,production,\n")
GRANTS = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
          "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,Film Project:Code\n"
          "360G-KG-1,Бакыт,,KGS,5000000.00,2023-03-01,KG-INN-1,Студия,KG-GOV-1,Министерство культуры,KG-2023-01\n"
          "360G-KG-2,Жол,,KGS,3000000.00,2023-04-01,KG-INN-1,Студия,KG-GOV-1,Министерство культуры,KG-2023-02\n"
          "360G-KG-3,Co-production,,KZT,1000000.00,2023-05-01,KG-INN-1,Студия,KZ-GOV-1,Kazakh fund,KG-2023-01\n")
SALES = ("cinema_code,transaction_id,kind,refund_of,sold_at,screening_start,screen,film_code,tickets,amount,"
         "currency\n"
         "KG-C001,T1,sale,,2024-02-01T10:00:00+06:00,2024-02-01T18:00:00+06:00,1,KG-2023-01,4,1600.00,KGS\n"
         "KG-C002,T2,sale,,2024-02-02T10:00:00+06:00,2024-02-02T18:00:00+06:00,1,KG-2023-01,2,700.00,\n")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_home_currency_follows_the_country_from_the_standards():
    assert [home_currency_for(c) for c in ("KZ", "KG", "UZ", "RU")] == ["KZT", "KGS", "UZS", "RUB"]
    with pytest.raises(CountryError, match="not an ISO 3166-1 alpha-2 country code"):
        validate_country("XX")
    with pytest.raises(CountryError):
        validate_country("Kyrgyzstan")


def test_an_unknown_country_stops_the_settings_with_a_clear_message():
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRACKER_COUNTRY": "QQ", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env,
                          cwd=os.path.dirname(os.path.dirname(__file__)), timeout=120)
    assert done.returncode != 0
    assert "TRACKER_COUNTRY='QQ' is not an ISO 3166-1 alpha-2 country code" in done.stderr


def test_kyrgyzstans_regions_are_its_iso_3166_2_subdivisions():
    rows = {r["code"]: r for r in subdivisions("KG")}
    assert {"KG-GB", "KG-C", "KG-B", "KG-O", "KG-GO"} <= set(rows)
    assert len(rows) == 9 and rows["KG-GB"]["name_en"]


@pytest.mark.django_db
def test_a_kyrgyz_deployment_end_to_end(tmp_path, client, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    # Cached public pages go stale on commit, which a test transaction never reaches: start from none.
    cache.clear()
    with override_settings(**KG):
        out, _ = run_command("load_regions")
        assert "9 created" in out
        assert run_command("load_regions")[0] == "regions: 0 created, 0 updated\n"  # idempotent
        # Only Kyrgyzstan's regions are offered; Kazakhstan's rows stay in the table, unused.
        assert set(Region.objects.values_list("country", flat=True)) == {"KG"}
        assert find_region("KZ-75") is None and find_region("Almaty") is None
        assert find_region("kg-gb").code == "KG-GB"

        run_command("import_cinemas", write(tmp_path, "c.csv", CINEMAS))
        assert dict(Cinema.objects.values_list("code", "region__code")) == {"KG-C001": "KG-GB", "KG-C002": "KG-C"}
        bad = io.StringIO()
        call_command("import_cinemas", write(tmp_path, "c2.csv", CINEMAS.replace("bishkek shaary", "Almaty")),
                     stdout=bad, stderr=bad)
        assert "'Almaty' is not a region of KG" in bad.getvalue()

        run_command("import_films", write(tmp_path, "f.csv", FILMS))
        assert Film.objects.get(code="KG-2023-01").is_domestic
        report = run_command("import_grants", write(tmp_path, "g.csv", GRANTS))[0]
        assert "3 created" in report
        with django_capture_on_commit_callbacks(execute=True):
            run_command("import_sales", write(tmp_path, "s.csv", SALES))
        metrics = FilmMetrics.objects.get(film__code="KG-2023-01")
        assert metrics.gross == 2300 and metrics.awarded_home == 5000000
        assert metrics.awarded == {"KGS": "5000000.00", "KZT": "1000000.00"}

        # Funded vs released, in som: the KZT grant is a foreign-currency grant and counts in neither.
        rows = funded_vs_released().rows
        total = rows[-1]
        assert (total.films_funded, total.awarded, total.films_released, total.gross) == (
            2, Decimal("8000000.00"), 1, Decimal("2300.00"))
        as_json = json.loads(run_command("report", "funded-vs-released", "--format", "json")[0])
        assert as_json[-1]["awarded"] == "8000000.00" and as_json[-1]["gross"] == "2300.00"

        # Ticket sales in tenge are refused in Kyrgyzstan.
        tenge = SALES.splitlines()[0] + "\n" + SALES.splitlines()[1].replace("T1,", "T9,").replace("KGS", "KZT")
        out, err = io.StringIO(), io.StringIO()
        call_command("import_sales", write(tmp_path, "s2.csv", tenge + "\n"), "--json", stdout=out, stderr=err)
        assert FilmMetrics.objects.get(film__code="KG-2023-01").gross == 2300
        from boxoffice.models import ImportBatch

        record = ImportBatch.objects.get(pk=json.loads(out.getvalue())["batch"]).records.get()
        assert (record.outcome, record.field) == ("rejected", "currency")
        assert record.reason == "box office is kept in KGS; report amounts in KGS, not KZT"

        # Pages speak som, not tenge; no dollar equivalent without a dated KGS rate.
        page = client.get(reverse("funding:funded-vs-released")).content.decode()
        assert "Awarded, KGS" in page and "Gross, KGS" in page and "KZT" not in page.replace("KZ-", "")
        film = client.get(reverse("films:detail", args=["KG-2023-01"])).content.decode()
        assert "2,300.00 KGS" in film or "2 300,00 KGS" in film or "2300.00 KGS" in film
        assert "US$" not in film
        home = client.get("/en/").content.decode()
        assert "Awarded to films, KGS" in home
        method = client.get(reverse("public:methodology")).content.decode()
        assert "Kyrgystani Som (KGS) is the home currency" in method or "Som (KGS) is the home currency" in method
        assert "Kyrgyzstan (KG)" in method and "US dollars" not in method
        ru = client.get("/ru/").content.decode()
        assert "KGS" in ru

        # The API and open data name the home currency; the KZT-named alias is not given here.
        api = client.get("/api/v1/film-metrics/").json()
        item = next(r for r in api["results"] if r["film"] == "KG-2023-01")
        assert item["home_currency"] == "KGS" and item["awarded_home"] == "5000000.00"
        assert "awarded_kzt" not in item
        # Auditors' report columns follow the currency too.
        from staff.auditor import return_on_funding_table

        table = return_on_funding_table({})
        assert "awarded_kgs" in [c.key for c in table.columns]
        assert [str(c.label) for c in table.columns if c.key == "awarded_kgs"] == ["Awarded, KGS"]


@pytest.mark.django_db
def test_in_kazakhstan_the_old_names_keep_working(client, examples_loaded):
    item = client.get("/api/v1/film-metrics/").json()["results"][0]
    assert item["home_currency"] == "KZT" and item["awarded_kzt"] == item["awarded_home"]
    from staff.auditor import stalled_projects_table

    assert "awarded_kzt" in [c.key for c in stalled_projects_table({}).columns]
