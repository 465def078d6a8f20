"""The grants register as a 360Giving 1.4 package: what export_grants and the open-data download give."""
from __future__ import annotations

import copy

from django.utils import timezone

from .models import Disbursement, Grant

PACKAGE_VERSION = "1.4"


def grant_as_360(grant: Grant) -> dict:
    """One published grant in 360Giving terms: the publisher's own fields kept, the register's on top."""
    out = copy.deepcopy(grant.source_data) if isinstance(grant.source_data, dict) else {}
    out.update({
        "id": grant.identifier,
        "title": grant.title,
        "description": grant.description,
        "currency": grant.currency,
        "amountAwarded": grant.amount_awarded,
        "awardDate": grant.award_date.isoformat(),
        "fundingOrganization": [_org(grant.funder, out.get("fundingOrganization"))],
    })
    if grant.recipient is not None:
        out["recipientOrganization"] = [_org(grant.recipient, out.get("recipientOrganization"))]
    if grant.amount_disbursed is not None:
        out["amountDisbursed"] = grant.amount_disbursed
    else:
        out.pop("amountDisbursed", None)
    if grant.planned_start or grant.planned_end:
        event = dict((out.get("plannedDates") or [{}])[0])
        if grant.planned_start:
            event["startDate"] = grant.planned_start.isoformat()
        if grant.planned_end:
            event["endDate"] = grant.planned_end.isoformat()
        out["plannedDates"] = [event, *(out.get("plannedDates") or [])[1:]]
    if grant.programme is not None:
        prog = dict((out.get("grantProgramme") or [{}])[0])
        prog["title"] = grant.programme.title
        if grant.programme.code:
            prog["code"] = grant.programme.code
        out["grantProgramme"] = [prog, *(out.get("grantProgramme") or [])[1:]]
    disbursements = list(grant.disbursements.all())
    if disbursements:
        out["disbursementTransaction"] = [transaction_as_360(d) for d in disbursements]
    if grant.repayable_amount is not None:
        out["repayable"] = {"amount": grant.repayable_amount,
                            **({"dueDate": grant.repayable_due_date.isoformat()} if grant.repayable_due_date else {})}
    else:
        out.pop("repayable", None)
    if grant.film is not None:
        out["filmProject"] = {"code": grant.film.code, "title": grant.film.title}
    elif grant.film_code:
        out["filmProject"] = {"code": grant.film_code, "title": grant.film_title}
    else:
        out.pop("filmProject", None)
    return out


def transaction_as_360(d: Disbursement) -> dict:
    """A disbursement or recovery as a 360Giving disbursementTransaction (a recovery's value is negative)."""
    return {"id": d.identifier, "value": d.signed_amount, "currency": d.currency,
            "transactionDate": d.date.isoformat(), **({"description": d.note} if d.note else {})}


def _org(org, given) -> dict:
    base = dict((given or [{}])[0]) if given else {}
    base["id"] = org.identifier or base.get("id") or f"XI-NAME-{org.pk}"
    base["name"] = org.name
    return base


def grants_package(grants=None) -> dict:
    grants = grants if grants is not None else Grant.objects.published()
    grants = grants.select_related("funder", "recipient", "programme", "film").prefetch_related("disbursements")
    return {
        "version": PACKAGE_VERSION,
        "extensions": [],
        "title": "State film funding: grants",
        "description": "Grants to film projects from the film-funding accountability tracker.",
        "issued": timezone.now().date().isoformat(),
        "grants": [grant_as_360(g) for g in grants.order_by("identifier")],
    }
