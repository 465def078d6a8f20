"""Reading a large CSV batch in two processes: the file cut in two at a line, the second half read by a fork.

Reading and checking a record in Python (the csv module, records.clean_record, its COPY line) is ~16 µs, most
of a national batch's import, and it runs on one core while the server ingests the COPY on the other. Here a
forked child reads, checks and writes the COPY lines of the file's second half into a pipe while this process
does the first half, and this process sends both to the one COPY (staging rows carry their line numbers, so
their order in the COPY does not matter). Same code for both halves: films.tabular's rows, services' checks,
copypath's lines.

Only for files where a cut at a line ending is a cut between records and the line numbers can be counted from
the bytes: no quote character (no value spans lines), no carriage return but in CRLF, the header on line 1, and a
real file (read with pread by both processes). Anything the child meets that stops a batch (a bad byte, a NUL,
another cinema's record for one cinema's credentials) is not worded by it: the child exits failed, and the caller
reads the whole file again in one process, which finds the first such problem in file order and words it as
always. The child never touches the database connection or the cache it inherited, and leaves with os._exit.
"""

from __future__ import annotations

import fcntl
import io
import logging
import os
import select
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

from films.tabular import CsvTable, FileRejected

log = logging.getLogger(__name__)

SCAN_BYTES = 1 << 20
PIPE_BYTES = 1 << 20  # Linux's default /proc/sys/fs/pipe-max-size


class PartFailed(Exception):  # noqa: N818 - not an error to show: the caller reads the file in one process
    """The second half could not be read as it was cut; nothing of it may be kept."""


@dataclass(frozen=True)
class Part:
    start: int  # byte offsets in the file, from the first byte of a line …
    end: int  # … to just after a line end
    header_line: int  # the line number before the part's first line (tabular counts from it)


class _Range(io.RawIOBase):
    """Bytes start…end of a file descriptor, read with pread (the file's shared offset is not moved)."""

    def __init__(self, fd: int, start: int, end: int, shown_end: int | None = None):
        self._fd, self._start, self._at, self._end = fd, start, start, end
        self._shown = (shown_end - start) / max(end - start, 1) if shown_end else 1.0

    def readable(self):
        return True

    def tell(self):
        """The position shown as progress: with `shown_end`, the share read of this part stretched to end there
        (both halves are read at about the same pace)."""
        return self._start + round((self._at - self._start) * self._shown)

    def readinto(self, buffer):
        size = min(len(buffer), self._end - self._at)
        if size <= 0:
            return 0
        data = os.pread(self._fd, size, self._at)
        buffer[:len(data)] = data
        self._at += len(data)
        return len(data)


def split(stream: BinaryIO, table: CsvTable | None, size: int) -> tuple[Part, Part] | None:
    """The file's records cut in two halves at a line end, or None when it is not a file for that."""
    if table is None or table.header_line != 1 or size < settings.SALES_SPLIT_MIN_BYTES:
        return None
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None
    header_end, lines, cut, previous, at = None, 0, None, b"", 0
    middle = size // 2
    while at < size:
        chunk = os.pread(fd, SCAN_BYTES, at)
        if not chunk:
            break
        seam = previous[-1:] + chunk
        if b'"' in chunk or seam.count(b"\r") != seam.count(b"\r\n") + (1 if chunk.endswith(b"\r") else 0):
            return None  # a quoted value may span lines; a lone CR is a line end the bytes do not count
        if header_end is None and b"\n" in chunk:
            header_end = at + chunk.index(b"\n") + 1
        if cut is None and at + len(chunk) > middle:
            newline = chunk.find(b"\n", max(middle - at, 0))
            if newline >= 0:
                cut = at + newline + 1
                lines += chunk.count(b"\n", 0, newline + 1)
            else:
                lines += chunk.count(b"\n")
        elif cut is None:
            lines += chunk.count(b"\n")
        previous, at = chunk, at + len(chunk)
    if header_end is None or cut is None or not header_end < cut < size:
        return None
    return Part(header_end, cut, 1), Part(cut, size, lines)


def part_records(stream: BinaryIO, table: CsvTable, part: Part, shown_end: int | None = None,
                 ) -> tuple[Iterator[tuple[int, dict]], _Range]:
    """The records of one part, exactly as tabular reads them (line numbers included), and the byte range they
    are read from (its tell() is the progress to show: see _Range)."""
    where = _Range(stream.fileno(), part.start, part.end, shown_end)
    return table.rows_from(io.BufferedReader(where), part.header_line), where


def encoded(lines: Iterator[str], per_write: int) -> Iterator[bytes]:
    """COPY lines joined `per_write` at a time, as the bytes one write sends."""
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) == per_write:
            yield "".join(batch).encode()
            batch.clear()
    if batch:
        yield "".join(batch).encode()


def copy_lines_in_two(write: Callable[[bytes], None], own: Iterator[str], other: Callable[[], Iterator[str]],
                      lines_per_write: int) -> int:
    """Write `own` COPY lines, and those a forked child makes from `other()`, through `write`; returns how many
    lines the child sent. Raises PartFailed if the child could not read its part; an error of `own` stops the
    child and goes up as it is (it comes first in file order)."""
    read_end, write_end = os.pipe()
    try:  # room for a few thousand lines: the child must not wait on this process between its drains
        fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:
        pass
    pid = os.fork()
    if pid == 0:  # the child: no database, no cache, no atexit; only the pipe
        os.close(read_end)
        code = 1
        try:
            out = os.fdopen(write_end, "wb", buffering=1 << 20)
            for data in encoded(other(), lines_per_write):
                out.write(data)
            out.flush()
            code = 0
        except BaseException:  # noqa: BLE001 - any failure: the parent reads the file again itself
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    os.set_blocking(read_end, False)
    pending, received = b"", 0

    def drain(block: bool) -> bool:
        """Send the child's complete lines read so far; False at its end of output."""
        nonlocal pending, received
        while True:
            if block:
                select.select([read_end], [], [])
            try:
                data = os.read(read_end, 1 << 20)
            except BlockingIOError:
                return True
            if not data:
                return False
            data = pending + data
            cut = data.rfind(b"\n") + 1
            pending = data[cut:]
            if cut:
                received += data.count(b"\n", 0, cut)
                write(data[:cut])
            block = False  # then whatever else is there already, without waiting

    try:
        for data in encoded(own, lines_per_write):
            write(data)
            drain(block=False)
        while drain(block=True):
            pass
    except BaseException as exc:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        if isinstance(exc, FileRejected):  # worded by the one-process reading, which sees the whole file
            raise PartFailed(str(exc)) from exc
        raise
    os.close(read_end)
    _, status, usage = os.wait4(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or pending:
        raise PartFailed(f"the second half's reader ended with status {status}")
    log.debug("the second half's reader: %s lines, %.1f s of CPU, peak %.0f MB", received, usage.ru_utime,
              usage.ru_maxrss / 1024)
    return received
