import io

import pytest

from films.audit import Actor
from films.choices import FilmStatus
from films.models import AuditEvent, Film
from films.services import import_films

HEADER = "film_code;title;title_en;year;kind;genres;languages;countries;producer;producer_id;status;release_date\n"


def load(text: str):
    return import_films(stream=io.BytesIO(text.encode()), actor=Actor.command("import_films"))


@pytest.mark.django_db
def test_examples_load_and_second_load_changes_nothing(examples_dir):
    first = import_films(stream=(examples_dir / "films.csv").open("rb"), actor=Actor.command("t"))
    events = AuditEvent.objects.count()
    second = import_films(stream=(examples_dir / "films.csv").open("rb"), actor=Actor.command("t"))
    assert first.count("created") == 8
    assert second.count("unchanged") == 8 and second.count("updated") == 0
    assert AuditEvent.objects.count() == events
    film = Film.objects.get(code="KZ-2023-0001")
    assert film.country_codes == "KZ|RU" and film.is_domestic
    assert sorted(film.genres.values_list("code", flat=True)) == ["animation", "thriller"]
    assert film.producer.identifier == "KZ-BIN-110840007890"


@pytest.mark.django_db
def test_bad_rows_are_reported_and_good_rows_kept():
    report = load(HEADER + "F-1;Good;Good;2020;feature;drama;kk;KZ;;;production;\n"
                           "F-2;Bad year;B;20x0;feature;;;;;;;\n"
                           "F-3;Bad kind;B;2020;opera;;;;;;;\n"
                           "F-1;Again;A;2020;feature;;;;;;;\n"
                           ";No code;;;;;;;;;;\n")
    problems = {p["line"]: (p["field"], p["reason"]) for p in report.summary()["problems"]}
    assert list(Film.objects.values_list("code", flat=True)) == ["F-1"]
    assert problems[3][0] == "year" and "20x0" in problems[3][1]
    assert problems[4][0] == "kind" and "opera" in problems[4][1]
    assert problems[5] == ("film_code", "already given on line 2 of this file")
    assert problems[6][0] == "film_code"


@pytest.mark.django_db
def test_status_change_is_dated_history_and_audited():
    load(HEADER + "F-1;T;T;2020;feature;;;;;;production;\n")
    load(HEADER + "F-1;T;T;2020;feature;;;;;;post_production;\n")
    film = Film.objects.get(code="F-1")
    assert [c.status for c in film.status_changes.all()] == ["production", "post_production"]
    event = AuditEvent.objects.filter(object_id=str(film.pk), action="update").get()
    assert (event.before["status"], event.after["status"]) == ("production", "post_production")
    assert event.door == "command"


@pytest.mark.django_db
def test_a_stale_spreadsheet_does_not_unrelease_a_screened_film():
    load(HEADER + "F-1;T;T;2020;feature;;;;;;released;2024-01-05\n")
    load(HEADER + "F-1;T;T;2020;feature;;;;;;production;\n")
    film = Film.objects.get(code="F-1")
    assert film.status == FilmStatus.RELEASED
    assert str(film.release_date) == "2024-01-05"


@pytest.mark.django_db
def test_past_sales_for_a_film_registered_since_end_the_timeline_on_released():
    """The first load of a country's history registers films today and then imports years of sales."""
    import datetime

    from django.utils import timezone

    from films.services import mark_released_by_sales

    load(HEADER + "F-1;T;T;2020;feature;;;;;;completed;\n")
    film = Film.objects.get(code="F-1")
    first_screening = datetime.date(2021, 3, 5)
    mark_released_by_sales(first_screening_days={film.pk: first_screening}, actor=Actor.command("import_sales"),
                           reason="first ticket sales reported (batch 7)")
    film.refresh_from_db()
    timeline = list(film.status_changes.order_by("changed_on", "id"))
    assert [c.status for c in timeline] == ["completed", "released"]
    assert timeline[-1].changed_on == timezone.localdate()
    assert timeline[-1].reason == "first ticket sales reported (batch 7); first screening 2021-03-05"
    assert film.release_date == first_screening and film.status == FilmStatus.RELEASED


@pytest.mark.django_db
def test_sales_after_registration_date_the_release_at_the_first_screening():
    import datetime

    from films.models import FilmStatusChange
    from films.services import mark_released_by_sales

    load(HEADER + "F-1;T;T;2020;feature;;;;;;completed;\n")
    film = Film.objects.get(code="F-1")
    FilmStatusChange.objects.filter(film=film).update(changed_on=datetime.date(2020, 1, 1))
    mark_released_by_sales(first_screening_days={film.pk: datetime.date(2021, 3, 5)},
                           actor=Actor.command("import_sales"), reason="first ticket sales reported (batch 7)")
    last = film.status_changes.order_by("changed_on", "id").last()
    assert (last.status, last.changed_on, last.reason) == (
        "released", datetime.date(2021, 3, 5), "first ticket sales reported (batch 7)")
