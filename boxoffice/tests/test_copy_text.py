"""The COPY path writes its staging rows as COPY text lines itself: every value must come back exactly."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boxoffice.copypath import NULL, copy_text
from boxoffice.records import raw_as_text, raw_json

# Any text a record can carry into the staging table: no NUL (refused or shown as \u0000 before it gets
# there) and no lone surrogates (not UTF-8).
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
tricky = st.sampled_from(["\\N", "\\.", "\\", "\\\\", "\t", "\n", "\r", "\r\n", "a\\tb", "\\n", "ü€😀",
                          "\u2028", "\x0b\x0c", "\x7f", " ", ""])
values = st.one_of(texts, tricky, st.lists(st.one_of(texts, tricky), max_size=4).map("".join))


@pytest.fixture
def round_trip(postgres_only):
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE copy_text_check (i integer, a text, b text)")

    def run(rows: list[tuple[str | None, str | None]]) -> list[tuple[str | None, str | None]]:
        with connection.connection.cursor() as cur:
            cur.execute("TRUNCATE copy_text_check")
            lines = "".join(
                "\t".join((str(i), *(NULL if v is None else copy_text(v) for v in row))) + "\n"
                for i, row in enumerate(rows)
            )
            with cur.copy("COPY copy_text_check (i, a, b) FROM STDIN") as copy:
                copy.write(lines.encode())
            cur.execute("SELECT a, b FROM copy_text_check ORDER BY i")
            return cur.fetchall()

    yield run
    with connection.cursor() as cur:
        cur.execute("DROP TABLE copy_text_check")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.one_of(st.none(), values), values), min_size=1, max_size=8))
def test_copy_text_round_trips(round_trip, rows):
    assert round_trip(rows) == rows


def test_copy_text_tricky_values(round_trip):
    rows = [("\\N", None), ("\\.", "\t"), ("a\\b\tc\nd\re", "\\\\N"), ("", "ü€😀\u2028")]
    assert round_trip(rows) == rows


json_values = st.one_of(values, st.text(max_size=10), st.integers(), st.booleans(), st.none(),
                        st.decimals(allow_nan=False, places=3), st.lists(st.integers(), max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.dictionaries(st.sampled_from(["cinema_code", "transaction_id", "kind", "amount", "x\x00y", "__extra__"]),
                    json_values, max_size=6),
    st.dictionaries(st.text(max_size=8), json_values, max_size=4),
    st.dictionaries(st.text(max_size=8), values, max_size=4),
    st.lists(st.integers(), max_size=2),
    st.text(max_size=5),
))
def test_raw_json_is_raw_as_text(record):
    """The fast encoding of a record's text says exactly what json.dumps(raw_as_text(…)) says."""
    expected = json.loads(json.dumps(raw_as_text(record), ensure_ascii=False), parse_float=Decimal)
    assert json.loads(raw_json(record), parse_float=Decimal) == expected


@pytest.mark.usefixtures("postgres_only")
def test_raw_json_is_valid_jsonb_with_tricky_text():
    record = {"transaction_id": "a\\b\t\"c\"\n", "screen": "\\N", "film_code": "ü😀\u2028\x1f"}
    with connection.cursor() as cur:
        cur.execute("SELECT %s::jsonb = %s::jsonb", [raw_json(record), json.dumps(record)])
        assert cur.fetchone()[0]
