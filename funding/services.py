"""Writes to the grants register: 360Giving import (JSON and CSV), linking, disbursements."""
from __future__ import annotations

import copy
import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from films.audit import Actor, record_change, snapshot
from films.importing import RegisterImportReport, RowError
from films.models import Film
from films.services import get_or_create_organisation
from films.tabular import FileRejected, not_utf8_message, peek_kind, read_csv

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
    "film project:title": None,
}
CSV_REQUIRED = ["identifier", "title", "currency", "amount awarded", "award date", "recipient org:identifier",
                "recipient org:name", "funding org:identifier", "funding org:name"]
# Fields held in columns; everything else of a grant stays in source_data and goes back out on export.
GRANT_FIELDS = ["identifier", "title", "description", "currency", "amount_awarded", "amount_disbursed",
                "award_date", "planned_start", "planned_end", "recipient_id", "funder_id", "programme_id",
                "film_id", "film_code", "film_title"]


DATE_PATHS = re.compile(r"(awardDate|startDate|endDate|transactionDate)$")


def schema_problem(grant: dict) -> str | None:
    """Every problem the 360Giving schema finds in the grant (one per field, "; " between), or None."""
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
            problems.setdefault("grant", f"missing required 360Giving field(s): {', '.join(missing)}"
                                if missing else e.message)
        elif DATE_PATHS.search(where) and isinstance(e.instance, str):
            # Not "is not valid under any of the given schemas": say what a date must look like.
            problems.setdefault(where, f"{where}: '{e.instance}' is not a date; write it as YYYY-MM-DD")
        elif e.validator == "enum" and len(e.validator_value) > 10:  # not the whole ISO 4217 list
            known = "an ISO 4217 currency code such as KZT" if where == "currency" else "one of the schema's codes"
            problems.setdefault(where, f"{where}: '{e.instance}' is not {known}")
        else:
            problems.setdefault(where, f"{where}: {e.message}")
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


def _decimal(value, field_name: str) -> Decimal:
    if isinstance(value, bool):
        raise RowError(field_name, "must be a number")
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RowError(field_name, f"'{value}' is not a number (no grouping, '.' as decimal point)") from None
    if not d.is_finite() or d.as_tuple().exponent < -2 and d != d.quantize(Decimal("0.01")):
        raise RowError(field_name, f"{value} has more than 2 decimal places")
    return d.quantize(Decimal("0.01"))


def _date(value, field_name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    text = str(value)[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RowError(field_name, f"'{value}' is not a date (YYYY-MM-DD)") from None


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
            grant[money] = _decimal(grant[money], "Amount Awarded" if money == "amountAwarded" else "Amount Disbursed")
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
    return grant


def clean_grant(grant: dict) -> dict:
    """Validate one 360Giving grant and pull out the values the register keeps in columns."""
    if not isinstance(grant, dict):
        raise RowError("grant", "must be a JSON object")
    problem = schema_problem(grant)
    if problem:
        raise RowError(problem.split(":")[0] if ":" in problem else "grant", problem)
    currency = grant["currency"].upper()
    amount = _decimal(grant["amountAwarded"], "amountAwarded")
    if amount < 0:
        raise RowError("amountAwarded", "must not be negative")
    planned = (grant.get("plannedDates") or [{}])[0]
    programme = (grant.get("grantProgramme") or [None])[0]
    film = grant.get("filmProject") or {}
    if film and not isinstance(film, dict):
        raise RowError("filmProject", 'must be an object {"code": "...", "title": "..."}')
    disbursements = []
    for i, tx in enumerate(grant.get("disbursementTransaction") or []):
        if "value" not in tx or "transactionDate" not in tx:
            raise RowError(f"disbursementTransaction/{i}", "needs value and transactionDate")
        value = _decimal(tx["value"], f"disbursementTransaction/{i}/value")
        disbursements.append({
            "identifier": str(tx.get("id", "")) or f"{grant['id']}#{i + 1}",
            "kind": DisbursementKind.RECOVERY if value < 0 else DisbursementKind.DISBURSEMENT,
            "amount": abs(value), "currency": (tx.get("currency") or currency).upper(),
            "date": _date(tx["transactionDate"], f"disbursementTransaction/{i}/transactionDate"),
            "note": tx.get("description") or "",
        })
    recipient = (grant.get("recipientOrganization") or [None])[0]
    return {
        "identifier": grant["id"],
        "title": grant["title"],
        "description": grant.get("description") or "",
        "currency": currency,
        "amount_awarded": amount,
        "amount_disbursed": _decimal(grant["amountDisbursed"], "amountDisbursed")
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
        "source": grant,
    }


def _grant_picture(grant: Grant) -> dict:
    pic = snapshot(grant, fields=None)
    pic.pop("source_data", None)
    pic["source_data"] = json.loads(exactjson.dumps(grant.source_data))
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
    values.update(recipient=recipient, funder=funder, programme=programme, film=film,
                  source_data=copy.deepcopy(data["source"]))
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
        outcome = "created"
        record_change(actor=actor, action="create", instance=grant, before=None, after=after)
    elif before == after:
        return grant, "unchanged"
    else:
        outcome = "updated"
        record_change(actor=actor, action="update", instance=grant, before=before, after=after)
    queue_metrics_recompute({old_film_id, grant.film_id})
    return grant, outcome


def _sync_disbursements(grant: Grant, wanted: list[dict]):
    if not wanted and not grant.source_data.get("disbursementTransaction"):
        return  # the file says nothing of disbursements: keep those entered by staff
    keep = set()
    for d in wanted:
        obj, _ = Disbursement.objects.update_or_create(grant=grant, identifier=d["identifier"], defaults=d)
        keep.add(obj.pk)
    grant.disbursements.exclude(pk__in=keep).delete()


def queue_metrics_recompute(film_ids):
    """Grants changed: recompute those films' metrics once the change commits."""
    from .tasks import recompute_film_metrics_task

    ids = sorted(i for i in film_ids if i)
    if ids:
        transaction.on_commit(partial(_send_recompute, recompute_film_metrics_task, ids))


def _send_recompute(task, ids):
    try:
        task.delay(ids)
    except Exception:  # noqa: BLE001 - broker away: the periodic full recompute catches it
        import logging

        logging.getLogger(__name__).warning("could not queue metrics recompute for films %s", ids, exc_info=True)


def read_grants(stream: BinaryIO) -> tuple[list[tuple[int, object]], list[str], str]:
    """(position, grant) pairs from a 360Giving JSON package or flattened CSV; FileRejected if unusable."""
    if peek_kind(stream) == "json":
        raw = stream.read()
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
    with transaction.atomic():
        for position, grant in rows:
            key = grant.get("id", "") if isinstance(grant, dict) else getattr(grant, "key", "")
            try:
                if isinstance(grant, RowError):
                    raise grant
                if key and key in seen:
                    raise RowError("id", f"grant {key} already given at {seen[key]} in this file")
                data = clean_grant(grant)
                seen[key] = position
                with transaction.atomic():
                    if review:
                        try:
                            g, change, outcome = propose_grant(data=data, actor=actor)
                        except ValidationError as exc:
                            raise RowError("id", " ".join(exc.messages)) from None
                    else:
                        g, outcome = upsert_grant(data=data, actor=actor, published=published)
                report.add(position, key, outcome)
                if review and change is not None and outcome != "unchanged":
                    report.warnings.append(f"grant {key} awaits approval by another grant officer")
                if g.film_id is None:
                    why = f"film {g.film_code} is not registered" if g.film_code else "it names no film"
                    report.warnings.append(f"grant {key} stored as unlinked: {why}")
            except RowError as exc:
                field, reason = exc.field, exc.reason
                if position_label == "line":  # a CSV: its columns' names, not the JSON paths they became
                    field, reason = in_column_words(field), in_column_words(reason)
                report.add(position, str(key), "rejected", field, reason)
    return report


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
    record_change(actor=actor, action="link", instance=grant, before=before, after=_grant_picture(grant))
    queue_metrics_recompute({old, film.pk})
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
    return result["outcome"] != "unchanged"


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
        if outcome == "unchanged" and pending is not None:
            return grant, pending, outcome
        is_new = True
    else:
        if not _would_change(data=data, actor=actor):
            return grant, None, "unchanged"
        if pending is not None and exactjson.dumps(pending.proposed) == exactjson.dumps(data["source"]):
            return grant, pending, "unchanged"
        outcome, is_new = "updated", False
    if pending is not None:
        pending.status = ChangeStatus.SUPERSEDED
        pending.save(update_fields=["status"])
    change = GrantChange.objects.create(grant=grant, is_new=is_new, proposed=copy.deepcopy(data["source"]),
                                        door=actor.door, proposed_by=_user_of(actor),
                                        proposed_by_label=actor.display)
    record_change(actor=actor, action="propose", instance=grant, before=_grant_picture(grant),
                  after={"change": change.pk, "proposed": json.loads(exactjson.dumps(data["source"]))})
    return grant, change, outcome


@transaction.atomic
def approve_grant_change(*, change: GrantChange, actor: Actor) -> Grant:
    """A different officer approves: the proposed version becomes the grant the public sees."""
    change = GrantChange.objects.select_for_update().select_related("grant").get(pk=change.pk)
    _check_reviewer(change, actor)
    grant, _ = upsert_grant(data=clean_grant(change.proposed), actor=actor, published=True)
    before = _grant_picture(grant)
    if not grant.published:
        grant.published = True
        grant.save(update_fields=["published", "updated_at"])
    _close(change, actor, ChangeStatus.APPROVED, "")
    record_change(actor=actor, action="approve", instance=grant, before=before,
                  after={**_grant_picture(grant), "change": change.pk})
    queue_metrics_recompute({grant.film_id})
    return grant


@transaction.atomic
def reject_grant_change(*, change: GrantChange, actor: Actor, note: str = "") -> GrantChange:
    """A different officer turns the proposal down; the approved version (if any) stays as it was."""
    change = GrantChange.objects.select_for_update().select_related("grant").get(pk=change.pk)
    _check_reviewer(change, actor)
    _close(change, actor, ChangeStatus.REJECTED, note)
    record_change(actor=actor, action="reject", instance=change.grant, before={"change": change.pk},
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
