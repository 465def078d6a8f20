"""Reads for the auditors' box-office reports: data completeness per cinema and flagged anomalies."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max
from django.utils import timezone

from .choices import Outcome
from .models import Anomaly, BatchRecord, Cinema, DailySales, TicketTransaction


def last_sale_included():
    """The "as of" moment of box-office figures: the last accepted sale in the daily summaries."""
    return DailySales.objects.aggregate(at=Max("last_sold_at"))["at"]


def cinema_completeness(*, today: datetime.date | None = None, region_code: str = "") -> list[dict]:
    """Per cinema: connected or not, last batch, days silent, records received and the shares not accepted.

    Records received = accepted tickets + duplicate + rejected + held records, where a held record later
    applied counts once (as accepted). Rejected share = rejected / received; held share = still held /
    received.
    """
    today = today or timezone.localdate()
    cinemas = Cinema.objects.select_related("region").order_by("code")
    if region_code:
        cinemas = cinemas.filter(region__code=region_code)
    accepted = {
        r["cinema_id"]: r
        for r in TicketTransaction.objects.values("cinema_id")
        .annotate(n=Count("id"), last=Max("batch__received_at"))
        .order_by()
    }
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    last_seen: dict[str, datetime.datetime] = {}
    for r in (
        BatchRecord.objects.values("cinema_code", "outcome", "resolved_outcome")
        .annotate(n=Count("id"), last=Max("batch__received_at"))
        .order_by()
    ):
        c = counts[r["cinema_code"]]
        if r["outcome"] == Outcome.HELD:
            if not r["resolved_outcome"]:
                c["held_open"] += r["n"]
            elif r["resolved_outcome"] == Outcome.ACCEPTED:
                c["held_applied"] += r["n"]
            else:
                c[r["resolved_outcome"]] += r["n"]
        else:
            c[r["outcome"]] += r["n"]
        if r["last"] and (r["cinema_code"] not in last_seen or r["last"] > last_seen[r["cinema_code"]]):
            last_seen[r["cinema_code"]] = r["last"]
    rows = []
    for cinema in cinemas:
        a = accepted.get(cinema.pk, {"n": 0, "last": None})
        c = counts.get(cinema.code, {})
        last = max((m for m in (a["last"], last_seen.get(cinema.code)) if m), default=None)
        received = a["n"] + c.get(Outcome.DUPLICATE, 0) + c.get(Outcome.REJECTED, 0) + c.get("held_open", 0)
        if last is not None:
            silent = (today - timezone.localdate(last)).days
        elif cinema.connected_since:
            silent = (today - cinema.connected_since).days
        else:
            silent = None
        rows.append(
            {
                "cinema_code": cinema.code,
                "cinema_name": cinema.name,
                "region": cinema.region.name_en,
                "connected": cinema.is_connected,
                "connected_since": cinema.connected_since,
                "last_batch_at": last,
                "days_silent": silent,
                "records_received": received,
                "accepted": a["n"],
                "rejected": c.get(Outcome.REJECTED, 0),
                "held": c.get("held_open", 0),
                "rejected_share": (Decimal(c.get(Outcome.REJECTED, 0)) / received) if received else None,
                "held_share": (Decimal(c.get("held_open", 0)) / received) if received else None,
            }
        )
    return rows


def flagged_anomalies(*, kind: str = "", cinema_code: str = ""):
    qs = Anomaly.objects.select_related(
        "screening__cinema", "screening__film", "screening__screen", "batch", "transaction"
    ).order_by("-flagged_at", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    if cinema_code:
        qs = qs.filter(screening__cinema__code=cinema_code)
    return qs
