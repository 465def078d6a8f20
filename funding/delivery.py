"""The delivery report of metrics.md: what became of each funded project, most overdue first.

One row per film with at least one published grant in the home currency (only the grants of the funder or
programme asked for, when filtered, as in the funded-vs-released report). The CLI, the public page, the
API and the open-data file all print `DeliveryReport.as_json()`, so they give the same rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from films.choices import FilmStatus
from films.models import Film, FilmStatusChange

from .choices import DisbursementKind
from .models import Disbursement, FilmMetrics, Grant
from .selectors import is_released, published_home_grants, repayment_of

COLUMNS = ["film_code", "title", "status", "status_since", "planned_release", "release_date", "days_overdue",
           "days_late", "stalled", "awarded", "disbursed", "repayable", "repaid", "outstanding",
           "repayment_overdue"]
MONEY_COLUMNS = ["awarded", "disbursed", "repayable", "repaid", "outstanding", "repayment_overdue"]
STALLED_AFTER_DAYS = 365
ZERO = Decimal("0")


@dataclass
class Recipient:
    id: int
    identifier: str
    name: str


@dataclass
class DeliveryRow:
    film_id: int
    film_code: str
    title: str
    status: str
    status_since: datetime.date | None
    planned_release: datetime.date | None
    release_date: datetime.date | None
    released: bool
    days_overdue: int | None
    days_late: int | None
    stalled: bool
    awarded: Decimal
    disbursed: Decimal
    repayable: Decimal | None = None
    repaid: Decimal | None = None
    outstanding: Decimal | None = None
    repayment_overdue: Decimal | None = None
    recipients: list[Recipient] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return FilmStatus(self.status).label if self.status in FilmStatus.values else self.status

    @property
    def overdue(self) -> bool:
        """An obligation not met: delivery overdue, or repayment overdue."""
        return self.days_overdue is not None or bool(self.repayment_overdue)

    def as_json(self) -> dict:
        """metrics.md: money as strings with two decimals, days as integers or null, stalled a boolean."""
        def money(value):
            return None if value is None else f"{value:.2f}"

        return {
            "film_code": self.film_code,
            "title": self.title,
            "status": self.status,
            "status_since": self.status_since.isoformat() if self.status_since else None,
            "planned_release": self.planned_release.isoformat() if self.planned_release else None,
            "release_date": self.release_date.isoformat() if self.release_date else None,
            "days_overdue": self.days_overdue,
            "days_late": self.days_late,
            "stalled": self.stalled,
            **{c: money(getattr(self, c)) for c in MONEY_COLUMNS},
        }


@dataclass
class DeliveryReport:
    rows: list[DeliveryRow]
    today: datetime.date
    as_of_sale: object
    computed_at: object

    def as_json(self) -> list[dict]:
        return [r.as_json() for r in self.rows]

    @property
    def as_of(self) -> dict:
        return {"last_sale_at": self.as_of_sale, "computed_at": self.computed_at}

    def overdue_recipients(self) -> list[dict]:
        """Recipients with unmet obligations: the films overdue (delivery or repayment) their grants
        funded, what was awarded and paid out for those films, largest first."""
        by: dict[int, dict] = {}
        for row in self.rows:
            if not row.overdue:
                continue
            for r in row.recipients:
                entry = by.setdefault(r.id, {"recipient": r, "films": [], "awarded": ZERO, "disbursed": ZERO,
                                             "repayment_overdue": ZERO, "max_days_overdue": None})
                entry["films"].append(row)
        out = []
        for entry in by.values():
            entry["awarded"] = sum((f.awarded for f in entry["films"]), ZERO)
            entry["disbursed"] = sum((f.disbursed for f in entry["films"]), ZERO)
            entry["repayment_overdue"] = sum((f.repayment_overdue or ZERO for f in entry["films"]), ZERO)
            days = [f.days_overdue for f in entry["films"] if f.days_overdue is not None]
            entry["max_days_overdue"] = max(days) if days else None
            out.append(entry)
        return sorted(out, key=lambda e: (-e["disbursed"], -e["awarded"], e["recipient"].name))


def repayment_by_grant(grants: list[Grant], today: datetime.date) -> dict[int, dict]:
    """Per grant: repayable, repaid, outstanding and the outstanding amount past its due date.

    The one place the delivery report reads repayable support, through the registers' own computation
    (funding.selectors.repayment_of), so the report, the grant pages and the API cannot disagree. Grants with
    nothing repayable are left out; a film none of whose grants is repayable has empty repayment columns.
    """
    out = {}
    for grant in grants:
        repayment = repayment_of(grant, today)
        if repayment is not None:
            out[grant.pk] = {"repayable": repayment.repayable, "repaid": repayment.repaid,
                             "outstanding": repayment.outstanding, "repayment_overdue": repayment.overdue}
    return out


def _status_since(film_ids) -> dict[int, datetime.date]:
    """The date each film entered its current status: its latest status change to that status (registers
    date status changes by the register's status_since)."""
    out: dict[int, datetime.date] = {}
    statuses = dict(Film.objects.filter(pk__in=film_ids).values_list("pk", "status"))
    for film_id, status, changed_on in (FilmStatusChange.objects.filter(film_id__in=film_ids)
                                        .values_list("film_id", "status", "changed_on")
                                        .order_by("film_id", "changed_on", "id")):
        if status == statuses.get(film_id):
            out[film_id] = changed_on
    return out


def _last_change(film_ids) -> dict[int, datetime.date]:
    return dict(FilmStatusChange.objects.filter(film_id__in=film_ids).values("film_id")
                .annotate(last=Max("changed_on")).values_list("film_id", "last").order_by())


def _sum_into(target: dict, key, value):
    if value is None:
        return
    target[key] = (target.get(key) or ZERO) + value


def delivery_report(*, funder_id=None, programme_id=None, today: datetime.date | None = None,
                    film_id=None) -> DeliveryReport:
    today = today or timezone.localdate()
    grants = published_home_grants(funder_id=funder_id, programme_id=programme_id)
    if film_id is not None:
        grants = grants.filter(film_id=film_id)
    grants = list(grants.select_related("recipient").prefetch_related("disbursements")
                  .order_by("film_id", "award_date", "identifier"))
    by_film: dict[int, list[Grant]] = defaultdict(list)
    for g in grants:
        by_film[g.film_id].append(g)
    film_ids = list(by_film)
    films = Film.objects.in_bulk(film_ids)
    metrics = FilmMetrics.objects.in_bulk(film_ids)
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for grant_id, amount in (Disbursement.objects.filter(grant__in=grants, kind=DisbursementKind.DISBURSEMENT,
                                                         currency=settings.HOME_CURRENCY)
                             .values_list("grant_id", "amount")):
        paid[grant_id] += amount
    repayment = repayment_by_grant(grants, today)
    since = _status_since(film_ids)
    last_change = _last_change(film_ids)
    rows = []
    for film_id, film_grants in by_film.items():
        film = films[film_id]
        released = is_released(film, metrics.get(film_id), today)
        abandoned = film.status == FilmStatus.ABANDONED
        ends = [g.planned_end for g in film_grants if g.planned_end]
        planned = film.planned_release or (max(ends) if ends else None)
        days_overdue = (today - planned).days if (not released and not abandoned and planned
                                                  and planned < today) else None
        days_late = None
        if released and planned and film.release_date:
            days_late = max(0, (film.release_date - planned).days)
        changed = last_change.get(film_id)
        stalled = (not released and not abandoned and changed is not None
                   and (today - changed).days >= STALLED_AFTER_DAYS)
        money: dict[str, Decimal | None] = {}
        for g in film_grants:
            for column, value in (repayment.get(g.pk) or {}).items():
                _sum_into(money, column, value)
        recipients = {g.recipient_id: Recipient(g.recipient_id, g.recipient.identifier, g.recipient.name)
                      for g in film_grants if g.recipient_id}
        rows.append(DeliveryRow(
            film_id=film_id, film_code=film.code, title=film.title, status=film.status,
            status_since=since.get(film_id),
            planned_release=planned, release_date=film.release_date, released=released,
            days_overdue=days_overdue, days_late=days_late, stalled=stalled,
            awarded=sum((g.amount_awarded for g in film_grants), ZERO),
            disbursed=sum((paid[g.pk] for g in film_grants), ZERO),
            repayable=money.get("repayable"), repaid=money.get("repaid"), outstanding=money.get("outstanding"),
            repayment_overdue=money.get("repayment_overdue"),
            recipients=sorted(recipients.values(), key=lambda r: r.name),
        ))
    rows.sort(key=lambda r: (r.days_overdue is None, -(r.days_overdue or 0), -(r.days_late or 0), r.film_code))
    stamp = FilmMetrics.objects.filter(film_id__in=film_ids).aggregate(sale=Max("last_sale_at"),
                                                                       at=Max("computed_at"))
    return DeliveryReport(rows, today, stamp["sale"], stamp["at"])


def film_delivery(film: Film, today: datetime.date | None = None) -> DeliveryRow | None:
    """The film's own delivery row (all its home-currency grants), or None when it has none."""
    rows = delivery_report(today=today, film_id=film.pk).rows
    return rows[0] if rows else None
