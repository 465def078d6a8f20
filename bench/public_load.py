"""Load benchmark of the public site: gunicorn on PostgreSQL with 5,000,000 ticket records, measured by wrk.

    python bench/public_load.py [--tickets 5000000] [--keep | --build-only] [--reuse]

Builds a throwaway database (tracker_h5_bench by default, BENCH_DATABASE_URL to change), loads the demo
registers, generates the ticket records straight in SQL (screenings, then tickets, then the daily summaries
the pages read, as the import keeps them), imports a year of daily box-office reports (--report-days), recomputes
the metrics (which rebuilds the combined day-level summary the charts read), starts gunicorn with the production
settings and Redis as the cache, and runs wrk at 32 connections against the film page (random films), the
film list and the API film list. Writes bench/PUBLIC_LOAD.md and drops the database unless --keep.
--build-only builds the database and keeps it without measuring; --reuse then measures it again (only the
metrics recompute runs before the load), so the 5,000,000 tickets are generated once for many runs.
Anonymous API throttling is off for the run (API_ANON_RATE=""): all load comes from one address, which
would be throttled after 600 requests a minute, and whose request history (one timestamp per request in
the last minute) would grow to tens of thousands of entries, a cost no real visitor's address carries.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_h5_bench")
DB = DB_URL.rsplit("/", 1)[1]  # the database the run creates and drops: the one BENCH_DATABASE_URL names
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CONNECTIONS = 32
DURATION = "20s"
RECOMPUTED_FILMS = 5  # a sales batch from one cinema touches the few films it shows
LUA = """
local paths = {}
local n = 0
init = function(args)
  for line in io.lines(args[1]) do n = n + 1; paths[n] = line end
end
request = function()
  return wrk.format("GET", paths[math.random(1, n)])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%.2f p95=%.2f p99=%.2f max=%.2f requests=%d errors=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def env(**extra):
    e = dict(
        os.environ,
        DATABASE_URL=DB_URL,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="bench-only-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        REDIS_URL=REDIS,
        CELERY_TASK_ALWAYS_EAGER="true",
        API_ANON_RATE="",
        CONN_MAX_AGE="600",
    )
    e.update(extra)
    return e


def manage(*args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env(), check=True)


def psql(sql: str, url: str = DB_URL):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


GENERATE = """
-- One bench batch owns every generated ticket (the import's own batches hold the demo's).
INSERT INTO boxoffice_importbatch (source, submitted_by_label, filename, sha256, size_bytes, encoding, status,
  message, total, accepted, duplicate, rejected, held, warnings, received_at, processed_at, progress)
VALUES ('command', 'bench', 'bench', repeat('b', 64), 0, 'csv', 'processed', '', {tickets}, {tickets}, 0, 0, 0,
  '[]', now(), now(), {tickets});

-- Screenings: released films only, spread over every screen and over 2023-2024, 25 tickets each.
CREATE TEMP TABLE bench_films AS
  SELECT id, row_number() OVER (ORDER BY id) AS n FROM films_film ORDER BY id;
CREATE TEMP TABLE bench_screens AS
  SELECT s.id, s.cinema_id, row_number() OVER (ORDER BY s.id) AS n FROM boxoffice_screen s;
INSERT INTO boxoffice_screening (cinema_id, screen_id, starts_at, film_id, tickets_sold, admissions, gross)
SELECT sc.cinema_id, sc.id,
       timestamptz '2023-01-01 10:00+05' + ((g / (SELECT count(*) FROM bench_screens)) * interval '3 hours'),
       f.id, 0, 0, 0
FROM generate_series(0, {screenings} - 1) g
JOIN bench_screens sc ON sc.n = 1 + g % (SELECT count(*) FROM bench_screens)
JOIN bench_films f ON f.n = 1 + (g * 7919) % (SELECT count(*) FROM bench_films)
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE bench_screenings AS
  SELECT id, cinema_id, film_id, starts_at, row_number() OVER (ORDER BY id) AS n
  FROM boxoffice_screening WHERE starts_at >= '2023-01-01';
INSERT INTO boxoffice_tickettransaction (cinema_id, transaction_id, kind, refund_of_id, sold_at, screening_id,
  film_id, tickets, amount, currency, screening_format, screening_language, content_hash, batch_id)
SELECT s.cinema_id, 'B' || g, 'sale', NULL, s.starts_at - interval '2 hours', s.id, s.film_id,
       1 + g % 3, (1 + g % 3) * 2500.00, 'KZT',
       CASE (g / 25) % 10 WHEN 0 THEN '3D' WHEN 1 THEN 'IMAX' ELSE '2D' END, 'kk', md5(g::text) || md5(g::text),
       (SELECT max(id) FROM boxoffice_importbatch)
FROM generate_series(1, {tickets}) g
JOIN bench_screenings s ON s.n = 1 + (g - 1) / 25;

-- The daily summaries, as the import keeps them in its transaction.
DELETE FROM boxoffice_dailysales;
INSERT INTO boxoffice_dailysales (film_id, cinema_id, day, admissions, gross, screenings, sales_count, last_sold_at)
SELECT t.film_id, t.cinema_id, (sc.starts_at AT TIME ZONE 'Asia/Almaty')::date,
       sum(CASE WHEN t.kind = 'sale' THEN t.tickets ELSE -t.tickets END),
       sum(CASE WHEN t.kind = 'sale' THEN t.amount ELSE -t.amount END),
       count(DISTINCT t.screening_id), sum(CASE WHEN t.kind = 'sale' THEN 1 ELSE 0 END), max(t.sold_at)
FROM boxoffice_tickettransaction t JOIN boxoffice_screening sc ON sc.id = t.screening_id
GROUP BY 1, 2, 3;
-- The market view's film × screen × day × format summary, likewise.
DELETE FROM boxoffice_screendaysales;
INSERT INTO boxoffice_screendaysales (film_id, screen_id, day, screening_format, admissions, gross, sales_count)
SELECT t.film_id, sc.screen_id, (sc.starts_at AT TIME ZONE 'Asia/Almaty')::date, t.screening_format,
       sum(CASE WHEN t.kind = 'sale' THEN t.tickets ELSE -t.tickets END),
       sum(CASE WHEN t.kind = 'sale' THEN t.amount ELSE -t.amount END), sum(CASE WHEN t.kind = 'sale' THEN 1 ELSE 0 END)
FROM boxoffice_tickettransaction t JOIN boxoffice_screening sc ON sc.id = t.screening_id
GROUP BY 1, 2, 3, 4;
ANALYZE;
"""


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def daily_reports(workdir: Path, days: int) -> Path:
    """A year of a national registry's daily chart before the feed (2022): box-office-report/1 rows, one per
    film and day, each film's gross a deterministic figure; the market view reads them through FilmDay."""
    codes = subprocess.run(["psql", DB_URL, "-tAc", "SELECT code FROM films_film ORDER BY code"],
                           capture_output=True, text=True, check=True).stdout.split()
    path = workdir / "daily-reports.csv"
    start = datetime.date(2022, 1, 1)
    with path.open("w", encoding="utf-8") as f:
        f.write("film_code,period_start,period_end,gross,admissions,screenings,source\n")
        for i in range(days):
            day = (start + datetime.timedelta(days=i)).isoformat()
            for n, code in enumerate(codes):
                size = n % 17 + 1
                f.write(f"{code},{day},{day},{size * 12500 + i}.00,{size * 5},{n % 9 + 1},bench registry\n")
    return path


def market_scenarios(days: list[str]) -> dict[str, list[str]]:
    """The market view (issue 12): charts of random days, weeks and years, every market page, their API."""
    import random

    rnd = random.Random(12)
    picks = rnd.sample(days, min(len(days), 150)) if days else []
    years = sorted({d[:4] for d in days})
    dims = ["genre", "language", "country", "region", "format", "domestic", "supported"]
    regions = ["KZ-75", "KZ-71", "KZ-79", "KZ-35", "KZ-23"]
    return {
        "chart pages (random days, weeks, years; kk/ru/en)": [
            f"/{rnd.choice(['en', 'ru', 'kk'])}/charts/{p}/?date={d}" for d in picks for p in ("day", "week", "year")
        ],
        "market pages (every dimension and year)": [f"/en/market/?by={b}&year={y}" for b in dims for y in years],
        "region pages with their chart": [f"/en/regions/{r}/?period=week&date={d}" for r in regions
                                          for d in picks[:20]],
        "API chart and market": [f"/api/v1/reports/chart/?period={p}&date={d}" for d in picks[:60]
                                 for p in ("day", "week", "year")]
        + [f"/api/v1/reports/market/?by={b}&year={y}" for b in dims for y in years],
    }


def wrk(paths: list[str], workdir: Path, duration: str = DURATION) -> dict:
    lua, lst = workdir / "paths.lua", workdir / "paths.txt"
    lua.write_text(LUA)
    lst.write_text("\n".join(paths) + "\n")
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{duration}",
            "--latency",
            "-s",
            str(lua),
            f"http://127.0.0.1:{PORT}",
            "--",
            str(lst),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    m = re.search(r"RESULT (.*)", out.stdout)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    result = dict(kv.split("=") for kv in m.group(1).split())
    result["rps"] = rps.group(1)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=5_000_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure a database an earlier --keep run built")
    parser.add_argument("--build-only", action="store_true",
                        help="build the database (tickets, reports, metrics) and keep it; measure nothing")
    parser.add_argument("--report-days", type=int, default=365,
                        help="days of daily box-office reports (one national row per film and day, 2022)")
    parser.add_argument("--duration", default=DURATION, help="wrk's run length per scenario, e.g. 20s")
    parser.add_argument("--only", default="", help="measure only the scenarios whose name contains this text")
    parser.add_argument("--report", default=str(ROOT / "bench" / "PUBLIC_LOAD.md"), help="where to write the table")
    args = parser.parse_args()
    workdir = ROOT / "bench" / "out"
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    if not args.reuse:
        psql(f"DROP DATABASE IF EXISTS {DB}", ADMIN_URL)
        psql(f"CREATE DATABASE {DB}", ADMIN_URL)
        manage("migrate", "--noinput", "-v0")
        manage("load_demo")
    t1 = time.time()
    if not args.reuse:
        psql(GENERATE.format(tickets=args.tickets, screenings=args.tickets // 25))
        if args.report_days:
            manage("import_box_office", str(daily_reports(workdir, args.report_days)))
    manage("recompute_metrics", "--all")
    # Freshly written tables: vacuum now, or autovacuum works through the 5 M new ticket rows on a core the
    # measurement needs (and index-only scans wait for the visibility map it sets).
    psql("VACUUM (ANALYZE)")
    t2 = time.time()
    if args.build_only:
        print(f"built {DB} in {t2 - t0:.0f} s; measure it with --reuse (BENCH_DATABASE_URL={DB_URL})")
        return
    counts = (
        subprocess.run(
            [
                "psql",
                DB_URL,
                "-tAc",
                "SELECT (SELECT count(*) FROM boxoffice_tickettransaction),"
                " (SELECT count(*) FROM boxoffice_dailysales), (SELECT count(*) FROM films_film)",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .split("|")
    )
    days = subprocess.run(
        ["psql", DB_URL, "-tAc", "SELECT DISTINCT day FROM boxoffice_filmday ORDER BY day"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    codes = subprocess.run(
        ["psql", DB_URL, "-tAc", "SELECT code FROM films_film ORDER BY code"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    manage("collectstatic", "--noinput", "-v0")  # production settings serve hashed static names
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], check=True, capture_output=True)
    gunicorn = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            "4",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env(),
    )
    try:
        wait_for(f"http://127.0.0.1:{PORT}/healthz")
        scenarios = {
            "film page (random of all films)": [f"/en/films/{c}/" for c in codes],
            "film list (first pages and filters)": [
                "/en/films/",
                "/en/films/?page=2",
                "/en/films/?status=released",
                "/ru/films/",
                "/kk/films/?sort=-gross",
            ],
            "API film list": [
                "/api/v1/films/",
                "/api/v1/films/?offset=50",
                "/api/v1/films/?status=released",
                "/api/v1/films/?sort=-gross&limit=20",
            ],
            **market_scenarios(days),
        }
        # What an hourly sales batch does to the cache: recompute the few films it touched.
        touched = codes[:: max(1, len(codes) // RECOMPUTED_FILMS)][:RECOMPUTED_FILMS]
        results = {}
        chosen = {name: paths for name, paths in scenarios.items() if args.only in name}
        if not chosen:  # a filter that matches nothing is said, not measured as an empty table
            sys.exit(f"--only {args.only!r} names no scenario; they are: {'; '.join(scenarios)}")
        for name, paths in chosen.items():
            cold = wrk(paths, workdir, args.duration)  # the first pass starts from an empty cache and fills it
            warm = wrk(paths, workdir, args.duration)
            manage("recompute_metrics", *touched)
            after_batch = wrk(paths, workdir, args.duration)
            results[name] = (cold, warm, after_batch)
            print(name, cold, warm, after_batch, flush=True)
    finally:
        gunicorn.terminate()
        gunicorn.wait(30)
    lines = [
        "## Public site under load",
        "",
        f"Measured {datetime.date.today().isoformat()} by `python bench/public_load.py` on this 2-core machine: "
        f"gunicorn (4 sync workers, production settings, Redis cache) on PostgreSQL holding "
        f"{int(counts[0]):,} ticket records ({int(counts[1]):,} daily summaries, {counts[2]} films); "
        f"wrk with {CONNECTIONS} connections, {args.duration} per run. "
        + (f"Data set built in {t2 - t0:.0f} s (demo {t1 - t0:.0f} s, tickets, summaries and metrics "
           f"{t2 - t1:.0f} s)." if not args.reuse else f"Metrics recomputed in {t2 - t1:.0f} s."),
        "",
        "Each scenario ran three times: *empty cache* starts from nothing cached (as after a change to a "
        "register, which makes every cached page stale), *warm* with the cache filled, and *after a batch* "
        f"right after recomputing the metrics of {RECOMPUTED_FILMS} films, as a sales batch does (their own pages, "
        "and the lists and totals, go stale; other films' pages stay cached). Target: p95 < 100 ms.",
        "",
        "| scenario | run | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, runs in results.items():
        for label, r in zip(("empty cache", "warm", "after a batch"), runs, strict=True):
            lines.append(
                f"| {name} | {label} | {r['rps']} | {r['p50']} | {r['p95']} | {r['p99']} | {r['errors']} |"
            )
    Path(args.report).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if not args.keep:
        psql(f"DROP DATABASE IF EXISTS {DB}", ADMIN_URL)


if __name__ == "__main__":
    main()
