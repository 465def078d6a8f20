"""`make bench`: ticket-sales import on PostgreSQL against raw `psql \\copy`, memory, re-import and recompute.

Runs against a throwaway database (BENCH_DATABASE, default tracker_bench) that it creates, migrates and
drops again; the server comes from BENCH_PG (default postgres://postgres@127.0.0.1:5432). Every import runs
as `manage.py import_sales` in a child process, timed end to end, its peak memory read from the kernel
(os.wait4). Not part of the test suite. Results are printed and written to BENCHMARKS.md.

    python bench/run.py [--records 1000000] [--history 5000000 | 0 to skip] [--daily 60000] [--no-write]

It prints the three ratios of issue 10 from one run: import ÷ `\\copy` of the stored rows into a clone of
the ticket table (its indexes and foreign keys), import ÷ bare `\\copy` of the file, CRLF re-send ÷ import.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
import zlib
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples"
if not EXAMPLES.exists():
    EXAMPLES = ROOT / "tests" / "data" / "examples"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DBNAME = os.environ.get("BENCH_DATABASE", "tracker_bench")
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/tracker-bench"))
HEADER = "cinema_code,transaction_id,kind,refund_of,sold_at,screening_start,screen,film_code,tickets,amount\n"
# The example register: cinemas and their screens, and the films (bench/run.py loads those files).
SCREENS = {"KZ-C0001": 2, "KZ-C0002": 2, "KZ-C0003": 8, "KZ-C0004": 4}
FILMS = ["KZ-2023-0001", "KZ-2019-0002", "KZ-2024-0003", "KZ-2023-0004", "KZ-2024-0005", "KZ-2020-0006",
         "FX-00001", "FX-00002"]
SHOW_TIMES = ["10:00", "12:30", "15:00", "17:30", "20:00", "22:30"]
KZ = datetime.timezone(datetime.timedelta(hours=5))


def write_sales(path: Path, n: int, *, seed: int, prefix: str, first_day: datetime.date, days: int) -> None:
    """n records, deterministic for (seed, prefix): sales spread over screenings, every 20th a refund of the
    sale just before it (same screening, one ticket). A screening always shows the same film."""
    rng = random.Random(seed)
    screens = [(c, str(s)) for c, count in SCREENS.items() for s in range(1, count + 1)]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        last = None
        for i in range(n):
            if i % 20 == 19 and last is not None:
                cinema, tx, start, screen, film, tickets, amount = last
                sold = start - datetime.timedelta(minutes=30)
                out.write(f"{cinema},{prefix}{i:09d},refund,{tx},{sold.isoformat()},{start.isoformat()},{screen},"
                          f"{film},1,{amount / tickets:.2f}\n")
                last = None
                continue
            cinema, screen = screens[rng.randrange(len(screens))]
            day = first_day + datetime.timedelta(days=rng.randrange(days))
            hh, mm = SHOW_TIMES[rng.randrange(len(SHOW_TIMES))].split(":")
            start = datetime.datetime(day.year, day.month, day.day, int(hh), int(mm), tzinfo=KZ)
            film = FILMS[zlib.crc32(f"{cinema}/{screen}/{start.isoformat()}".encode()) % len(FILMS)]
            tickets = 1 + rng.randrange(4)
            amount = Decimal(tickets * rng.choice([1500, 2000, 2500, 3000]))
            sold = start - datetime.timedelta(hours=1 + rng.randrange(48))
            tx = f"{prefix}{i:09d}"
            out.write(f"{cinema},{tx},sale,,{sold.isoformat()},{start.isoformat()},{screen},{film},{tickets},"
                      f"{amount:.2f}\n")
            last = (cinema, tx, start, screen, film, tickets, amount)


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", f"{SERVER}/{db}", "-v", "ON_ERROR_STOP=1", "-qAtc", sql], check=True,
                          capture_output=True, text=True).stdout


def note(**figures) -> None:
    shown = (f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
    print("  " + ", ".join(shown), flush=True)


def timed_manage(env: dict, *args: str) -> tuple[float, float, str]:
    """Run manage.py under /usr/bin/time -v: (wall seconds, peak RSS in MB, stdout)."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak_kb = next(int(line.split(":")[1]) for line in proc.stderr.splitlines()
                   if "Maximum resident set size" in line)
    return elapsed, peak_kb / 1024, proc.stdout


def fresh_database(env: dict) -> None:
    psql(f'DROP DATABASE IF EXISTS "{DBNAME}"')
    psql(f'CREATE DATABASE "{DBNAME}"')
    for cmd in (["migrate", "--noinput", "-v", "0"], ["import_cinemas", str(EXAMPLES / "cinemas.csv")],
                ["import_films", str(EXAMPLES / "films.csv")],
                ["import_grants", str(EXAMPLES / "grants.json")]):
        subprocess.run([sys.executable, "manage.py", *cmd], cwd=ROOT, env=env, check=True,
                       capture_output=True)


RECOMPUTE = ("import time, json; from boxoffice.models import ImportBatch; "
             "from funding.metrics import recompute_film_metrics; "
             "from boxoffice.services import films_touched_by; "
             "b = ImportBatch.objects.filter(status='processed').latest('pk'); ids = films_touched_by(b); "
             "t = time.perf_counter(); recompute_film_metrics(ids); "
             "print(json.dumps({'seconds': time.perf_counter() - t, 'films': len(ids)}))")


TICKETS = "boxoffice_tickettransaction"


def copy_into_clone() -> tuple[float, int, int, float]:
    """`psql \\copy` of the stored ticket rows into a clone of their table: the same columns, indexes and
    constraints, and the same foreign keys (added by name from the catalogue). Returns (seconds, number of
    foreign keys, number of indexes, seconds of an INSERT … SELECT of the same rows into it)."""
    dump = WORK / "stored-tickets.copy"
    psql(f"\\copy {TICKETS} TO '{dump}'", DBNAME)
    psql(f"DROP TABLE IF EXISTS clone; CREATE TABLE clone (LIKE {TICKETS} INCLUDING ALL)", DBNAME)
    fks = psql(f"SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '{TICKETS}'::regclass "
               "AND contype = 'f'", DBNAME).splitlines()
    for i, definition in enumerate(fks):
        # A self-reference (refund_of) points at the clone itself, as it does in the stored table.
        definition = definition.replace(f"REFERENCES {TICKETS}(", "REFERENCES clone(")
        psql(f"ALTER TABLE clone ADD CONSTRAINT clone_fk_{i} {definition}", DBNAME)
    indexes = int(psql("SELECT count(*) FROM pg_indexes WHERE tablename = 'clone'", DBNAME).strip())
    started = time.perf_counter()
    psql(f"\\copy clone FROM '{dump}'", DBNAME)
    seconds = time.perf_counter() - started
    # The same rows written again from inside the database (no text to parse): the least any import that has
    # the file's records in the database already must spend storing them.
    psql("TRUNCATE clone", DBNAME)
    started = time.perf_counter()
    psql(f"INSERT INTO clone SELECT * FROM {TICKETS}", DBNAME)
    inside = time.perf_counter() - started
    psql("DROP TABLE clone", DBNAME)
    dump.unlink()
    return seconds, len(fks), indexes, inside


def recompute_after_daily(env: dict, daily: int, tag: str) -> tuple[float, float]:
    """Import one day's batch on top of the history; then time the recompute of the films it touched."""
    path = WORK / f"daily-{tag}.csv"
    write_sales(path, daily, seed=7, prefix=f"D{tag}-", first_day=datetime.date(2025, 6, 1), days=1)
    seconds, _, _ = timed_manage(env, "import_sales", "--json", str(path))
    _, _, out = timed_manage(env, "shell", "-c", RECOMPUTE)
    return seconds, json.loads(out.strip().splitlines()[-1])["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--history", type=int, default=5_000_000)
    parser.add_argument("--daily", type=int, default=60_000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    opts = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DBNAME}",
           "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "CELERY_TASK_ALWAYS_EAGER": "true", "REDIS_URL": "", "CELERY_BROKER_URL": "memory://",
           "SALES_MAX_UPLOAD_BYTES": str(4 * 1024**3), "SECRET_KEY": "bench-only", "LOG_LEVEL": "ERROR"}
    results: dict[str, object] = {"records": opts.records, "history": opts.history, "daily": opts.daily}
    try:
        print(f"generating {opts.records:,} records …", flush=True)
        main_file = WORK / f"sales-{opts.records}.csv"
        write_sales(main_file, opts.records, seed=42, prefix="B", first_day=datetime.date(2025, 1, 1),
                    days=150)
        # The same records in other bytes (CRLF line ends, as a Windows export writes them): judged record by
        # record, not recognised as a byte-identical batch.
        again_file = WORK / f"sales-{opts.records}-crlf.csv"
        again_file.write_bytes(main_file.read_bytes().replace(b"\n", b"\r\n"))
        results["file_mb"] = main_file.stat().st_size / 1024**2

        fresh_database(env)
        print("raw \\copy …", flush=True)
        psql("CREATE TABLE bare (cinema_code text, transaction_id text, kind text, refund_of text, "
             "sold_at timestamptz, screening_start timestamptz, screen text, film_code text, "
             "tickets integer, amount numeric(20,2), PRIMARY KEY (cinema_code, transaction_id))", DBNAME)
        started = time.perf_counter()
        psql(f"\\copy bare FROM '{main_file}' WITH (FORMAT csv, HEADER true)", DBNAME)
        results["copy_s"] = time.perf_counter() - started
        note(copy_s=results["copy_s"])
        psql("DROP TABLE bare", DBNAME)

        print("import_sales …", flush=True)
        results["import_s"], results["import_mb"], out = timed_manage(env, "import_sales", "--json",
                                                                      str(main_file))
        results["import_summary"] = out.strip()
        note(import_s=results["import_s"], import_mb=results["import_mb"])
        print("re-import (same records, new bytes) …", flush=True)
        results["reimport_s"], results["reimport_mb"], out = timed_manage(env, "import_sales", "--json",
                                                                          str(again_file))
        results["reimport_summary"] = out.strip()
        note(reimport_s=results["reimport_s"], reimport_mb=results["reimport_mb"])
        results["identical_s"], _, _ = timed_manage(env, "import_sales", "--json", str(main_file))
        print("\\copy of the stored rows into a clone of the ticket table …", flush=True)
        results["clone_s"], results["clone_fks"], results["clone_indexes"], results["insert_s"] = copy_into_clone()
        note(clone_s=results["clone_s"], fks=results["clone_fks"], indexes=results["clone_indexes"],
             insert_s=results["insert_s"])
        print("daily batch + recompute on the 1M history …", flush=True)
        results["daily1_import_s"], results["recompute1_s"] = recompute_after_daily(env, opts.daily, "a")
        note(daily1_import_s=results["daily1_import_s"], recompute1_s=results["recompute1_s"])

        if not opts.history:
            return
        print(f"history of {opts.history:,} …", flush=True)
        fresh_database(env)
        history_file = WORK / f"sales-{opts.history}.csv"
        write_sales(history_file, opts.history, seed=43, prefix="H", first_day=datetime.date(2024, 1, 1),
                    days=500)
        results["history_import_s"], results["history_mb"], _ = timed_manage(env, "import_sales", "--json",
                                                                             str(history_file))
        note(history_import_s=results["history_import_s"], history_mb=results["history_mb"])
        print("daily batch + recompute on the 5M history …", flush=True)
        results["daily5_import_s"], results["recompute5_s"] = recompute_after_daily(env, opts.daily, "b")
    finally:
        psql(f'DROP DATABASE IF EXISTS "{DBNAME}"')
        report(results, write=not opts.no_write)


def report(r: dict, *, write: bool) -> None:
    """The three ratios of issue 10 (one run), then the other figures; what a broken run measured, if anything."""
    if "import_s" not in r:
        return
    lines = [f"- file: {r['records']:,} records, {r['file_mb']:.0f} MB CSV"]
    if "clone_s" in r:
        lines += [
            f"- **import ÷ `\\copy` of the stored rows into a clone of the ticket table** ({r['clone_indexes']} "
            f"indexes, {r['clone_fks']} foreign keys): {r['clone_s'] / r['import_s']:.2f} (target ≥ 0.80); "
            f"clone `\\copy` {r['clone_s']:.1f} s",
            f"- **import ÷ bare `\\copy` of the file** into a table with the same key: "
            f"{r['copy_s'] / r['import_s']:.2f} (target ≥ 0.25); bare `\\copy` {r['copy_s']:.1f} s",
            f"- **CRLF re-send ÷ first import**: {r['reimport_s'] / r['import_s']:.2f} (target ≤ 1.00)",
            # The first ratio's ceiling for an import that stages the file first: it must read the file into
            # the database (the bare \copy) and then write its rows into the ticket table (INSERT … SELECT, no
            # text to parse); with no checking at all it would still take their sum.
            f"- floor of a staging import (bare `\\copy` {r['copy_s']:.1f} s + INSERT … SELECT of the rows into the "
            f"clone {r['insert_s']:.1f} s = {r['copy_s'] + r['insert_s']:.1f} s): the best first ratio possible "
            f"is {r['clone_s'] / (r['copy_s'] + r['insert_s']):.2f}",
        ]
    lines += [
        f"- `import_sales` end to end: {r['import_s']:.1f} s ({r['records'] / r['import_s']:,.0f} records/s), "
        f"peak memory {r['import_mb']:.0f} MB — {r['import_summary']}",
    ]
    if "reimport_s" in r:
        lines += [
            f"- re-send of the same records with CRLF line ends (judged record by record): {r['reimport_s']:.1f} s, "
            f"peak {r['reimport_mb']:.0f} MB — {r['reimport_summary']}",
            f"- re-import of the byte-identical file (duplicate batch): {r['identical_s']:.1f} s",
        ]
    if "daily1_import_s" in r:
        lines.append(f"- a {r['daily']:,}-record daily batch on that history: import {r['daily1_import_s']:.1f} s, "
                     f"recompute {r['recompute1_s'] * 1000:.0f} ms")
    if "history_import_s" in r:
        lines.append(f"- {r['history']:,}-record file: import {r['history_import_s']:.1f} s, peak memory "
                     f"{r['history_mb']:.0f} MB (target < 250 MB)")
    if "recompute5_s" in r:
        lines.append(f"- recompute after a {r['daily']:,}-record daily batch on the {r['history']:,} history: "
                     f"{r['recompute5_s'] * 1000:.0f} ms (the batch imported in {r['daily5_import_s']:.1f} s)")
    text = "\n".join(lines)
    print(text)
    if write:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        (ROOT / "bench" / "last-run.md").write_text(
            f"Run {stamp} (`make bench`, {os.cpu_count()} cores):\n\n{text}\n")


if __name__ == "__main__":
    main()
