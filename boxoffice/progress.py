"""Progress of a running import, kept in the cache so that it is visible outside the import's transaction.

The import runs in one database transaction (all-or-nothing), so nothing it writes to the database can be
seen until it commits; the upload page's progress bar therefore reads the cache (Redis in production,
shared by the web and worker processes).
"""

from __future__ import annotations

import time

from django.core.cache import cache

TTL_SECONDS = 24 * 3600
EVERY_RECORDS = 2000


def _key(batch_id: int) -> str:
    return f"boxoffice:batch-progress:{batch_id}"


def read_progress(batch_id: int) -> dict | None:
    """{'records': n, 'bytes': n, 'size': n, 'phase': 'reading'|'storing'} or None if nothing was reported."""
    return cache.get(_key(batch_id))


def set_progress(batch_id: int, **state):
    try:
        cache.set(_key(batch_id), state, TTL_SECONDS)
    except Exception:  # noqa: BLE001, S110 - a progress bar must never break an import (cache down)
        pass


class ProgressReporter:
    """Counts records as they are read and publishes every few thousand (and at most ~4 times a second)."""

    def __init__(self, batch_id: int, size: int, stream):
        self.batch_id, self.size, self.stream = batch_id, size, stream
        self.records = 0
        self._last = 0.0

    def _position(self) -> int:
        try:
            return min(self.stream.tell(), self.size)
        except (OSError, ValueError):
            return 0

    def tick(self):
        self.records += 1
        if self.records % EVERY_RECORDS == 0 and time.monotonic() - self._last > 0.25:
            self._last = time.monotonic()
            set_progress(
                self.batch_id, records=self.records, bytes=self._position(), size=self.size, phase="reading"
            )

    def done_reading(self):
        set_progress(self.batch_id, records=self.records, bytes=self.size, size=self.size, phase="storing")
