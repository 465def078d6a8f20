"""Writes to the grants register: 360Giving import (JSON and CSV), linking, disbursements."""
from __future__ import annotations

import copy
import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from films import limits
from films.audit import Actor, jsonable, record_change, snapshot
from films.choices import AuditAction, RecomputeReason, RegisterOutcome
from films.importing import RegisterImportReport, RowError, load_register
from films.models import Film
from films.outbox import request_recompute
from films.services import get_or_create_organisation
from films.tabular import FileRejected, check_json_depth, not_utf8_message, peek_kind, read_csv

from . import exactjson
from .choices import ChangeStatus, DisbursementKind
from .csvwords import in_column_words
from .exports import transaction_as_360
from .giving360 import grant_validator
from .models import Disbursement, Grant, GrantChange, Programme

CSV_COLUMNS = {
    "identifier": "id", "title": "title", "description": "description", "currency": "currency",
    "amount awarded": "amountAwarded", "award date": "awardDate", "recipient org:identifier": None,
    "recipient org:name": None, "funding org:identifier": None, "funding org:name": None,
    "grant programme:title": None, "grant programme:code": None, "planned dates:start date": None,
    "planned dates:end date": None, "amount disbursed": "amountDisbursed", "film project:code": None,
    "film project:title": None, "repayable:amount": None, "repayable:due date": None,
}
CSV_REQUIRED = ["identifier", "title", "currency", "amount awarded", "award date", "recipient org:identifier",
                "recipient org:name", "funding org:identifier", "funding org:name"]
# Fields held in columns; everything else of a grant stays in source_data and goes back out on export.
CENT = Decimal("0.01")
GRANT_FIELDS = ["identifier", "title", "description", "currency", "amount_awarded", "amount_disbursed",
                "award_date", "planned_start", "planned_end", "recipient_id", "funder_id", "programme_id",
                "film_id", "film_code", "film_title", "repayable_amount", "repayable_due_date"]


DATE_PATHS = re.compile(r"(awardDate|startDate|endDate|transactionDate)$")


def _schema_words(e) -> str:
    """One schema error in the user's language (jsonschema's own messages are English and name types)."""
    v = e.validator
    if v == "required":
        missing = e.message.split("'")[1] if "'" in e.message else e.message
        return gettext("%(field)s is required") % {"field": missing}
    if v == "type":
        kind = e.validator_value if isinstance(e.validator_value, str) else "/".join(e.validator_value)
        words = {"string": gettext("'%(value)s' must be text"), "number": gettext("'%(value)s' must be a number"),
                 "integer": gettext("'%(value)s' must be a whole number"),
                 "array": gettext("'%(value)s' must be a list"), "object": gettext("'%(value)s' must be an object"),
                 "boolean": gettext("'%(value)s' must be true or false")}
        return words.get(kind, gettext("'%(value)s' is of the wrong kind")) % {"value": e.instance}
    if v == "minLength":
        return gettext("must not be empty")
    if v == "maxLength":
        return gettext("is longer than %(n)s characters") % {"n": e.validator_value}
    if v in ("minimum", "exclusiveMinimum"):
        return gettext("%(value)s must be at least %(min)s") % {"value": e.instance, "min": e.validator_value}
    if v == "pattern":
        return gettext("'%(value)s' is not written as this field needs") % {"value": e.instance}
    if v == "enum":
        return gettext("'%(value)s' is not one of: %(codes)s") % {
            "value": e.instance, "codes": ", ".join(map(str, e.validator_value))}
    if v == "format":
        return gettext("'%(value)s' is not a valid %(format)s") % {"value": e.instance, "format": e.validator_value}
    if v == "minItems":
        return gettext("needs at least %(n)s entry") % {"n": e.validator_value}
    return e.message


def missing_fields_words() -> str:
    """The start of a "missing fields" problem, in the active language (csvwords names the CSV's columns)."""
    return gettext("missing required 360Giving field(s): ")


def schema_problem(grant: dict) -> str | None:
    """Every problem the 360Giving schema finds in the grant (one per field, "; " between), in the active
    language, or None."""
    errors = sorted(grant_validator().iter_errors(_json_ready(grant)), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return None
    problems: dict[str, str] = {}
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "grant"
        if e.validator == "oneOf" and not e.absolute_path:
            missing = [f for f in ("id", "title", "description", "currency", "amountAwarded", "awardDate",
                                   "fundingOrganization") if f not in grant]
            if "recipientOrganization" not in grant and "recipientIndividual" not in grant:
                missing.append("recipientOrganization")
            problems.setdefault("grant", missing_fields_words() + ", ".join(missing)
                                if missing else gettext("is not a 360Giving grant"))
        elif DATE_PATHS.search(where) and isinstance(e.instance, str):
            # Not "is not valid under any of the given schemas": say what a date must look like.
            problems.setdefault(where, gettext("%(field)s: '%(value)s' is not a date; write it as YYYY-MM-DD")
                                % {"field": where, "value": e.instance})
        elif e.validator == "enum" and len(e.validator_value) > 10:  # not the whole ISO 4217 list
            known = (gettext("an ISO 4217 currency code such as KZT") if where == "currency"
                     else gettext("one of the schema's codes"))
            problems.setdefault(where, gettext("%(field)s: '%(value)s' is not %(known)s")
                                % {"field": where, "value": e.instance, "known": known})
        elif e.validator == "oneOf" and isinstance(e.instance, str):
            problems.setdefault(where, gettext("%(field)s: '%(value)s' is not written as this field needs")
                                % {"field": where, "value": e.instance})
        else:
            problems.setdefault(where, f"{where}: {_schema_words(e)}")
    return "; ".join(problems.values())


def _json_ready(value):
    """jsonschema checks 'number' with isinstance(int|float); give it floats for the check only."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def _exact_decimal(value, field_name: str) -> Decimal:
    """The number exactly as the publisher wrote it (JSON numbers arrive as Decimal, never through float)."""
    if isinstance(value, bool):
        raise RowError(field_name, gettext("must be a number"))
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RowError(field_name, gettext("'%(value)s' is not a number (no grouping, '.' as decimal point)")
                       % {"value": value}) from None
    if not d.is_finite():
        raise RowError(field_name, gettext("'%(value)s' is not a number") % {"value": value})
    if abs(d) > limits.MAX_GRANT_AMOUNT:
        # Every sum over grants (per film, funder, programme, year, nationally) must fit Decimal(20, 2).
        raise RowError(field_name, gettext("%(value)s is over the limit of %(limit)s for one grant or transaction; "
                                           "check the amount and its decimal point")
                       % {"value": value, "limit": f"{limits.MAX_GRANT_AMOUNT:,.2f}"})
    return d


def _decimal(value, field_name: str, warnings: list[str] | None = None) -> Decimal:
    """An amount to the cent. 360Giving allows any JSON number, and publishers' spreadsheets leave
    floating-point artefacts (41133.770000000004): those are rounded half up to the cent, with a data-quality
    warning naming the number, rather than refused; the publisher's own number stays in source_data."""
    d = _exact_decimal(value, field_name)
    cents = d.quantize(CENT, rounding=ROUND_HALF_UP)
    if cents != d and warnings is not None:
        warnings.append(f"{field_name}: {d} rounded to the cent as {cents} (more than 2 decimal places, "
                        "likely a floating-point artefact of the publisher's file)")
    return cents


def _date(value, field_name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    text = str(value)[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RowError(field_name, gettext("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": value}) from None


def csv_row_to_360(row: dict[str, str]) -> dict:
    """A row of 360Giving's flattened CSV as the JSON grant it stands for."""
    if "__extra__" in row:
        raise RowError("row", row["__extra__"])
    grant: dict = {}
    for column, key in CSV_COLUMNS.items():
        if key and row.get(column):
            grant[key] = row[column]
    for money in ("amountAwarded", "amountDisbursed"):
        if money in grant:
            # Exact, as written: clean_grant rounds it to the cent and warns, like a JSON number.
            grant[money] = _exact_decimal(grant[money], "Amount Awarded" if money == "amountAwarded"
                                          else "Amount Disbursed")
    grant.setdefault("description", row.get("description", ""))
    grant["recipientOrganization"] = [{"id": row.get("recipient org:identifier", ""),
                                       "name": row.get("recipient org:name", "")}]
    grant["fundingOrganization"] = [{"id": row.get("funding org:identifier", ""),
                                     "name": row.get("funding org:name", "")}]
    if row.get("grant programme:title") or row.get("grant programme:code"):
        prog = {"title": row.get("grant programme:title", "")}
        if row.get("grant programme:code"):
            prog["code"] = row["grant programme:code"]
        grant["grantProgramme"] = [prog]
    if row.get("planned dates:start date") or row.get("planned dates:end date"):
        event = {}
        if row.get("planned dates:start date"):
            event["startDate"] = row["planned dates:start date"]
        if row.get("planned dates:end date"):
            event["endDate"] = row["planned dates:end date"]
        grant["plannedDates"] = [event]
    if row.get("film project:code"):
        grant["filmProject"] = {"code": row["film project:code"], "title": row.get("film project:title", "")}
    if row.get("repayable:amount") or row.get("repayable:due date"):
        repayable = {}
        if row.get("repayable:amount"):
            repayable["amount"] = _exact_decimal(row["repayable:amount"], "Repayable:Amount")
        if row.get("repayable:due date"):
            repayable["dueDate"] = row["repayable:due date"]
        grant["repayable"] = repayable
    return grant


def _repayable(grant: dict, awarded: Decimal, warnings: list[str]) -> tuple[Decimal | None, datetime.date | None]:
    """The 360Giving extension `repayable`: {"amount": n, "dueDate": "YYYY-MM-DD"}, the part of amountAwarded
    to be paid back; 0 ≤ amount ≤ amountAwarded."""
    value = grant.get("repayable")
    if value in (None, {}):
        return None, None
    if not isinstance(value, dict):
        raise RowError("repayable", 'must be an object {"amount": n, "dueDate": "YYYY-MM-DD"}')
    if value.get("amount") in (None, ""):
        raise RowError("repayable/amount", "required: the part of amountAwarded to be paid back")
    amount = _decimal(value["amount"], "repayable/amount", warnings)
    if amount < 0:
        raise RowError("repayable/amount", gettext("must not be negative"))
    if amount > awarded:
        raise RowError("repayable/amount", f"{amount} is more than the {awarded} awarded: only part of the "
                                           "award (or all of it) can be repayable")
    due = _date(value.get("dueDate"), "repayable/dueDate")
    return amount, due


# (path in the 360Giving grant, longest text the register's column holds)
TEXT_BOUNDS = [
    (("id",), limits.MAX_GRANT_IDENTIFIER_CHARS),
    (("title",), limits.MAX_GRANT_TITLE_CHARS),
    (("description",), limits.MAX_GRANT_DESCRIPTION_CHARS),
    (("recipientOrganization", 0, "id"), limits.MAX_ORGANISATION_ID_CHARS),
    (("recipientOrganization", 0, "name"), limits.MAX_ORGANISATION_NAME_CHARS),
    (("fundingOrganization", 0, "id"), limits.MAX_ORGANISATION_ID_CHARS),
    (("fundingOrganization", 0, "name"), limits.MAX_ORGANISATION_NAME_CHARS),
    (("grantProgramme", 0, "title"), limits.MAX_PROGRAMME_TITLE_CHARS),
    (("grantProgramme", 0, "code"), limits.MAX_PROGRAMME_CODE_CHARS),
]


def _check_lengths(grant: dict) -> None:
    """Refuse text longer than its column, naming the field, rather than fail on saving."""
    checks = list(TEXT_BOUNDS)
    for i, _ in enumerate(grant.get("disbursementTransaction") or []):
        checks += [(("disbursementTransaction", i, "id"), limits.MAX_TRANSACTION_ID_CHARS),
                   (("disbursementTransaction", i, "description"), limits.MAX_NOTE_CHARS)]
    for path, limit in checks:
        value = grant
        for step in path:
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                value = None
                break
        if isinstance(value, str) and len(value) > limit:
            raise RowError("/".join(map(str, path)),
                           f"is {len(value):,} characters long; at most {limit:,} are kept")


def clean_grant(grant: dict) -> dict:
    """Validate one 360Giving grant and pull out the values the register keeps in columns."""
    if not isinstance(grant, dict):
        raise RowError("grant", gettext("must be a JSON object"))
    problem = schema_problem(grant)
    if problem:
        raise RowError(problem.split(":")[0] if ":" in problem else "grant", problem)
    _check_lengths(grant)
    currency = grant["currency"].upper()
    warnings: list[str] = []
    amount = _decimal(grant["amountAwarded"], "amountAwarded", warnings)
    if amount < 0:
        raise RowError("amountAwarded", gettext("must not be negative"))
    planned = (grant.get("plannedDates") or [{}])[0]
    programme = (grant.get("grantProgramme") or [None])[0]
    film = grant.get("filmProject") or {}
    if film and not isinstance(film, dict):
        raise RowError("filmProject", 'must be an object {"code": "...", "title": "..."}')
    disbursements = []
    for i, tx in enumerate(grant.get("disbursementTransaction") or []):
        if "value" not in tx or "transactionDate" not in tx:
            raise RowError(f"disbursementTransaction/{i}", gettext("needs value and transactionDate"))
        value = _decimal(tx["value"], f"disbursementTransaction/{i}/value", warnings)
        disbursements.append({
            "identifier": str(tx.get("id", "")) or f"{grant['id']}#{i + 1}",
            "kind": DisbursementKind.RECOVERY if value < 0 else DisbursementKind.DISBURSEMENT,
            "amount": abs(value), "currency": (tx.get("currency") or currency).upper(),
            "date": _date(tx["transactionDate"], f"disbursementTransaction/{i}/transactionDate"),
            "note": tx.get("description") or "",
        })
    recipient = (grant.get("recipientOrganization") or [None])[0]
    repayable_amount, repayable_due_date = _repayable(grant, amount, warnings)
    return {
        "identifier": grant["id"],
        "title": grant["title"],
        "description": grant.get("description") or "",
        "currency": currency,
        "amount_awarded": amount,
        "amount_disbursed": _decimal(grant["amountDisbursed"], "amountDisbursed", warnings)
        if grant.get("amountDisbursed") not in (None, "") else None,
        "award_date": _date(grant["awardDate"], "awardDate"),
        "planned_start": _date(planned.get("startDate"), "plannedDates/startDate"),
        "planned_end": _date(planned.get("endDate"), "plannedDates/endDate"),
        "recipient": recipient,
        "funder": grant["fundingOrganization"][0],
        "programme": programme,
        "film_code": str(film.get("code") or "")[:32],
        "film_title": str(film.get("title") or "")[:300],
        "disbursements": disbursements,
        "repayable_amount": repayable_amount,
        "repayable_due_date": repayable_due_date,
        "warnings": warnings,
        "source": grant,
    }


def _grant_picture(grant: Grant) -> dict:
    pic = snapshot(grant, fields=None)
    pic.pop("source_data", None)
    pic["source_data"] = jsonable(grant.source_data)
    pic["disbursements"] = [
        {"identifier": d.identifier, "kind": d.kind, "amount": str(d.amount), "currency": d.currency,
         "date": d.date.isoformat(), "note": d.note} for d in grant.disbursements.order_by("identifier")]
    return pic


@transaction.atomic
def upsert_grant(*, data: dict, actor: Actor, published: bool = True) -> tuple[Grant, str]:
    """Create or update one grant from clean values; the audit trail keeps before and after."""
    recipient = None
    if data["recipient"]:
        recipient = get_or_create_organisation(identifier=data["recipient"].get("id", ""),
                                               name=data["recipient"].get("name", ""), actor=actor)
    funder = get_or_create_organisation(identifier=data["funder"].get("id", ""),
                                        name=data["funder"].get("name", ""), actor=actor)
    programme = None
    if data["programme"] and (data["programme"].get("title") or data["programme"].get("code")):
        title = data["programme"].get("title") or data["programme"]["code"]
        programme, _ = Programme.objects.get_or_create(funder=funder, title=title,
                                                       defaults={"code": data["programme"].get("code", "")})
    film = Film.objects.filter(code=data["film_code"]).first() if data["film_code"] else None
    values = {k: data[k] for k in ("title", "description", "currency", "amount_awarded", "amount_disbursed",
                                   "award_date", "planned_start", "planned_end", "film_code", "film_title")}
    values.update(repayable_amount=data.get("repayable_amount"), repayable_due_date=data.get("repayable_due_date"))
    values.update(recipient=recipient, funder=funder, programme=programme, film=film,
                  source_data=copy.deepcopy(data["source"]), data_quality=list(data.get("warnings") or []))
    grant = Grant.objects.filter(identifier=data["identifier"]).first()
    before = _grant_picture(grant) if grant else None
    old_film_id = grant.film_id if grant else None
    if grant is None:
        grant = Grant.objects.create(identifier=data["identifier"], published=published, **values)
    else:
        for k, v in values.items():
            setattr(grant, k, v)
        grant.save()
    _sync_disbursements(grant, data["disbursements"])
    grant.refresh_from_db()
    after = _grant_picture(grant)
    if before is None:
        outcome = RegisterOutcome.CREATED
        record_change(actor=actor, action=AuditAction.CREATE, instance=grant, before=None, after=after)
    elif before == after:
        return grant, RegisterOutcome.UNCHANGED
    else:
        outcome = RegisterOutcome.UPDATED
        record_change(actor=actor, action=AuditAction.UPDATE, instance=grant, before=before, after=after)
    queue_metrics_recompute({old_film_id, grant.film_id}, detail=f"grant {grant.identifier} {outcome}")
    return grant, outcome


def _sync_disbursements(grant: Grant, wanted: list[dict]):
    if not wanted and not grant.source_data.get("disbursementTransaction"):
        return  # the file says nothing of disbursements: keep those entered by staff
    keep = set()
    for d in wanted:
        obj, _ = Disbursement.objects.update_or_create(grant=grant, identifier=d["identifier"], defaults=d)
        keep.add(obj.pk)
    grant.disbursements.exclude(pk__in=keep).delete()


def queue_metrics_recompute(film_ids, reason: str = RecomputeReason.GRANT, *, detail: str = ""):
    """These films' metrics must be recomputed: recorded in the current transaction (the outbox,
    films/outbox.py), so the request commits with the change or not at all, whatever the broker does."""
    if reason not in RecomputeReason.values:
        reason, detail = RecomputeReason.OTHER, f"{reason}: {detail}" if detail else str(reason)
    request_recompute(film_ids=film_ids, reason=reason, detail=detail)


def read_grants(stream: BinaryIO) -> tuple[list[tuple[int, object]], list[str], str]:
    """(position, grant) pairs from a 360Giving JSON package or flattened CSV; FileRejected if unusable."""
    if peek_kind(stream) == "json":
        raw = stream.read()
        check_json_depth(raw, limit=limits.MAX_GRANTS_JSON_DEPTH, levels=limits.GRANTS_JSON_LEVELS,
                         what="360Giving grants")
        try:
            doc = exactjson.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise FileRejected(not_utf8_message(exc)) from exc
        except ValueError as exc:
            raise FileRejected(f"The grants file is not valid JSON: {exc}.") from exc
        if isinstance(doc, list):
            grants = doc
        elif isinstance(doc, dict) and isinstance(doc.get("grants"), list):
            grants = doc["grants"]
        else:
            raise FileRejected('The grants file must be a 360Giving package: {"grants": [ ... ]}.')
        if not grants:
            raise FileRejected("The grants package is empty: its \"grants\" list has no grants.")
        return list(enumerate(grants)), [], "index"
    table = read_csv(stream, required=CSV_REQUIRED, known=list(CSV_COLUMNS), what="grants")
    rows = []
    for line, row in table.rows:
        try:
            rows.append((line, csv_row_to_360(row)))
        except RowError as exc:
            exc.key = row.get("identifier", "")  # the report's Key column, even for a row that did not parse
            rows.append((line, exc))
    if not rows:
        raise FileRejected("The grants file has a header but no grants.")
    warnings = [f"ignored unknown column(s): {', '.join(table.unknown_columns)}"] if table.unknown_columns else []
    return rows, warnings, "line"


def import_grants(*, stream: BinaryIO, actor: Actor, published: bool = True,
                  review: bool = False) -> RegisterImportReport:
    """Load a 360Giving package or CSV: good grants saved (unlinked when no film matches), bad ones reported.

    With `review` (an officer's upload), each new or changed grant becomes a proposal that a different
    officer must approve (maker-checker) instead of changing what the public sees.
    """
    rows, warnings, position_label = read_grants(stream)
    report = RegisterImportReport("grants", warnings=warnings, position_label=position_label)
    seen: dict[str, int] = {}

    def load_row(position: int, grant) -> str:
        key = key_of(grant)
        if isinstance(grant, RowError):
            raise grant
        if key and key in seen:
            raise RowError("id", gettext("grant %(key)s already given at %(position)s in this file")
                           % {"key": key, "position": seen[key]})
        data = clean_grant(grant)
        seen[key] = position
        if review:
            try:
                g, change, outcome = propose_grant(data=data, actor=actor)
            except ValidationError as exc:
                raise RowError("id", " ".join(exc.messages)) from None
        else:
            g, outcome = upsert_grant(data=data, actor=actor, published=published)
        report.warnings.extend(f"grant {key}: {w}" for w in data["warnings"])
        if review and change is not None and outcome != RegisterOutcome.UNCHANGED:
            report.warnings.append(f"grant {key} awaits approval by another grant officer")
        if g.film_id is None:
            why = f"film {g.film_code} is not registered" if g.film_code else "it names no film"
            report.warnings.append(f"grant {key} stored as unlinked: {why}")
        return outcome

    def key_of(grant):
        return grant.get("id", "") if isinstance(grant, dict) else getattr(grant, "key", "")

    def in_the_files_words(field: str, reason: str) -> tuple[str, str]:
        if position_label == "line":  # a CSV: its columns' names, not the JSON paths they became
            return in_column_words(field), in_column_words(reason)
        return field, reason

    return load_register(report, rows, load_row, key_of=key_of, reword=in_the_files_words)


@transaction.atomic
def link_grant(*, grant: Grant, film: Film, actor: Actor) -> Grant:
    """Link a grant to the film its approved version already names, now that the film is registered.

    Nothing about the grant changes but the reference, so no review is needed; an officer naming a film
    the grant did not name is a change of the grant and goes through propose_link instead."""
    before = _grant_picture(grant)
    old = grant.film_id
    grant.film = film
    grant.film_code = film.code
    grant.save(update_fields=["film", "film_code", "updated_at"])
    record_change(actor=actor, action=AuditAction.LINK, instance=grant, before=before, after=_grant_picture(grant))
    queue_metrics_recompute({old, film.pk}, detail=f"grant {grant.identifier} linked")
    return grant


def link_unlinked_grants_for(*, codes: list[str], actor: Actor) -> int:
    """A film newly registered under a code that unlinked grants named: link them."""
    n = 0
    for grant in Grant.objects.filter(film__isnull=True, film_code__in=codes):
        link_grant(grant=grant, film=Film.objects.get(code=grant.film_code), actor=actor)
        n += 1
    return n



# --- maker-checker ----------------------------------------------------------------------------------

class _DryRun(Exception):  # noqa: N818 - control flow only: undo a trial write
    pass


def _would_change(*, data: dict, actor: Actor) -> bool:
    """Whether applying `data` would change the grant: try it in a savepoint and roll it back."""
    result = {}
    try:
        with transaction.atomic():
            _, result["outcome"] = upsert_grant(data=data, actor=actor)
            raise _DryRun
    except _DryRun:
        pass
    return result["outcome"] != RegisterOutcome.UNCHANGED


def _user_of(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


def _check_no_pending_change_by_another(pending: GrantChange | None, actor: Actor):
    """A proposal replaces the pending one and builds on it (latest_version). Built on another officer's
    proposal, it would carry that officer's change to a review that officer could then approve: so another
    officer's pending change is reviewed first."""
    user = _user_of(actor)
    if pending is not None and pending.proposed_by_id != (user.pk if user else None):
        raise ValidationError(
            gettext("Grant %(grant)s has a change proposed by %(maker)s on %(when)s awaiting review. Approve or "
                    "reject it first; then propose yours.") % {
                "grant": pending.grant.identifier, "maker": pending.proposed_by_label,
                "when": f"{timezone.localtime(pending.proposed_at):%Y-%m-%d %H:%M}"})


@transaction.atomic
def propose_grant(*, data: dict, actor: Actor) -> tuple[Grant, GrantChange | None, str]:
    """An officer's new or changed grant, held for a different officer's approval.

    A grant never published is written at once but stays unpublished; a change to a published grant is
    kept as a GrantChange while the Grant keeps the approved version. Returns (grant, change, outcome).
    """
    grant = Grant.objects.select_for_update().filter(identifier=data["identifier"]).first()
    pending = grant.changes.filter(status=ChangeStatus.PENDING).first() if grant else None
    _check_no_pending_change_by_another(pending, actor)
    if grant is None or not grant.published:
        grant, outcome = upsert_grant(data=data, actor=actor, published=False)
        if outcome == RegisterOutcome.UNCHANGED and pending is not None:
            return grant, pending, outcome
        is_new = True
    else:
        if not _would_change(data=data, actor=actor):
            return grant, None, RegisterOutcome.UNCHANGED
        if pending is not None and exactjson.dumps(pending.proposed) == exactjson.dumps(data["source"]):
            return grant, pending, RegisterOutcome.UNCHANGED
        outcome, is_new = RegisterOutcome.UPDATED, False
    if pending is not None:
        pending.status = ChangeStatus.SUPERSEDED
        pending.save(update_fields=["status"])
    change = GrantChange.objects.create(grant=grant, is_new=is_new, proposed=copy.deepcopy(data["source"]),
                                        door=actor.door, proposed_by=_user_of(actor),
                                        proposed_by_label=actor.display)
    record_change(actor=actor, action=AuditAction.PROPOSE, instance=grant, before=_grant_picture(grant),
                  after={"change": change.pk, "proposed": jsonable(data["source"])})
    return grant, change, outcome


@transaction.atomic
def approve_grant_change(*, change: GrantChange, actor: Actor) -> Grant:
    """A different officer approves: the proposed version becomes the grant the public sees."""
    change = GrantChange.objects.select_for_update().select_related("grant").get(pk=change.pk)
    _check_reviewer(change, actor)
    if change.withdraw:
        return _withdraw(change, actor)
    before = _grant_picture(change.grant)  # the approved version, before the proposal is applied
    grant, _ = upsert_grant(data=clean_grant(change.proposed), actor=actor, published=True)
    if not grant.published:
        grant.published = True
        grant.save(update_fields=["published", "updated_at"])
    _close(change, actor, ChangeStatus.APPROVED, "")
    record_change(actor=actor, action=AuditAction.APPROVE, instance=grant, before=before,
                  after={**_grant_picture(grant), "change": change.pk})
    queue_metrics_recompute({grant.film_id}, detail=f"grant {grant.identifier} change approved")
    return grant


@transaction.atomic
def reject_grant_change(*, change: GrantChange, actor: Actor, note: str = "") -> GrantChange:
    """A different officer turns the proposal down; the approved version (if any) stays as it was."""
    change = GrantChange.objects.select_for_update().select_related("grant").get(pk=change.pk)
    _check_reviewer(change, actor)
    _close(change, actor, ChangeStatus.REJECTED, note)
    record_change(actor=actor, action=AuditAction.REJECT, instance=change.grant, before={"change": change.pk},
                  after={"change": change.pk, "status": change.status, "note": note})
    return change


def _check_reviewer(change: GrantChange, actor: Actor):
    # Only the staff pages review changes, and they show these messages to the officer: in their language.
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(
            gettext("This change is already %(status)s.") % {"status": change.get_status_display().lower()}
        )
    user = _user_of(actor)
    if user is None:
        raise PermissionDenied(gettext("Only a signed-in grant officer can review a grant change."))
    if change.proposed_by_id == user.pk:
        raise PermissionDenied(gettext("A grant change must be approved by a different officer than its maker."))


def _close(change: GrantChange, actor: Actor, status: str, note: str):
    change.status = status
    change.reviewed_by = _user_of(actor)
    change.reviewed_at = timezone.now()
    change.review_note = note[:500]
    change.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])


def latest_version(grant: Grant) -> dict:
    """The grant as 360Giving data in its latest version: the pending proposal if there is one, else the
    approved grant with every disbursement recorded against it. A new proposal builds on this, so that two
    proposals before a review (two tranches, say) add up instead of the second undoing the first."""
    pending = grant.changes.filter(status=ChangeStatus.PENDING).first()
    if pending is not None:
        return copy.deepcopy(pending.proposed)
    return approved_version(grant)


def approved_version(grant: Grant) -> dict:
    """The approved grant as 360Giving data, with every disbursement recorded against it: what a proposal
    replaces when approved, so the reviewer's side-by-side view compares against it."""
    # The approved source as given (organisations as the publisher named them, which resolve to the same
    # records, aliases and merges included), plus any disbursement recorded outside it (the admin).
    data = exactjson.loads(exactjson.dumps(grant.source_data))
    given = {d["identifier"] for d in clean_grant(data)["disbursements"]}
    recorded = [transaction_as_360(d) for d in grant.disbursements.order_by("date", "id")
                if d.identifier not in given]
    if recorded:
        data["disbursementTransaction"] = [*(data.get("disbursementTransaction") or []), *recorded]
    return data


@transaction.atomic
def propose_link(*, grant: Grant, film: Film, actor: Actor) -> tuple[GrantChange | None, str]:
    """An officer names the film an unlinked grant funded: a change of the grant, so another officer
    approves it before the film's public figures count the grant."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    data = latest_version(grant)  # propose_grant refuses it if that is another officer's pending version
    data["filmProject"] = {"code": film.code, "title": film.title}
    _, change, outcome = propose_grant(data=clean_grant(data), actor=actor)
    return change, outcome


@transaction.atomic
def propose_disbursement(*, grant: Grant, kind: str, amount: Decimal, date: datetime.date, actor: Actor,
                         note: str = "") -> tuple[GrantChange | None, str]:
    """Money paid out under a grant, or recovered from it, proposed as a change of the grant (its 360Giving
    disbursementTransaction): public totals move only once another officer approves. A recovery cannot
    exceed what the latest version has paid out net."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": gettext("Give a positive amount; choose 'recovery' for money returned.")})
    # Before the recovery bound: that bound must not be worked out on another officer's pending version.
    _check_no_pending_change_by_another(grant.changes.filter(status=ChangeStatus.PENDING).first(), actor)
    data = latest_version(grant)
    currency = str(data.get("currency") or grant.currency).upper()
    transactions = list(data.get("disbursementTransaction") or [])
    paid = sum((Decimal(str(t["value"])) for t in transactions
                if str(t.get("currency") or currency).upper() == currency), Decimal("0"))
    if kind == DisbursementKind.RECOVERY and amount > paid:
        raise ValidationError({"amount": gettext(
            "A recovery of %(amount)s exceeds the %(paid)s %(currency)s paid out net under this grant."
        ) % {"amount": amount, "paid": paid, "currency": currency}})
    # 360Giving transactions need an id that stays the same across export and re-import.
    taken = {str(t.get("id", "")) for t in transactions}
    identifier = f"{grant.identifier}-T{len(transactions) + 1}"
    while identifier in taken:
        identifier += "a"
    transactions.append({
        "id": identifier,
        "value": -amount if kind == DisbursementKind.RECOVERY else amount,
        "currency": currency,
        "transactionDate": date.isoformat(),
        **({"description": note} if note else {}),
    })
    data["disbursementTransaction"] = transactions
    try:
        cleaned = clean_grant(data)
    except RowError as exc:
        raise ValidationError(f"{exc.field}: {exc.reason}") from None
    _, change, outcome = propose_grant(data=cleaned, actor=actor)
    return change, outcome


@transaction.atomic
def propose_withdrawal(*, grant: Grant, actor: Actor, reason: str) -> GrantChange:
    """An officer proposes to withdraw a published grant (it was never made, or made in error): once a
    different officer approves, it is unpublished — gone from every public page, export and total — and
    kept, with its history, for the audit trail. Grants are never deleted."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if not grant.published:
        raise ValidationError(gettext("Grant %(grant)s is not public: there is nothing to withdraw.")
                              % {"grant": grant.identifier})
    if not reason.strip():
        raise ValidationError({"reason": gettext(
            "Say why the grant is withdrawn: the reviewer and auditors read it.")})
    pending = grant.changes.filter(status=ChangeStatus.PENDING).first()
    _check_no_pending_change_by_another(pending, actor)
    if pending is not None:
        pending.status = ChangeStatus.SUPERSEDED
        pending.save(update_fields=["status"])
    change = GrantChange.objects.create(grant=grant, withdraw=True, proposed=approved_version(grant),
                                        door=actor.door, proposed_by=_user_of(actor),
                                        proposed_by_label=actor.display, withdraw_reason=reason.strip()[:500])
    record_change(actor=actor, action=AuditAction.PROPOSE, instance=grant, before=_grant_picture(grant),
                  after={"change": change.pk, "withdraw": True, "published": False, "reason": reason[:500]})
    return change


def _withdraw(change: GrantChange, actor: Actor) -> Grant:
    grant = Grant.objects.select_for_update().get(pk=change.grant_id)
    before = _grant_picture(grant)
    grant.published = False
    grant.save(update_fields=["published", "updated_at"])
    _close(change, actor, ChangeStatus.APPROVED, "")
    record_change(actor=actor, action=AuditAction.WITHDRAW, instance=grant, before=before,
                  after={**_grant_picture(grant), "change": change.pk})
    queue_metrics_recompute({grant.film_id})
    return grant
