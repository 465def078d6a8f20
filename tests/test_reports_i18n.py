"""The auditor reports and the sales-batch pages speak the language of their URL, while what programs read
stays the same in every language: the CSV files byte for byte, the XLSX cells and the X-As-Of header."""

import io
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from boxoffice.choices import AnomalyKind, BatchSource, BatchStatus, Outcome
from boxoffice.tests.helpers import sale, send
from films.choices import FilmStatus
from films.models import Film
from funding.models import FilmMetrics, Grant
from funding.selectors import is_released
from staff.auditor import COHORT, FUNDER, KIND, PROGRAMME, REGION, REPORTS
from staff.film_views import audit_table

LANGUAGES = ["kk", "ru"]
# Real translations, so a missing or stale .mo fails here: report -> (its <h1>, one column heading) per language.
EXPECTED = {
    "ru": {
        "funded-vs-released": ("Профинансировано и вышло в прокат, по годам когорты", "Окупаемость финансирования"),
        "data-completeness": ("Полнота данных по кинотеатрам", "Дней без данных"),
    },
    "kk": {
        # Headings name the home currency by its code (issue 9: the country's currency, not always tenge).
        "funded-vs-released": ("Қаржыландырылғаны мен прокатқа шыққаны, когорта жылы бойынша", "Жинақ, KZT"),
        "data-completeness": ("Кинотеатрлар бойынша деректердің толықтығы", "Деректерсіз күндер"),
    },
}
STAMP = {"ru": "По состоянию на: ", "kk": "Жағдай бойынша: "}
FILTERS = {"ru": "Фильтры: Финансирующая организация = ", "kk": "Сүзгілер: Қаржыландырушы = "}
# The X-As-Of header, word for word as before the reports were translated.
MINUTE = r"\d{4}-\d\d-\d\d \d\d:\d\d"
AS_OF_HEADER = re.compile(rf"As of: (last ticket sale included {MINUTE}, )?computed {MINUTE}")


@pytest.fixture
def report_data(examples_loaded):
    """The examples plus what gives the reports cells that could follow the language: films with Kazakh and
    Russian titles, a stalled film (its status), an anomaly (its kind); and a record rejected."""
    Film.objects.update(title_kk="Фильм атауы", title_ru="Название фильма")
    film = next(
        f
        for f in Film.objects.filter(grants__published=True).distinct().order_by("code")
        if not is_released(f, FilmMetrics.objects.filter(film=f).first())
    )
    Film.objects.filter(pk=film.pk).update(planned_release="2020-01-01")
    batch = send([sale("I18N-Z", amount="0.00"), sale("I18N-BAD", tickets=0)])
    return SimpleNamespace(stalled_film=film, batch=batch)


def url(name, lang, *args):
    with translation.override(lang):
        return reverse(name, args=args)


def english(text) -> str:
    with translation.override("en"):
        return str(text)


def headings(html: str) -> list[str]:
    return re.findall(r'<th scope="col" data-key="[^"]+"[^>]*>(.*?)</th>', html)


def h1_text(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_pages_are_in_the_language_of_their_url(client, auditor, report_data, lang):
    client.force_login(auditor)
    index = client.get(url("staff:reports", lang)).content.decode()
    for report in REPORTS.values():
        assert f">{english(report.title)}</a>" not in index
        html = client.get(url("staff:report", lang, report.slug)).content.decode()
        table = client.get(url("staff:report", "en", report.slug)).context["table"]
        english_labels = {english(c.label) for c in table.columns}
        shown = headings(html)
        assert len(shown) == len(table.columns) and not set(shown) & english_labels, (report.slug, shown)
        assert h1_text(html) != english(table.title) and english(table.title) not in html, report.slug
        if table.note:
            assert english(table.note) not in html, report.slug
        assert STAMP[lang] in html and "As of:" not in html and "computed" not in html, report.slug
        if report.slug in EXPECTED[lang]:
            title, heading = EXPECTED[lang][report.slug]
            assert h1_text(html) == title and heading in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filters_line_and_xlsx_preamble_follow_the_language(client, auditor, report_data, lang):
    funder = Grant.objects.published().values_list("funder_id", flat=True).first()
    client.force_login(auditor)
    page = client.get(url("staff:report", lang, "funded-vs-released"), {"funder": funder}).content.decode()
    assert FILTERS[lang] in page and "Filters:" not in page
    workbook = client.get(url("staff:report-export", lang, "funded-vs-released", "xlsx"), {"funder": funder})
    english_workbook = client.get(url("staff:report-export", "en", "funded-vs-released", "xlsx"), {"funder": funder})
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    english_rows = list(load_workbook(io.BytesIO(english_workbook.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == EXPECTED[lang]["funded-vs-released"][0]
    assert rows[1][0].startswith(STAMP[lang]) and rows[2][0].startswith(FILTERS[lang])
    # Below the preamble: the columns' labels in the page's language, then the very cells of the English download.
    with translation.override(lang):
        assert rows[4][0] == gettext("Cohort year")
    assert rows[5:] == english_rows[5:] and english_rows[4][0] == "Cohort year"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_csv_downloads_and_the_as_of_header_do_not_depend_on_the_language(client, auditor, report_data, lang):
    client.force_login(auditor)
    downloads = [("staff:report-export", slug, "csv") for slug in REPORTS] + [("staff:audit-export", "csv")]
    for name, *args in downloads:
        translated = client.get(url(name, lang, *args))
        original = client.get(url(name, "en", *args))
        assert translated.status_code == 200 and translated.content == original.content, args
        for response in (translated, original):
            assert AS_OF_HEADER.fullmatch(response["X-As-Of"]), response["X-As-Of"]
    # Cells holding a choice's label were there to differ: they hold the English label in every language.
    stalled = client.get(url("staff:report-export", lang, "stalled-projects", "csv")).content.decode()
    film = report_data.stalled_film
    assert f"{film.code},{film.title_en or film.title},{english(FilmStatus(film.status).label)}," in stalled
    anomalies = client.get(url("staff:report-export", lang, "anomalies", "csv")).content.decode()
    assert f",{english(AnomalyKind.ZERO_AMOUNT.label)}," in anomalies


@pytest.mark.parametrize(
    "lang, status, source, outcome, kind",
    [
        ("ru", "Обработан", "Командная строка", "Отклонена", "Продажа с нулевой суммой"),
        ("kk", "Өңделді", "Командалық жол", "Қабылданбады", "Сомасы нөлге тең сатылым"),
    ],
)
def test_batch_pages_show_status_source_outcome_and_anomaly_in_the_language(
    client, officer, report_data, lang, status, source, outcome, kind
):
    batch = report_data.batch
    assert batch.status == BatchStatus.PROCESSED and batch.source == BatchSource.CLI
    client.force_login(officer)
    page = client.get(url("boxoffice:batch", lang, batch.pk)).content.decode()
    assert f'<span class="badge processed">{status}</span>' in page
    assert source in page and english(BatchSource.CLI.label) not in page
    assert f"<td>{outcome}</td>" in page and f"<td>{Outcome.REJECTED.value}</td>" not in page
    assert kind in page and english(AnomalyKind.ZERO_AMOUNT.label) not in page
    listing = client.get(url("boxoffice:batches", lang)).content.decode()
    assert f'<span class="badge processed">{status}</span>' in listing and ">Processed<" not in listing
    alerts = client.get(url("boxoffice:alerts", lang)).content.decode()
    assert kind in alerts and english(AnomalyKind.ZERO_AMOUNT.label) not in alerts


def test_english_batch_page_keeps_its_english(client, officer, report_data):
    client.force_login(officer)
    page = client.get(url("boxoffice:batch", "en", report_data.batch.pk)).content.decode()
    assert '<span class="badge processed">Processed</span>' in page and "<td>Rejected</td>" in page


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_report_and_sales_label_is_translated(lang):
    """Titles, notes, column and filter labels of every report and of the audit-trail export, and the batch and
    record labels: a string that makemessages missed, or left untranslated, would show in English."""
    tables = [report.build({}) for report in REPORTS.values()] + [audit_table({})]
    labels = [label for t in tables for label in (t.title, t.note, *(c.label for c in t.columns)) if label]
    labels += [f.label for f in (FUNDER, PROGRAMME, COHORT, KIND, REGION)] + [r.title for r in REPORTS.values()]
    labels += [label for choices in (BatchStatus, Outcome, AnomalyKind) for label in choices.labels]
    labels += [label for value, label in BatchSource.choices if value != BatchSource.API]  # "API" in any language
    with translation.override(lang):
        untranslated = sorted({english(label) for label in labels if str(label) == english(label)})
    assert not untranslated


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_anomalies_page_says_the_detail_in_the_readers_language_and_its_csv_in_english(
        client, auditor, report_data, lang):
    from boxoffice.models import Anomaly

    client.force_login(auditor)
    anomaly = Anomaly.objects.filter(kind=AnomalyKind.ZERO_AMOUNT).first()
    with translation.override(lang):
        local = anomaly.detail
    with translation.override("en"):
        original = anomaly.detail
    assert local and local != original
    page = client.get(url("staff:report", lang, "anomalies")).content.decode()
    assert escape(local) in page and escape(original) not in page
    csv_text = client.get(url("staff:report-export", lang, "anomalies", "csv")).content.decode()
    assert original in csv_text and local not in csv_text
