"""Daily summaries grow with each batch; the nightly check recounts them from tickets and alerts auditors."""

import pytest
from django.urls import reverse

from boxoffice.models import DailySales, SummaryDiscrepancy
from boxoffice.tasks import verify_daily_summaries_task
from config.settings.base import CELERY_BEAT_SCHEDULE
from conftest import make_user
from films.models import RecomputeRequest

from .helpers import refund, sale, send

both_paths = pytest.mark.usefixtures("registers", "import_path")


@both_paths
def test_incremental_summaries_equal_a_full_recount():
    send([sale("T1"), sale("T2", start="2025-03-19T01:00:00+05:00"), sale("T3", screen="2")])
    send([sale("T4"), refund("R1", "T1"), sale("T5", start="2025-03-19T01:00:00+05:00", tickets=1)])
    assert verify_daily_summaries_task() == 0
    assert not SummaryDiscrepancy.objects.exists()


@both_paths
def test_a_wrong_summary_is_recorded_repaired_and_shown_to_auditors(
    client, django_user_model, django_capture_on_commit_callbacks
):
    send([sale("T1"), sale("T2")])
    row = DailySales.objects.get()
    DailySales.objects.filter(pk=row.pk).update(admissions=999, gross=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_daily_summaries_task() == 1
    found = SummaryDiscrepancy.objects.get()
    assert (found.stored["admissions"], found.recomputed["admissions"], found.repaired) == (999, 4, True)
    row.refresh_from_db()
    assert (row.admissions, str(row.gross)) == (4, "10000.00")
    assert verify_daily_summaries_task() == 0  # repaired
    client.force_login(make_user("auditor", "auditor"))
    page = client.get(reverse("boxoffice:alerts")).content.decode()
    assert "999" in page and row.film.code in page


def test_the_check_runs_nightly():
    entry = next(
        e for e in CELERY_BEAT_SCHEDULE.values() if e["task"] == "boxoffice.tasks.verify_daily_summaries_task"
    )
    assert entry["schedule"].hour == {2}


@both_paths
def test_the_screen_day_format_summary_follows_each_batch_refunds_under_their_sales_format():
    from boxoffice.models import ScreenDaySales
    from boxoffice.summaries import repair_screen_day_sales, screen_day_sales_from_tickets

    send([sale("T1", screening_format="3D"), sale("T2", screen="2"), sale("T3", screening_format="3D", tickets=1,
                                                                          amount="3000.00")])
    send([refund("R1", "T1"), sale("T4", start="2025-03-19T01:00:00+05:00")])
    rows = {(r.screen.name, str(r.day), r.screening_format): (r.admissions, str(r.gross), r.sales_count)
            for r in ScreenDaySales.objects.select_related("screen")}
    assert rows == {
        ("1", "2025-03-18", "3D"): (2, "5500.00", 2),
        ("2", "2025-03-18", ""): (2, "5000.00", 1),
        ("1", "2025-03-19", ""): (2, "5000.00", 1),
    }
    assert len(screen_day_sales_from_tickets()) == 3
    assert repair_screen_day_sales() == 0
    before = set(RecomputeRequest.objects.values_list("id", flat=True))
    ScreenDaySales.objects.filter(screening_format="3D").update(gross=1)
    assert repair_screen_day_sales() == 1
    assert str(ScreenDaySales.objects.get(screening_format="3D").gross) == "5500.00"
    queued = RecomputeRequest.objects.exclude(id__in=before)
    assert [(r.reason, r.film_ids) for r in queued] == [
        ("summary_repair", [ScreenDaySales.objects.get(screening_format="3D").film_id])]
    # the repair is on the auditors' record, naming the screen and format, like a daily summary's
    found = SummaryDiscrepancy.objects.get()
    three_d = ScreenDaySales.objects.select_related("screen").get(screening_format="3D")
    assert (found.film_id, found.cinema_id, found.day, found.repaired) == (
        three_d.film_id, three_d.screen.cinema_id, three_d.day, True)
    assert found.stored == {"summary": "screen-day", "screen_id": three_d.screen_id, "screening_format": "3D",
                            "admissions": 2, "gross": "1.00", "sales_count": 2}
    assert found.recomputed["gross"] == "5500.00"
