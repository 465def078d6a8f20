"""`make bench-box-office`: a box-office-report/1 file of 100,000 rows imported on PostgreSQL (target < 30 s).

Generates a deterministic report file (N films × 20 regions × weekly rows, disjoint weeks, so nothing is
rejected), creates a throwaway database (BENCH_DATABASE, default tracker_bench_boxoffice) on BENCH_PG
(default postgres://postgres@127.0.0.1:5432), migrates it, loads the example cinemas and N generated films,
then times `manage.py import_box_office --json FILE` in a child process end to end (the recompute is queued
on commit, as in production, to an in-memory broker nobody reads), then the recompute the worker would run
(`recompute_film_metrics` of every touched film: the day-level combination into FilmDay and the metrics),
then the same file again (every row unchanged), and drops the database. Prints the figures.

Shapes: `weekly-regional` (default: one row per film, region and week, 7 FilmDay cells per row) and
`daily-national` (a KOBIS-style daily chart: one row per film and day, 1 cell per row).

    python bench/box_office.py [--rows 100000] [--films 1000] [--shape weekly-regional|daily-national]
"""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples"
if not EXAMPLES.exists():
    EXAMPLES = ROOT / "tests" / "data" / "examples"
REGIONS_CSV = ROOT / "films" / "data" / "kz-regions.csv"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DBNAME = os.environ.get("BENCH_DATABASE", "tracker_bench_boxoffice")
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/tracker-bench-boxoffice"))
FIELDS = ["film_code", "period_start", "period_end", "gross", "admissions", "screenings", "region", "source",
          "reference"]


def regions() -> list[str]:
    path = REGIONS_CSV if REGIONS_CSV.exists() else ROOT.parent / "shared" / "spec" / "kz-regions.csv"
    with path.open(encoding="utf-8-sig") as f:
        return [r["code"] for r in csv.DictReader(f)]


def write_files(rows: int, films: int, shape: str, released: bool) -> tuple[Path, Path]:
    """films.csv with `films` films, and a report file of `rows` rows spread over them and the regions."""
    codes = [f"BX-{i:06d}" for i in range(films)]
    films_csv = WORK / f"films-{films}{'-released' if released else ''}.csv"
    with films_csv.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["film_code", "title", "year", "status", "release_date"])
        w.writerows([c, f"Bench film {c}", 2018, "released" if released else "production",
                     "2018-06-01" if released else ""] for c in codes)
    rng = random.Random(42)
    regs = regions()
    per_film = -(-rows // films)
    weeks = -(-per_film // len(regs))
    path = WORK / f"box-office-{shape}-{rows}.csv"
    n = 0
    if shape == "daily-national":
        days = -(-rows // films)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(FIELDS)
            for i, code in enumerate(codes):
                first = datetime.date(2019, 1, 1) + datetime.timedelta(days=3 * (i % 500))
                for d in range(days):
                    if n == rows:
                        return films_csv, path
                    day = (first + datetime.timedelta(days=d)).isoformat()
                    gross = rng.randrange(1_000_00, 5_000_000_00)
                    w.writerow([code, day, day, f"{gross // 100}.{gross % 100:02d}", rng.randrange(1, 2000),
                                rng.randrange(1, 30), "", "EAIS-style national registry", f"bench-{n}"])
                    n += 1
        return films_csv, path
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        for i, code in enumerate(codes):
            first = datetime.date(2023, 1, 2) + datetime.timedelta(days=7 * (i % 50))
            for week in range(weeks):
                start = first + datetime.timedelta(days=7 * week)
                for region in regs:
                    if n == rows:
                        return films_csv, path
                    gross = rng.randrange(10_000_00, 50_000_000_00)
                    w.writerow([code, start.isoformat(), (start + datetime.timedelta(days=6)).isoformat(),
                                f"{gross // 100}.{gross % 100:02d}", rng.randrange(10, 20000),
                                rng.randrange(1, 300), region, "Regional akimat weekly return", f"bench-{n}"])
                    n += 1
    return films_csv, path


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(["psql", f"{SERVER}/{db}", "-v", "ON_ERROR_STOP=1", "-qAtc", sql], check=True,
                   capture_output=True, text=True)


def manage(env: dict, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started, proc.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--films", type=int, default=1000)
    parser.add_argument("--shape", choices=["weekly-regional", "daily-national"], default="weekly-regional")
    parser.add_argument("--released", action="store_true",
                        help="register the films as released already (no release to record on import)")
    parser.add_argument("--no-recompute", action="store_true", help="skip timing the recompute")
    opts = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DBNAME}", "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "CELERY_TASK_ALWAYS_EAGER": "false", "REDIS_URL": "", "CELERY_BROKER_URL": "memory://",
           "SECRET_KEY": "bench-only", "LOG_LEVEL": "ERROR"}
    films_csv, report = write_files(opts.rows, opts.films, opts.shape, opts.released)
    print(f"{opts.rows:,} report rows ({opts.shape}) over {opts.films:,} films"
          f"{' registered as released' if opts.released else ' not yet released'}: {report} "
          f"({report.stat().st_size:,} bytes)")
    psql(f'DROP DATABASE IF EXISTS "{DBNAME}"')
    psql(f'CREATE DATABASE "{DBNAME}"')
    try:
        for cmd in (["migrate", "--noinput", "-v", "0"], ["import_cinemas", str(EXAMPLES / "cinemas.csv")],
                    ["import_films", str(films_csv)]):
            manage(env, *cmd)
        first, out = manage(env, "import_box_office", "--json", str(report))
        print(f"import_box_office, end to end: {first:.1f} s  {summary_counts(json.loads(out))}")
        if not opts.no_recompute:
            _, out = manage(env, "shell", "-c", RECOMPUTE)
            print(f"recompute of the {opts.films:,} touched films (combination + metrics): "
                  f"{float(out.strip().splitlines()[-1]):.1f} s")
        again, out = manage(env, "import_box_office", "--json", str(report))
        print(f"same file again (all unchanged): {again:.1f} s  {summary_counts(json.loads(out))}")
        _, out = manage(env, "shell", "-c", "from boxoffice.models import FilmDay; print(FilmDay.objects.count())")
        print(f"day-level summary rows (FilmDay): {int(out.strip().splitlines()[-1]):,}")
    finally:
        psql(f'DROP DATABASE IF EXISTS "{DBNAME}"')


RECOMPUTE = ("import time; from boxoffice.models import ReportRow; from funding.metrics import recompute_film_metrics; "
             "ids = sorted(set(ReportRow.objects.values_list('film_id', flat=True))); t = time.perf_counter(); "
             "[recompute_film_metrics(ids[i:i + 100]) for i in range(0, len(ids), 100)]; "
             "print(time.perf_counter() - t)")


def summary_counts(s: dict) -> str:
    return ", ".join(f"{k} {s[k]}" for k in ("created", "updated", "unchanged", "rejected"))


if __name__ == "__main__":
    main()
