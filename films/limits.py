"""Every bound on what the tracker accepts, in one place: readers, forms, services and middleware import these.

Money is stored as Decimal(20, 2): at most 999,999,999,999,999,999.99 (just under 10^18). The per-record
bounds leave room for every sum the tracker keeps or shows (per film, per cinema, per region, national,
per day, per week): a film's gross would need a million ticket records each at the maximum before it could
reach the column's limit, and the national total of grants a thousand grants each at the maximum. A ticket
record is at most 1,000 tickets, so 10^12 tenge a record is already a billion tenge a seat.
"""

from __future__ import annotations

from decimal import Decimal

# --- Money -------------------------------------------------------------------------------------------------
MONEY_MAX_DIGITS = 20
MONEY_PLACES = 2
MONEY_COLUMN_MAX = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_PLACES) - Decimal("0.01")
# One ticket-sales record's amount, and one box-office report's gross (a film's week at one cinema).
MAX_TICKET_AMOUNT = Decimal(10) ** 12
MAX_REPORT_GROSS = Decimal(10) ** 12
# One grant's amount awarded or disbursed, and one disbursement or recovery.
MAX_GRANT_AMOUNT = Decimal(10) ** 15

# Return on funding is stored as Decimal(24, 12): a ratio this large or larger is not stored (shown as none).
MAX_STORED_RATIO = Decimal(10) ** 12

# --- JSON nesting: checked while streaming, before anything is built ----------------------------------------
# ticket-sales/1 is {envelope} > [transactions] > {record}: 3 levels. A few more are let through so that a
# record with an object where text belongs is refused on its own, with a per-record message.
TICKET_SALES_JSON_LEVELS = 3
MAX_TICKET_SALES_JSON_DEPTH = 8
# A 360Giving package is {package} > [grants] > {grant} > [recipientOrganization] > {org} > [location] >
# {location}: 7 levels; additional data may add a few.
GRANTS_JSON_LEVELS = 7
MAX_GRANTS_JSON_DEPTH = 16

# --- CSV ----------------------------------------------------------------------------------------------------
MAX_CSV_COLUMNS = 200
# The longest value of one CSV cell, and so the longest header line (checked before it is split).
MAX_CSV_FIELD_CHARS = 100_000
MAX_CSV_HEADER_CHARS = 64 * 1024

# --- Text fields of the grants register (the Grant model's columns) ------------------------------------------
MAX_GRANT_IDENTIFIER_CHARS = 200
MAX_GRANT_TITLE_CHARS = 500
MAX_GRANT_DESCRIPTION_CHARS = 20_000
MAX_ORGANISATION_ID_CHARS = 100
MAX_ORGANISATION_NAME_CHARS = 300
MAX_PROGRAMME_TITLE_CHARS = 300
MAX_PROGRAMME_CODE_CHARS = 100
MAX_TRANSACTION_ID_CHARS = 200
MAX_NOTE_CHARS = 500

# --- HTTP ---------------------------------------------------------------------------------------------------
# Any one request header (Cookie, User-Agent, Authorization …). Front proxies usually stop at 8 KB too.
MAX_HEADER_BYTES = 8 * 1024
