"""A CSV batch read in two processes (boxoffice/parts.py) gives exactly the one-process outcomes and messages."""

import random

import pytest
from django.db import transaction
from django.test import override_settings

from boxoffice import parts
from boxoffice.choices import BatchSource, BatchStatus
from boxoffice.models import Cinema, TicketTransaction
from boxoffice.services import import_sales
from films.audit import Actor

from .helpers import as_csv, random_records, sale
from .test_copy_path_parity import _Rollback, _state

pytestmark = pytest.mark.usefixtures("registers", "postgres_only")

ONE_PROCESS, TWO = 10**12, 0  # SALES_SPLIT_MIN_BYTES


def _send_file(tmp_path, content: bytes, name: str, cinema=None):
    path = tmp_path / name
    path.write_bytes(content)
    with path.open("rb") as stream:
        return import_sales(stream=stream, source=BatchSource.CLI if cinema is None else BatchSource.API,
                            actor=Actor.command("test"), filename=name, cinema=cinema)


def _both_ways(tmp_path, monkeypatch, files: list[bytes], cinema_code=None) -> tuple[dict, dict, list]:
    """The state after importing `files` in one process, rolled back, then in two; and each batch's way."""
    ways = []
    real = parts.copy_lines_in_two

    def spy(*args):
        received = real(*args)
        ways.append(received)
        return received

    monkeypatch.setattr(parts, "copy_lines_in_two", spy)

    def run(split: int, tag: str) -> dict:
        cinema = Cinema.objects.get(code=cinema_code) if cinema_code else None
        with override_settings(SALES_SPLIT_MIN_BYTES=split):
            batches = [_send_file(tmp_path, f, f"{tag}{i}.csv", cinema) for i, f in enumerate(files)]
        return _state(batches) | {"messages": [b.message for b in batches], "status": [b.status for b in batches]}

    try:
        with transaction.atomic():
            one = run(ONE_PROCESS, "one")
            raise _Rollback
    except _Rollback:
        pass
    assert not TicketTransaction.objects.exists() and ways == []
    return one, run(TWO, "two"), ways


@pytest.mark.parametrize("seed", range(6))
def test_two_processes_agree_with_one(seed, tmp_path, monkeypatch):
    rng = random.Random(seed)
    files = [as_csv(random_records(rng, rng.randint(20, 60), repeats=seed % 2 == 0)) for _ in range(3)]
    one, two, ways = _both_ways(tmp_path, monkeypatch, files)
    assert two == one
    assert len(ways) == 3 and all(received > 0 for received in ways)  # each file really was read in two


def _file(n: int, bad_line: int | None = None, bad=b"") -> bytes:
    lines = as_csv([sale(f"P{i}") for i in range(n)]).splitlines(keepends=True)
    if bad_line is not None:
        lines[bad_line - 1] = lines[bad_line - 1].replace(b"P", bad, 1)
    return b"".join(lines)


@pytest.mark.parametrize("where", ["first half", "second half"])
@pytest.mark.parametrize("bad", [b"\x00", b"\xff\xfe"], ids=["NUL", "not UTF-8"])
def test_a_file_refused_whole_says_the_same_in_two_processes(where, bad, tmp_path, monkeypatch):
    line = 5 if where == "first half" else 38
    one, two, ways = _both_ways(tmp_path, monkeypatch, [_file(40, line, bad)])
    assert two["status"] == one["status"] == [BatchStatus.REJECTED]
    assert two["messages"] == one["messages"] and two["messages"][0]
    assert ways == []  # it was worded by the one-process reading, after the halves were given up


def test_another_cinemas_record_in_the_second_half_names_its_line(tmp_path, monkeypatch):
    records = [sale(f"Q{i}") for i in range(40)]
    records[30]["cinema_code"] = "KZ-C0002"
    one, two, _ = _both_ways(tmp_path, monkeypatch, [as_csv(records)], cinema_code=records[0]["cinema_code"])
    assert two["messages"] == one["messages"]
    assert "Line 32 reports for cinema KZ-C0002" in two["messages"][0]


def test_what_is_not_cut_at_a_line(tmp_path):
    def halves(content: bytes):
        path = tmp_path / "f.csv"
        path.write_bytes(content)
        from boxoffice.records import read_records

        with path.open("rb") as stream:
            return parts.split(stream, read_records(stream).table, len(content))

    plain = _file(40)
    with override_settings(SALES_SPLIT_MIN_BYTES=0):
        first, second = halves(plain)
        assert plain[first.end - 1:first.end] == b"\n" and first.end == second.start
        assert second.header_line == plain[:second.start].count(b"\n")  # the line before the second half's first
        assert plain.count(b"\r\n") == plain.count(b"\n")  # as_csv writes CRLF; LF lines are counted alike:
        lf = plain.replace(b"\r\n", b"\n")
        assert halves(lf)[1].header_line == lf[:halves(lf)[1].start].count(b"\n")
        assert halves(plain.replace(b"P1,", b'"P1",', 1)) is None  # a quote: a value may span lines
        assert halves(plain.replace(b"\r\n", b"\r")) is None  # lone CRs end lines the bytes do not count
    with override_settings(SALES_SPLIT_MIN_BYTES=len(plain) + 1):
        assert halves(plain) is None  # a small file is read in one process


def test_the_first_halfs_progress_is_shown_over_the_whole_file(tmp_path):
    """Both halves are read side by side: the progress of the first, stretched to the file's size, ends at 100 %."""
    from boxoffice.records import read_records

    content = _file(40)
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    with path.open("rb") as stream, override_settings(SALES_SPLIT_MIN_BYTES=0):
        table = read_records(stream).table
        first, _ = parts.split(stream, table, len(content))
        records, where = parts.part_records(stream, table, first, shown_end=len(content))
        assert where.tell() == first.start
        assert len(list(records)) == content[:first.end].count(b"\n") - 1
        assert where.tell() == len(content)
