"""import_sales through the command, as cinemas' clerks and scripts use it (ticket-sales.md)."""
import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from boxoffice.models import Anomaly, BatchRecord, DailySales, ImportBatch, TicketTransaction
from conftest import run_command
from films.models import Film

HEADER = "cinema_code,transaction_id,kind,refund_of,sold_at,screening_start,screen,film_code,tickets,amount\n"


def sale(tx, *, cinema="KZ-C0001", screen="1", film="FX-00001", start="2024-10-20T19:00:00+05:00",
         sold="2024-10-20T18:00:00+05:00", tickets=2, amount="5000.00", kind="sale", refund_of=""):
    return f"{cinema},{tx},{kind},{refund_of},{sold},{start},{screen},{film},{tickets},{amount}\n"


@pytest.fixture
def import_text(tmp_path, django_capture_on_commit_callbacks):
    """Import a CSV text through the command, running the on-commit recompute as a real commit would."""
    def run(text, name="s.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            try:
                call_command("import_sales", "--json", str(path), stdout=out, stderr=io.StringIO())
            except SystemExit as exc:  # a batch rejected whole exits 1, after printing its summary
                assert exc.code == 1
        return json.loads(out.getvalue())
    return run


@pytest.mark.django_db
def test_examples_totals_match_expected(examples_loaded, examples_dir):
    expected = json.loads((examples_dir / "expected.json").read_text())
    assert TicketTransaction.objects.count() == expected["sales_rows"]
    for code, figures in expected["films"].items():
        metrics = Film.objects.get(code=code).metrics
        assert str(metrics.gross) == figures["gross"]
        assert metrics.admissions == figures["admissions"]


@pytest.mark.django_db
def test_duplicates_conflicts_and_file_order(registers, import_text):
    summary = import_text(HEADER + sale("A") + sale("A") + sale("A", tickets=3, amount="7500.00"))
    assert (summary["accepted"], summary["duplicate"], summary["rejected"]) == (1, 1, 1)
    conflict = BatchRecord.objects.get(outcome="rejected")
    assert conflict.field == "transaction_id" and "conflict" in conflict.reason and conflict.position == 4
    again = import_text(HEADER + sale("A", sold="2024-10-20T13:00:00Z"), name="t.csv")
    assert again["duplicate"] == 1, "the same instant in another offset is the same record"
    assert TicketTransaction.objects.count() == 1


@pytest.mark.django_db
def test_screening_showing_another_film_is_a_conflict(registers, import_text):
    summary = import_text(HEADER + sale("A") + sale("B", film="FX-00002"))
    assert (summary["accepted"], summary["rejected"]) == (1, 1)
    assert "shows film FX-00001" in BatchRecord.objects.get().reason


@pytest.mark.django_db
def test_refund_rules(registers, import_text):
    text = HEADER + (
        sale("R1", kind="refund", refund_of="S1", tickets=1, amount="2500.00")  # before its sale in the file: fine
        + sale("S1")
        + sale("R2", kind="refund", refund_of="S1", tickets=2, amount="2500.00")  # 3 tickets > 2 sold
        + sale("R3", kind="refund", refund_of="NOPE", tickets=1, amount="1.00")
        + sale("R4", kind="refund", refund_of="S1", tickets=1, amount="1.00", sold="2024-10-20T17:00:00+05:00")
        + sale("R5", kind="refund", refund_of="S1", tickets=1, amount="2600.00")  # 5100 > 5000 paid
    )
    summary = import_text(text)
    reasons = {r.transaction_id: (r.field, r.reason) for r in BatchRecord.objects.all()}
    assert summary["accepted"] == 2
    assert reasons["R2"][0] == "tickets" and "more than the 2 sold" in reasons["R2"][1]
    assert reasons["R3"][0] == "refund_of"
    assert reasons["R4"][0] == "sold_at"
    assert reasons["R5"][0] == "amount"
    # A later batch is checked against what was refunded before.
    later = import_text(HEADER + sale("R6", kind="refund", refund_of="S1", tickets=2, amount="1.00"),
                        name="later.csv")
    assert later["rejected"] == 1
    film = Film.objects.get(code="FX-00001")
    assert (film.metrics.admissions, str(film.metrics.gross)) == (1, "2500.00")


@pytest.mark.django_db
def test_held_records_are_applied_when_the_film_and_screen_are_registered(registers, tmp_path, import_text,
                                                                           django_capture_on_commit_callbacks):
    text = HEADER + sale("H1", film="NEW-FILM") + sale("H2", screen="9") + sale(
        "H3", kind="refund", refund_of="H1", film="NEW-FILM", tickets=1, amount="2500.00")
    summary = import_text(text)
    assert summary["held"] == 3 and TicketTransaction.objects.count() == 0
    films_csv = tmp_path / "films.csv"
    films_csv.write_text("film_code,title\nNEW-FILM,New film\n")
    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_films", str(films_csv))
    assert set(TicketTransaction.objects.values_list("transaction_id", flat=True)) == {"H1", "H3"}
    assert Film.objects.get(code="NEW-FILM").metrics.admissions == 1
    cinemas_csv = tmp_path / "cinemas.csv"
    cinemas_csv.write_text("cinema_code,cinema_name,region,city,screen,seats\n"
                           "KZ-C0001,Cinemax Shymkent 1,KZ-79,Shymkent,9,50\n")
    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_cinemas", str(cinemas_csv))
    assert TicketTransaction.objects.filter(transaction_id="H2").exists()
    assert not BatchRecord.objects.filter(outcome="held", resolved_at__isnull=True).exists()
    # The same held record resent later is a duplicate, never counted twice.
    assert import_text(HEADER + sale("H2", screen="9"), name="again.csv")["duplicate"] == 1


@pytest.mark.django_db
def test_anomalies_are_flagged_but_accepted(registers, import_text):
    text = HEADER + (
        sale("Z", amount="0.00", tickets=1)
        + sale("L", sold="2024-10-22T19:00:00+05:00", start="2024-10-20T13:00:00+05:00")
        + sale("C", screen="2", tickets=30, amount="60000.00", start="2024-10-21T10:00:00+05:00")
        + sale("C2", screen="2", tickets=30, amount="60000.00", start="2024-10-21T10:00:00+05:00")
    )
    summary = import_text(text)
    assert summary["accepted"] == 4
    kinds = set(Anomaly.objects.values_list("kind", flat=True))
    assert kinds == {"zero_amount", "late_sale", "over_capacity"}


@pytest.mark.django_db
@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    (HEADER.encode(), "no records"),
    ("cinema_code,transaction_id\nKZ-C0001,Ö\n".encode("latin-1"), "not UTF-8"),
    (b"cinema_code,kind\nKZ-C0001,sale\n", "lacks the required columns"),
    (b'{"format": "ticket-sales/1", "transactions": [', "not valid JSON"),
    (b'{"format": "ticket-sales/9", "transactions": []}', "Unknown format"),
    (b'{"transactions": []}', "empty"),
])
def test_batch_level_problems_reject_whole_with_one_line(registers, tmp_path, content, needle):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_sales", "--json", str(path), stdout=out, stderr=err)
    assert exit_.value.code == 1
    summary = json.loads(out.getvalue())
    assert summary["status"] == "rejected" and summary["accepted"] == 0
    assert needle in err.getvalue() and len(err.getvalue().strip().splitlines()) == 1


@pytest.mark.django_db
def test_rejected_batch_stores_only_the_batch_record(registers, import_text):
    import_text(b"cinema_code,kind\nKZ-C0001,sale\n")
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and "transaction_id" in batch.message
    assert not TicketTransaction.objects.exists() and not BatchRecord.objects.exists()


def test_missing_file_is_one_clear_line(tmp_path):
    proc = subprocess.run([sys.executable, "manage.py", "import_sales", str(tmp_path / "nope.csv")],
                          capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"CommandError: {tmp_path / 'nope.csv'}: no such file"


@pytest.mark.django_db
def test_daily_summaries_equal_the_raw_tickets(examples_loaded):
    from boxoffice.summaries import verify_daily_summaries

    assert DailySales.objects.exists()
    assert verify_daily_summaries(repair=False) == 0


@pytest.mark.django_db
def test_a_broken_summary_is_found_and_repaired(examples_loaded):
    from boxoffice.models import SummaryDiscrepancy
    from boxoffice.summaries import verify_daily_summaries

    row = DailySales.objects.first()
    DailySales.objects.filter(pk=row.pk).update(admissions=row.admissions + 5)
    assert verify_daily_summaries(repair=True) == 1
    assert SummaryDiscrepancy.objects.get().stored["admissions"] == row.admissions + 5
    assert verify_daily_summaries(repair=False) == 0

