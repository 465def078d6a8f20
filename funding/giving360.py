"""Validation against the vendored 360Giving 1.4.3 schemas (CC BY 4.0), offline."""
from __future__ import annotations

import datetime
import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


def _is_datetime(value) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        return False
    try:
        moment = datetime.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return moment.tzinfo is not None


def format_checker() -> FormatChecker:
    """360Giving dates are oneOf(date-time, YYYY-MM-DD): the date-time format must really be checked, or a
    plain date matches both branches and fails oneOf."""
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_datetime)
    return checker


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def grant_validator() -> Draft202012Validator:
    return Draft202012Validator(_schema("360-giving-schema.json"), format_checker=format_checker())


@lru_cache(maxsize=1)
def package_validator() -> Draft202012Validator:
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    grant = _schema("360-giving-schema.json")
    # The schemas name their dialect as http://…/draft/2020-12/schema, which referencing does not recognise
    # by itself; and the 1.4.3 package schema still names the grant schema by its 1.4.2 address.
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources([(grant["$id"], resource),
                                          (grant["$id"].replace("1.4.3", "1.4.2"), resource)])
    return Draft202012Validator(_schema("360-giving-package-schema.json"), registry=registry,
                                format_checker=format_checker())
