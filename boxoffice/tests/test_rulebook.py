"""The rulebook (boxoffice/rulebook.py) is the one place a sales rule's reason and text live.

Run on SQLite and PostgreSQL alike: the engine of the database under test (Python on SQLite, set-based SQL
on PostgreSQL) is the one exercised, and the structure checks hold on both.
"""
import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

from boxoffice import rulebook
from boxoffice.choices import BatchSource, BatchStatus, Outcome
from boxoffice.models import Anomaly, BatchRecord, ImportBatch, TicketTransaction
from boxoffice.services import release_held_records
from films.audit import Actor
from films.models import Film

from .helpers import as_csv, random_records, refund, sale, send

ENGINES = ["records.py", "judging.py", "storing.py", "copypath.py", "services.py"]
HERE = Path(rulebook.__file__).parent


def _sample(params: tuple[str, ...]) -> dict:
    return {name: ({"line": 7} if name == "at" else f"<{name}>") for name in params}


def test_no_engine_words_a_reason_itself():
    """Every reason's text appears in the rulebook and in no engine: one place to change a rule."""
    sources = {name: (HERE / name).read_text() for name in ENGINES}
    for reason in rulebook.REASONS.values():
        # The longest fixed run of words of the text, placeholders removed.
        with translation.override("en"):
            words = max(re.split(r"%\(\w+\)s|'", str(reason.text)), key=len).strip()
        if len(words) < 12 or reason.code == "extra_values":  # records.py reads films.tabular's own words
            continue
        for name, text in sources.items():
            assert words not in text, f"{name} words reason {reason.code} itself: {words!r}"
    for text in rulebook.ANOMALY_TEXTS.values():
        with translation.override("en"):
            words = max(re.split(r"%\(\w+\)s", str(text)), key=len).strip()
        for name, source in sources.items():
            assert words not in source, f"{name} words an anomaly itself: {words!r}"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_reason_and_anomaly_has_a_translation(language):
    for reason in rulebook.REASONS.values():
        params = _sample(reason.params)
        english = rulebook.render_en(reason.code, params)
        with translation.override(language):
            shown = rulebook.render(reason.code, params)
        assert shown != english, f"{reason.code} is not translated into {language}"
        assert "%(" not in shown and all(v in shown for k, v in params.items() if k != "at")
    for kind in rulebook.ANOMALY_TEXTS:
        params = _sample(rulebook.ANOMALY_PARAMS[kind])
        with translation.override(language):
            shown = rulebook.render_anomaly(kind, params)
        with translation.override("en"):
            assert shown != rulebook.render_anomaly(kind, params)


@pytest.mark.usefixtures("registers")
def test_a_stored_reason_renders_in_the_readers_language_and_the_spec_outputs_stay_english(db, client):
    batch = send([sale("T1", amount="7,500"), sale("T2", cinema="KZ-NOPE")])
    bad_amount, no_cinema = batch.records.order_by("position")
    assert bad_amount.reason_code == "amount_grouping" and bad_amount.reason_params == {"value": "7,500"}
    assert "use a point as the decimal separator" in bad_amount.reason_en
    with translation.override("ru"):
        assert bad_amount.reason.startswith("в '7,500' есть запятая")
        assert no_cinema.reason == ("кинотеатра KZ-NOPE нет в реестре; попросите министерство зарегистрировать его, "
                                    "затем отправьте пакет снова")
    with translation.override("kk"):
        assert "KZ-NOPE кинотеатры тізілімде жоқ" in no_cinema.reason
        assert no_cinema.reason_en.startswith("cinema KZ-NOPE is not in the register")


@pytest.mark.usefixtures("registers")
def test_positions_in_messages_are_the_batch_pages_line_numbers(db):
    """An earlier copy is named by the line the Line column shows (CSV) or the index (JSON)."""
    csv_batch = send(as_csv([sale("T1"), sale("T2"), sale("T1"), sale("T2", amount="1.00")]))
    first = {r.transaction_id: r for r in csv_batch.records.all()}
    assert first["T1"].position == 4 and first["T1"].reason_en == "T1 is given earlier in this batch (line 2)"
    assert first["T2"].reason_en.startswith("conflict: T2 is given earlier in this batch (line 3) ")
    with translation.override("kk"):
        assert first["T1"].reason == "T1 осы топтамада бұрын берілген (2-жол)"
    json_batch = send([sale("J1"), sale("J1")])
    assert json_batch.records.get().reason_en == "J1 is given earlier in this batch (index 0)"


@pytest.mark.usefixtures("registers")
def test_anomalies_store_parameters_and_render_per_language(db):
    send([sale("Z1", amount="0.00")])
    anomaly = Anomaly.objects.get(kind="zero_amount")
    assert anomaly.params == {"sale": "KZ-C0001/Z1", "tickets": 2}
    with translation.override("en"):
        assert anomaly.detail == "KZ-C0001/Z1: 2 ticket(s) for 0"
    with translation.override("ru"):
        assert anomaly.detail == "KZ-C0001/Z1: билетов — 2, за 0"


@pytest.mark.usefixtures("registers")
def test_every_reason_the_engines_give_comes_from_the_rulebook(db):
    """On random collision-rich batches, the engine of this database names only rulebook reasons, with the
    parameters each declares."""
    import random

    rng = random.Random(5)
    seen = set()
    for _ in range(6):
        batch = send(random_records(rng, 30))
        for r in batch.records.all():
            reason = rulebook.REASONS[r.reason_code]
            assert (r.outcome, r.field or reason.field) == (reason.outcome, r.field)
            assert set(r.reason_params) == set(reason.params)
            seen.add(r.reason_code)
    assert {"duplicate_in_batch", "conflict_in_batch", "film_unregistered", "cinema_unknown"} <= seen


@pytest.mark.usefixtures("registers")
def test_held_records_are_released_as_a_batch_through_the_same_lifecycle(db):
    batch = send([sale("T1", film="KZ-2030-0001"), refund("R1", "T1", film="KZ-2030-0001"), sale("T9", screen="99")])
    assert batch.held == 3
    # Nothing can be applied yet: no batch is left behind.
    assert release_held_records(actor=Actor(label="test")) is None
    assert not ImportBatch.objects.filter(source=BatchSource.HELD).exists()
    Film.objects.filter(code="KZ-2030-0001").exists() or Film.objects.create(code="KZ-2030-0001", title="New",
                                                                             year=2025)
    released = release_held_records(actor=Actor(label="test"))
    assert (released.source, released.status, released.encoding) == (BatchSource.HELD, BatchStatus.PROCESSED, "json")
    assert released.sha256 != "-" and released.size_bytes > 0
    assert (released.accepted, released.held, released.total) == (2, 0, 2)
    assert set(TicketTransaction.objects.values_list("transaction_id", flat=True)) == {"T1", "R1"}
    resolved = BatchRecord.objects.get(transaction_id="T1")
    assert (resolved.resolved_outcome, resolved.resolved_code) == (Outcome.ACCEPTED, "applied_in_batch")
    assert resolved.resolved_reason == f"applied in batch {released.pk}"
    assert BatchRecord.objects.filter(outcome=Outcome.HELD, resolved_at__isnull=True).get().transaction_id == "T9"


@pytest.mark.usefixtures("registers")
def test_held_records_over_the_size_limit_are_released_in_several_batches(db):
    send([sale(f"T{i}", film="KZ-2030-0001") for i in range(6)])
    Film.objects.create(code="KZ-2030-0001", title="New", year=2025)
    with override_settings(SALES_MAX_UPLOAD_BYTES=900):
        release_held_records(actor=Actor(label="test"))
    batches = ImportBatch.objects.filter(source=BatchSource.HELD)
    assert batches.count() > 1 and all(b.size_bytes <= 900 for b in batches)
    assert sum(b.accepted for b in batches) == 6 and TicketTransaction.objects.count() == 6
