import io

import pytest

from boxoffice.models import Cinema, Screen
from boxoffice.services import find_region, import_cinemas
from films.audit import Actor

HEADER = "cinema_code,cinema_name,region,city,chain,connected_since,screen,seats\n"


def load(text):
    return import_cinemas(stream=io.BytesIO(text.encode()), actor=Actor.command("import_cinemas"))


@pytest.mark.django_db
@pytest.mark.parametrize("given,code", [("KZ-75", "KZ-75"), ("Almaty", "KZ-75"), ("almaty region", "KZ-19"),
                                        ("Atyrau", "KZ-23"), ("  Atyrau   Region ", "KZ-23"), ("kz-71", "KZ-71")])
def test_region_by_code_or_english_name(given, code):
    assert find_region(given).code == code


@pytest.mark.django_db
def test_twenty_regions_are_loaded_with_three_languages():
    from films.models import Region

    assert Region.objects.count() == 20
    assert Region.objects.get(code="KZ-75").name_kk == "Алматы"


@pytest.mark.django_db
def test_examples_give_cinemas_and_screens_and_reload_is_idempotent(examples_dir):
    first = import_cinemas(stream=(examples_dir / "cinemas.csv").open("rb"), actor=Actor.command("t"))
    second = import_cinemas(stream=(examples_dir / "cinemas.csv").open("rb"), actor=Actor.command("t"))
    assert first.count("created") == 16 and first.count("rejected") == 0
    assert second.count("unchanged") == 16
    assert Cinema.objects.count() == 4 and Screen.objects.count() == 16
    assert Cinema.objects.get(code="KZ-C0003").connected_since is None


@pytest.mark.django_db
def test_row_problems_name_the_field():
    report = load(HEADER + "kz-c1,Bad code,KZ-75,Almaty,,,1,100\n"
                           "KZ-C9,Ok,Mars,Almaty,,,1,100\n"
                           "KZ-C8,Ok,KZ-75,Almaty,,,1,0\n"
                           "KZ-C7,Ok,KZ-75,Almaty,,2024-13-01,1,10\n"
                           "KZ-C6,Ok,KZ-75,Almaty,,,1,10\n"
                           "KZ-C6,Other name,KZ-75,Almaty,,,2,10\n")
    fields = [p["field"] for p in report.summary()["problems"]]
    assert fields == ["cinema_code", "region", "seats", "connected_since", "cinema_name"]
    assert Cinema.objects.count() == 1


@pytest.mark.django_db
def test_cinema_and_city_names_in_any_script_but_not_malformed():
    report = load(HEADER + "KZ-C0100,Кинотеатр «Арман»,KZ-75,Алматы,Арман,,1,100\n"
                           "KZ-C0101,\"?!\",KZ-75,Almaty,,,1,100\n"
                           "KZ-C0102,Cinema,KZ-75,\"Al\x07maty\",,,1,100\n")
    problems = {p["key"]: (p["field"], p["reason"]) for p in report.summary()["problems"]}
    assert Cinema.objects.get(code="KZ-C0100").city == "Алматы"
    assert problems["KZ-C0101/1"][0] == "cinema_name" and "no letter or digit" in problems["KZ-C0101/1"][1]
    assert problems["KZ-C0102/1"][0] == "city" and "control character" in problems["KZ-C0102/1"][1]


@pytest.mark.django_db
def test_a_region_by_its_kazakh_or_russian_name():
    assert find_region("Алматы облысы").code == "KZ-19"
    assert find_region("алматинская область").code == "KZ-19"
    assert find_region("Алматы").code == "KZ-75"
