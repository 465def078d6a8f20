"""A grant upload row reports every error at once, with its Key, in the file's column names (issue 13)."""

import io

from films.audit import Actor
from funding.services import import_grants

HEADER = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
          "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n")


def _report(rows: str):
    return import_grants(stream=io.BytesIO((HEADER + rows).encode()), actor=Actor(label="test"), review=False)


def test_every_error_of_a_row_in_column_words_with_its_key(registers):
    report = _report("360G-BAD-1,Support,d,KZTX,100.00,15.03.2025,KZ-BIN-1,Studio,KZ-BIN-2,Funder\n")
    (row,) = [r for r in report.rows if r.outcome == "rejected"]
    assert row.key == "360G-BAD-1"
    assert "Award Date: '15.03.2025' is not a date; write it as YYYY-MM-DD" in row.reason
    # The second error of the same row, reported at once, without the whole ISO 4217 list.
    assert "Currency: 'KZTX' is not an ISO 4217 currency code such as KZT" in row.reason and "ZWR" not in row.reason
    assert "awardDate" not in row.reason and "not valid under any of the given schemas" not in row.reason
    assert row.field == "Award Date" or row.field == "Currency"


def test_a_row_that_does_not_parse_keeps_its_key(registers):
    report = _report("360G-BAD-2,Support,d,KZT,\"150,000,000\",2025-03-15,KZ-BIN-1,Studio,KZ-BIN-2,Funder\n")
    (row,) = [r for r in report.rows if r.outcome == "rejected"]
    assert row.key == "360G-BAD-2" and row.field == "Amount Awarded"


def test_row_errors_are_in_the_language_of_the_page(registers):
    """On /kk/ and /ru/ a clerk reads the row's errors in her language; the columns keep the file's names."""
    from django.utils import translation

    row = "360G-BAD-3,Support,d,KZTX,100.00,15.03.2025,KZ-BIN-1,Studio,KZ-BIN-2,Funder\n"
    expected = {"kk": ("Award Date: '15.03.2025' күн емес; ЖЖЖЖ-АА-КК түрінде жазыңыз", "ISO 4217 валюта коды"),
                "ru": ("Award Date: '15.03.2025' — не дата; запишите как ГГГГ-ММ-ДД", "код валюты ISO 4217")}
    for lang, (date_words, currency_words) in expected.items():
        with translation.override(lang):
            (problem,) = [r for r in _report(row).rows if r.outcome == "rejected"]
        assert problem.key == "360G-BAD-3"
        assert date_words in problem.reason and currency_words in problem.reason, problem.reason
        assert "is not" not in problem.reason and "awardDate" not in problem.reason


def test_a_missing_value_is_named_by_its_column_in_the_language_of_the_page(registers):
    from django.utils import translation

    with translation.override("ru"):
        report = _report("360G-BAD-4,Support,d,KZT,100.00,,KZ-BIN-1,Studio,KZ-BIN-2,Funder\n")
    (problem,) = [r for r in report.rows if r.outcome == "rejected"]
    assert problem.reason == "нет обязательных столбцов: Award Date", problem.reason
