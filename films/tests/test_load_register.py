"""The one register-loading mechanism (films/importing.py) that the films, cinemas and grants loads run."""
import pytest

from films.choices import RegisterOutcome
from films.importing import RegisterImportReport, RowError, load_register
from films.models import Film
from tests.factories import FilmFactory


def _load(rows, *, reword=None):
    """Each row makes its film, then fails when it says so: what a loader's row does, in small."""

    def load_row(line, row):
        FilmFactory(code=row["code"])
        if row.get("fails"):
            raise RowError("title", row["fails"])
        return RegisterOutcome.CREATED

    return load_register(RegisterImportReport("films"), rows, load_row, key_of=lambda row: row["code"],
                         reword=reword)


def test_a_rejected_row_undoes_its_own_writes_and_keeps_the_others(db):
    report = _load([(2, {"code": "A"}), (3, {"code": "B", "fails": "is empty"}), (4, {"code": "C"})])

    assert sorted(Film.objects.values_list("code", flat=True)) == ["A", "C"]
    assert [(r.line, r.key, r.outcome, r.field, r.reason) for r in report.rows] == [
        (2, "A", "created", "", ""), (3, "B", "rejected", "title", "is empty"), (4, "C", "created", "", "")]
    assert report.summary() == {"register": "films", "created": 2, "updated": 0, "unchanged": 0, "rejected": 1,
                                "warnings": [], "problems": [{"line": 3, "key": "B", "field": "title",
                                                              "reason": "is empty"}]}
    assert report.human().splitlines() == ["films: 2 created, 0 updated, 0 unchanged, 1 rejected",
                                           "  line 3 (B): title: is empty"]


def test_a_failure_that_is_not_a_row_error_undoes_the_whole_load(db):
    def load_row(line, row):
        FilmFactory(code=row["code"])
        if line == 3:
            raise ValueError("the database went away")
        return RegisterOutcome.CREATED

    with pytest.raises(ValueError):
        load_register(RegisterImportReport("films"), [(2, {"code": "A"}), (3, {"code": "B"})], load_row,
                      key_of=lambda row: row["code"])
    assert not Film.objects.exists()


def test_a_rejection_is_said_in_the_files_words(db):
    report = _load([(2, {"code": "A", "fails": "amountAwarded is empty"})],
                   reword=lambda field, reason: (field.upper(), reason.replace("amountAwarded", "Amount Awarded")))

    assert [(r.field, r.reason) for r in report.rows] == [("TITLE", "Amount Awarded is empty")]


def test_the_csv_report_names_the_columns_it_ignored():
    class Table:
        unknown_columns = ["colour", "mood"]

    assert RegisterImportReport.of_table("films", Table()).warnings == ["ignored unknown column(s): colour, mood"]
