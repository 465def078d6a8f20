"""Organisation identifiers (org-id.guide style `SCHEME-value`), checked by their scheme.

KZ-BIN: a Kazakh business identification number has 12 digits, the last a check digit. The check is the one
the Government of Kazakhstan fixed for IIN and BIN (Decree No. 565 of 11 June 2003, as described in the
OECD's "Kazakhstan – Information on Tax Identification Numbers"): the first 11 digits weighted 1…11, sum
mod 11; if that gives 10, weighted 3, 4, …, 11, 1, 2 instead; if that gives 10 again the number is never
issued; otherwise the remainder is the 12th digit.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

BIN_PREFIX = "KZ-BIN-"
WEIGHTS = (range(1, 12), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))
ORG_ID = re.compile(r"[A-Z]{2,4}-[A-Z0-9]{2,10}-\S+")


def bin_check_digit(first11: str) -> int | None:
    """The check digit of 11 digits, or None when no valid BIN starts with them."""
    for weights in WEIGHTS:
        remainder = sum(int(d) * w for d, w in zip(first11, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def identifier_problem(identifier: str) -> str | None:
    """Why the identifier cannot be right (in the user's language), or None."""
    identifier = identifier.strip()
    if identifier.upper().startswith(BIN_PREFIX):
        digits = identifier[len(BIN_PREFIX):]
        if not identifier.startswith(BIN_PREFIX):
            return _("Write the scheme in capitals: %(prefix)s%(digits)s.") % {"prefix": BIN_PREFIX, "digits": digits}
        if not (len(digits) == 12 and digits.isdigit()):
            return _("A Kazakh BIN has 12 digits; %(value)s has %(n)s.") % {
                "value": digits, "n": sum(c.isdigit() for c in digits)}
        check = bin_check_digit(digits[:11])
        if check is None or check != int(digits[11]):
            return _("%(value)s is not a valid BIN: its check digit does not match. Copy it again from the "
                     "organisation's registration certificate.") % {"value": digits}
        return None
    if not ORG_ID.fullmatch(identifier):
        return _("Write the identifier as scheme and value, e.g. KZ-BIN-123456789012 (see org-id.guide).")
    return None
