"""The rulebook of ticket-sales/1 (ticket-sales.md): every reason a record gets, and every anomaly rule, once.

Each `Reason` declares a code (stored with the record), the outcome and field it gives, the parameters it
carries and its text. Both engines that judge a batch — the Python one (`records`, `judging`, `storing`;
SQLite and `SALES_IMPORT_PATH=python`) and the set-based one on PostgreSQL (`copypath`) — name reasons
only through this module: the Python engine by calling a reason (`NO_SALE(sale=..., cinema=...)`), the SQL
engine through `Reason.sql(...)`, which composes the outcome, field, code and parameters of the same
reason as SQL. Neither holds a reason's text: a record stores the code and its parameters, and the text is
rendered when it is shown, in the reader's language (`render`), or in English for the CSV download, the
API and the command line (`render_en`). Changing a reason's wording is therefore one edit here (plus its
translations in locale/*/LC_MESSAGES/django.po).

Positions in messages are the ones the batch page's Line/Index column shows: the CSV line as the sender's
editor numbers it, or the JSON index of the transaction.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from films.importing import RowError

from .choices import AnomalyKind, Outcome

# --- thresholds of the anomaly rules (ticket-sales.md §7) ---------------------------------------------
LATE_SALE_HOURS = 24
LATE_SALE = datetime.timedelta(hours=LATE_SALE_HOURS)
LOW_PRICE_SHARE = Decimal("0.10")
MEDIAN_WINDOW_DAYS = 365

REASONS: dict[str, Reason] = {}


@dataclass(frozen=True)
class Reason:
    code: str
    outcome: str
    field: str  # "" when the field is given where the reason is raised (one text, several fields)
    text: object  # a lazy translation with %(name)s placeholders
    params: tuple[str, ...] = ()

    def __post_init__(self):
        assert self.code not in REASONS, self.code
        REASONS[self.code] = self

    def _checked(self, params: dict) -> dict:
        if set(params) != set(self.params):
            raise TypeError(f"reason {self.code} takes {sorted(self.params)}, given {sorted(params)}")
        return params

    def error(self, field: str | None = None, **params) -> RuleError:
        """The field-level error of a record (records.clean_record)."""
        return RuleError(field or self.field, self, self._checked(params))

    def verdict(self, **params) -> tuple[str, str, str, dict]:
        """(outcome, field, code, params) of a judged record (judging.SalesJudge)."""
        return self.outcome, self.field, self.code, self._checked(params)

    def sql(self, **exprs):
        """The same verdict as SQL for the set-based engine: outcome, field, code and params (jsonb).

        `exprs` maps each parameter to an SQL expression over the judged row (text or integer)."""
        from psycopg import sql

        self._checked(exprs)
        pairs = sql.SQL(", ").join(sql.SQL("{}, {}").format(sql.Literal(k), sql.SQL(v)) for k, v in exprs.items())
        return {
            "outcome": sql.Literal(self.outcome),
            "field": sql.Literal(self.field),
            "code": sql.Literal(self.code),
            "params": sql.SQL("jsonb_build_object({})").format(pairs),
        }

    def render(self, params: dict) -> str:
        values = {k: _shown(k, v) for k, v in (params or {}).items()}
        try:
            return str(self.text) % values
        except (KeyError, TypeError, ValueError):  # a stored record from before a wording change
            return str(self.text)


class RuleError(RowError):
    """A record's field-level error named by the rulebook; `reason` is its English text."""

    def __init__(self, field: str, rule: Reason, params: dict):
        self.rule = rule
        self.params = params
        with translation.override("en"):
            super().__init__(field, rule.render(params))


def _shown(name: str, value):
    if name == "at" and isinstance(value, dict):  # a position: {"line": 11} or {"index": 3}
        if "line" in value:
            return gettext("line %(number)s") % {"number": value["line"]}
        return gettext("index %(number)s") % {"number": value.get("index")}
    return value


def position(encoding: str, pos: int) -> dict:
    """A record's position as messages show it: what the batch page's Line (or Index) column says."""
    return {"index": pos} if encoding == "json" else {"line": pos}


def render(code: str, params: dict | None, stored: str = "") -> str:
    """A stored reason in the active language; records stored before the rulebook keep their text."""
    reason = REASONS.get(code)
    return reason.render(params or {}) if reason else stored


def render_en(code: str, params: dict | None, stored: str = "") -> str:
    with translation.override("en"):
        return render(code, params, stored)


R, H, D = Outcome.REJECTED, Outcome.HELD, Outcome.DUPLICATE

# --- the record on its own: its fields (records.clean_record) ------------------------------------------
NOT_AN_OBJECT = Reason("not_an_object", R, "record", _("must be a JSON object with the fields of ticket-sales/1"))
EXTRA_VALUES = Reason("extra_values", R, "row", _("has %(values)s values but the header names %(columns)s columns"),
                      ("values", "columns"))
NUL_CHARACTER = Reason("nul_character", R, "", _("contains a NUL character (\\u0000); send text only"))
NOT_TEXT = Reason("not_text", R, "", _("must be text, not %(type)s"), ("type",))
REQUIRED = Reason("required", R, "", _("required"))
CINEMA_CODE_FORMAT = Reason("cinema_code_format", R, "cinema_code",
                            _("'%(value)s' is not a cinema code (3–32 of A–Z, 0–9, -)"), ("value",))
TRANSACTION_ID_REQUIRED = Reason("transaction_id_required", R, "transaction_id",
                                 _("required, 1–64 printable characters"))
TRANSACTION_ID_FORMAT = Reason("transaction_id_format", R, "transaction_id",
                               _("'%(value)s' must be 1–64 printable characters"), ("value",))
KIND_REQUIRED = Reason("kind_required", R, "kind", _("required: sale or refund"))
KIND_FORMAT = Reason("kind_format", R, "kind", _("'%(value)s' must be sale or refund"), ("value",))
REFUND_WITHOUT_SALE = Reason("refund_without_sale", R, "refund_of",
                             _("a refund must name the transaction_id of the sale it refunds"))
SALE_WITH_REFUND_OF = Reason("sale_with_refund_of", R, "refund_of",
                             _("only refunds name refund_of; leave it empty for a sale"))
REFUND_OF_FORMAT = Reason("refund_of_format", R, "refund_of", _("must be 1–64 printable characters"))
INSTANT_REQUIRED = Reason("instant_required", R, "",
                          _("required: an ISO 8601 date-time with UTC offset, e.g. 2025-03-18T19:02:11+05:00"))
INSTANT_FORMAT = Reason("instant_format", R, "",
                        _("'%(value)s' is not an ISO 8601 date-time such as 2025-03-18T19:02:11+05:00"), ("value",))
INSTANT_NO_OFFSET = Reason("instant_no_offset", R, "", _("'%(value)s' has no UTC offset; add one, e.g. +05:00"),
                           ("value",))
NAME_LENGTH = Reason("name_length", R, "", _("required, 1–32 characters"))
TICKETS_MISSING = Reason("tickets_missing", R, "tickets", _("nothing is not a whole number from 1 to 1000"))
TICKETS_NOT_WHOLE = Reason("tickets_not_whole", R, "tickets", _("'%(value)s' is not a whole number from 1 to 1000"),
                           ("value",))
TICKETS_BOOLEAN = Reason("tickets_boolean", R, "tickets", _("must be a whole number from 1 to 1000"))
TICKETS_RANGE = Reason("tickets_range", R, "tickets", _("%(value)s is outside 1–1000 (refunds are positive too)"),
                       ("value",))
AMOUNT_REQUIRED = Reason("amount_required", R, "amount", _("required: a decimal such as 2500.00"))
AMOUNT_PLACES = Reason("amount_places", R, "amount", _("%(value)s must be ≥ 0 with at most 2 decimal places"),
                       ("value",))
AMOUNT_TYPE = Reason("amount_type", R, "amount", _("must be a number or a string, not %(type)s"), ("type",))
AMOUNT_GROUPING = Reason("amount_grouping", R, "amount",
                         _("'%(value)s' uses a comma, space or apostrophe: use a point as the decimal separator and "
                           "no digit grouping (e.g. 7500.00 for seven thousand five hundred)"), ("value",))
AMOUNT_FORMAT = Reason("amount_format", R, "amount",
                       _("'%(value)s' must be ≥ 0, with '.' as decimal point, no grouping, at most 2 decimal places "
                         "(e.g. 2500.00)"), ("value",))
AMOUNT_OVER_LIMIT = Reason("amount_over_limit", R, "amount",
                           _("%(value)s is over the limit of %(limit)s for one record; check the amount (it is in "
                             "tenge, not tiyn) or split the sale"), ("value", "limit"))
CURRENCY_FORMAT = Reason("currency_format", R, "currency", _("'%(value)s' is not an ISO 4217 code such as %(home)s"),
                         ("value", "home"))
CURRENCY_NOT_HOME = Reason("currency_not_home", R, "currency",
                           _("box office is kept in %(home)s; report amounts in %(home)s, not %(value)s"),
                           ("value", "home"))
FORMAT_UNKNOWN = Reason("format_unknown", R, "screening_format", _("'%(value)s' must be one of %(choices)s"),
                        ("value", "choices"))
LANGUAGE_FORMAT = Reason("language_format", R, "screening_language",
                         _("'%(value)s' is not an ISO 639-1 code such as kk or ru"), ("value",))

# --- the record against the registers, the history and its batch (ticket-sales.md §2–3) -----------------
CINEMA_UNKNOWN = Reason("cinema_unknown", R, "cinema_code",
                        _("cinema %(cinema)s is not in the register; ask the ministry to register it, then send the "
                          "batch again"), ("cinema",))
DUPLICATE_STORED = Reason("duplicate_stored", D, "transaction_id", _("%(tx)s is already stored"), ("tx",))
DUPLICATE_HELD = Reason("duplicate_held", D, "transaction_id", _("%(tx)s is already received and held"), ("tx",))
DUPLICATE_IN_BATCH = Reason("duplicate_in_batch", D, "transaction_id",
                            _("%(tx)s is given earlier in this batch (%(at)s)"), ("tx", "at"))
CONFLICT_STORED = Reason("conflict_stored", R, "transaction_id",
                         _("conflict: %(tx)s is already stored with different content; the stored record stands — "
                           "correct it with a refund and a new sale"), ("tx",))
CONFLICT_HELD = Reason("conflict_held", R, "transaction_id",
                       _("conflict: %(tx)s is already received and held with different content; the stored record "
                         "stands — correct it with a refund and a new sale"), ("tx",))
CONFLICT_IN_BATCH = Reason("conflict_in_batch", R, "transaction_id",
                           _("conflict: %(tx)s is given earlier in this batch (%(at)s) with different content; the "
                             "stored record stands — correct it with a refund and a new sale"), ("tx", "at"))
SCREEN_UNREGISTERED = Reason("screen_unregistered", H, "screen",
                             _("screen '%(screen)s' of cinema %(cinema)s is not registered yet; the record is kept "
                               "and applied once the screen is registered"), ("screen", "cinema"))
FILM_UNREGISTERED = Reason("film_unregistered", H, "film_code",
                           _("film %(film)s is not registered yet; the record is kept and applied once the film is "
                             "registered"), ("film",))
SCREENING_OTHER_FILM = Reason("screening_other_film", R, "film_code",
                              _("conflict: the screening on screen %(screen)s at %(start)s shows film %(shown)s, not "
                                "%(film)s"), ("screen", "start", "shown", "film"))
REFUND_OF_REFUND = Reason("refund_of_refund", R, "refund_of", _("%(sale)s is a refund, not a sale"), ("sale",))
SALE_HELD = Reason("sale_held", H, "refund_of", _("its sale %(sale)s is held; the refund is applied together with it"),
                   ("sale",))
NO_SALE = Reason("no_sale", R, "refund_of",
                 _("no sale %(sale)s of cinema %(cinema)s has been received; send the sale before its refund, or in "
                   "the same batch"),
                 ("sale", "cinema"))
REFUND_OTHER_SCREENING = Reason("refund_other_screening", R, "refund_of",
                                _("the refund names a different screening or film than sale %(sale)s"), ("sale",))
REFUND_BEFORE_SALE = Reason("refund_before_sale", R, "sold_at",
                            _("the refund is dated %(sold_at)s, before its sale (%(sale_sold_at)s)"),
                            ("sold_at", "sale_sold_at"))
REFUND_OVER_TICKETS = Reason("refund_over_tickets", R, "tickets",
                             _("refunds of %(sale)s would total %(total)s tickets, more than the %(sold)s sold"),
                             ("sale", "total", "sold"))
REFUND_OVER_AMOUNT = Reason("refund_over_amount", R, "amount",
                            _("refunds of %(sale)s would total %(total)s, more than the %(paid)s paid"),
                            ("sale", "total", "paid"))
# A held record's resolution when it is finally applied.
APPLIED_IN_BATCH = Reason("applied_in_batch", Outcome.ACCEPTED, "", _("applied in batch %(batch)s"), ("batch",))

# --- anomalies: accepted but flagged for auditors (ticket-sales.md §7) ----------------------------------
ANOMALY_TEXTS = {
    AnomalyKind.LATE_SALE: _("%(sale)s sold %(sold_at)s, more than %(hours)s h after the screening started"),
    AnomalyKind.ZERO_AMOUNT: _("%(sale)s: %(tickets)s ticket(s) for 0"),
    AnomalyKind.OVER_CAPACITY: _("%(sold)s seats sold for screen %(screen)s with %(seats)s seats at %(start)s"),
    AnomalyKind.LOW_PRICE: _("average price %(price)s is below %(share)s%% of the cinema's median %(median)s"),
}
ANOMALY_PARAMS = {
    AnomalyKind.LATE_SALE: ("sale", "sold_at", "hours"),
    AnomalyKind.ZERO_AMOUNT: ("sale", "tickets"),
    AnomalyKind.OVER_CAPACITY: ("sold", "screen", "seats", "start"),
    AnomalyKind.LOW_PRICE: ("price", "share", "median"),
}
LOW_PRICE_PERCENT = int(LOW_PRICE_SHARE * 100)


def render_anomaly(kind: str, params: dict | None, stored: str = "") -> str:
    text = ANOMALY_TEXTS.get(kind)
    if text is None or not params:
        return stored
    try:
        return str(text) % params
    except (KeyError, TypeError, ValueError):
        return stored


def anomaly_sql(kind: str, **exprs):
    """An anomaly's parameters as SQL (jsonb) for the set-based engine, checked against the rulebook."""
    from psycopg import sql

    if set(exprs) != set(ANOMALY_PARAMS[kind]):
        raise TypeError(f"anomaly {kind} takes {ANOMALY_PARAMS[kind]}, given {sorted(exprs)}")
    return sql.SQL("jsonb_build_object({})").format(
        sql.SQL(", ").join(sql.SQL("{}, {}").format(sql.Literal(k), sql.SQL(v)) for k, v in exprs.items()))


def anomaly_params(kind: str, **params) -> dict:
    if set(params) != set(ANOMALY_PARAMS[kind]):
        raise TypeError(f"anomaly {kind} takes {ANOMALY_PARAMS[kind]}, given {sorted(params)}")
    return params
