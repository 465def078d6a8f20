"""The market view's computations timed straight, one process, no HTTP and no cache: what an empty-cache chart
or market request costs beneath the page (funding/market.py on the database bench/public_load.py builds).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_h5_bench DJANGO_SETTINGS_MODULE=config.settings.local \\
      SECRET_KEY=x PYTHONPATH=. python bench/market_calls.py

Run it from a checkout of another commit (same database) for a before-and-after in one sitting.
"""
from __future__ import annotations

import random
import statistics
import time

import django

django.setup()

from django.db import connection  # noqa: E402

from funding import market  # noqa: E402


def timed(label: str, fn, calls: list[tuple]) -> None:
    ms = []
    for args in calls:
        started = time.perf_counter()
        fn(*args)
        ms.append((time.perf_counter() - started) * 1000)
    ms.sort()
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    print(f"| {label} | {len(ms)} | {statistics.median(ms):.1f} | {p95:.1f} |", flush=True)


def main() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT day FROM boxoffice_filmday ORDER BY day")
        days = [r[0] for r in cursor.fetchall()]
    picks = random.Random(12).sample(days, min(40, len(days)))
    print("| call | calls | median ms | p95 ms |\n|---|---:|---:|---:|")
    for period in market.PERIODS:
        timed(f"chart {period}", lambda d, p=period: market.chart(p, d), [(d,) for d in picks])
    timed("chart week, one region (KZ-75)", lambda d: market.chart("week", d, region="KZ-75"),
          [(d,) for d in picks[:20]])
    years = market.years()
    for by in market.DIMENSIONS:
        timed(f"market by {by}", lambda y, b=by: market.market(b, y), [(y,) for y in years] * 3)
    timed("trend by format (every year)", lambda: market.trend("format"), [()] * 3)


if __name__ == "__main__":
    main()
