"""A deterministic Kazakhstan-like data set, shaped on the public figures for 2019–2023.

About 19 billion tenge to 98 film projects from the Ministry of Culture and Information and the State
Center for Support of National Cinema; 23 of them reached cinemas and grossed about 1.5 billion tenge;
103 cinemas in the 20 real regions, 68 of them connected. The files it writes are in the formats of
shared/spec, so the demo is loaded through the same import services a clerk uses.

It arrives as a ministry's history would. The films released before the ticket feed existed (2020–2023) are
known only from box-office reports: a national registry's whole-run total per film and a distributor's weekly
statements beside it (box-office-reports.md). The feed starts with the pilot on 2024-01-05 — its first week
is the pilot's published 30.4 million tenge and 20,310 tickets — and grows to the 68 connected cinemas; the
films released since are counted from tickets, plus exhibitors' returns from cinemas that never connected.
Films not (yet) released carry the date they entered their status, so delays and stalls are real.
"""
from __future__ import annotations

import csv
import datetime
import random
from decimal import Decimal
from pathlib import Path

from funding import exactjson

SEED = 2019
FUNDERS = [
    ("KZ-BIN-990740002222", "Ministry of Culture and Information of the Republic of Kazakhstan",
     ["Feature films", "Documentary", "Animation", "Children's films"]),
    ("KZ-BIN-190340001111", "State Center for Support of National Cinema",
     ["Feature films", "Debut films", "Documentary", "Animation"]),
]
PRODUCERS = [
    ("KZ-BIN-110840007890", "Aldongar Productions LLP"), ("KZ-BIN-070540005678", "Satai Film LLP"),
    ("KZ-BIN-201140001122", "Nomad Pictures LLP"), ("KZ-BIN-980240006789", "Qazaq Kino LLP"),
    ("KZ-BIN-000140001234", "Kazakhfilm JSC"), ("KZ-BIN-150640003344", "Steppe Pictures LLP"),
    ("KZ-BIN-170940005566", "Tumar Film LLP"), ("KZ-BIN-120340007788", "Ular Studio LLP"),
    ("KZ-BIN-160840009900", "Almaty Film Company LLP"), ("KZ-BIN-180240001357", "Baiterek Media LLP"),
]
WORDS_KK = ["Дала", "Тұмар", "Алтын", "Көшпенділер", "Жол", "Ұлы", "Аманат", "Бақыт", "Қыран", "Жұлдыз",
            "Ата", "Тау", "Өзен", "Ақ", "Көк", "Түн", "Жаз", "Күз", "Шежіре", "Мұра"]
WORDS_EN = ["Steppe", "Amulet", "Golden", "Nomads", "Road", "Great", "Legacy", "Happiness", "Eagle", "Star",
            "Father", "Mountain", "River", "White", "Blue", "Night", "Summer", "Autumn", "Chronicle", "Heritage"]
GENRES = ["drama", "comedy", "history", "action", "family", "animation", "thriller", "biography", "adventure"]
CHAINS = ["Kinopark", "Chaplin", "Arman", "Kinoplexx", ""]
# Cinemas per region code, 103 in all; the cities get most.
CINEMAS_PER_REGION = {"KZ-75": 22, "KZ-71": 16, "KZ-79": 9, "KZ-35": 6, "KZ-15": 5, "KZ-23": 5, "KZ-47": 5,
                      "KZ-55": 4, "KZ-63": 4, "KZ-39": 4, "KZ-27": 3, "KZ-31": 3, "KZ-43": 3, "KZ-61": 3,
                      "KZ-19": 3, "KZ-11": 2, "KZ-59": 2, "KZ-10": 2, "KZ-33": 1, "KZ-62": 1}
CITIES = {"KZ-75": "Almaty", "KZ-71": "Astana", "KZ-79": "Shymkent", "KZ-35": "Karaganda", "KZ-15": "Aktobe",
          "KZ-23": "Atyrau", "KZ-47": "Aktau", "KZ-55": "Pavlodar", "KZ-63": "Oskemen", "KZ-39": "Kostanay",
          "KZ-27": "Oral", "KZ-31": "Taraz", "KZ-43": "Kyzylorda", "KZ-61": "Turkistan", "KZ-19": "Konaev",
          "KZ-11": "Kokshetau", "KZ-59": "Petropavl", "KZ-10": "Semey", "KZ-33": "Taldykorgan", "KZ-62": "Zhezkazgan"}
FUNDED_FILMS = 98
RELEASED = 23
CONNECTED = 68
TOTAL_AWARD = Decimal("19000000000")
TARGET_GROSS = Decimal("1500000000")
FOREIGN_FILMS = 12
FOREIGN_GROSS = Decimal("1800000000")
PILOT_START = datetime.date(2024, 1, 5)
PILOT_CINEMAS = 20
PILOT_WEEK_GROSS = Decimal("30400000.00")  # the pilot's first published figures
PILOT_WEEK_TICKETS = 20310
RELEASED_SINCE_PILOT = 4  # of the 23: counted from the feed (and exhibitors' returns)
REGISTRY = "EAIS-style national registry"
DISTRIBUTOR = "Distributor weekly statement"


def generate(out: Path, *, seed: int = SEED) -> dict[str, list[Path]]:
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    cinemas = _cinemas(rnd)
    films, released = _films(rnd)
    grants = _grants(rnd, films)
    paths = {"cinemas": [out / "cinemas.csv"], "films": [out / "films.csv"], "grants": [out / "grants.json"],
             "box_office": [out / "box-office-history.csv"]}
    with paths["cinemas"][0].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cinema_code", "cinema_name", "region", "city", "chain", "connected_since", "screen", "seats"])
        for c in cinemas:
            for screen, seats in c["screens"]:
                w.writerow([c["code"], c["name"], c["region"], c["city"], c["chain"], c["connected_since"], screen,
                            seats])
    with paths["films"][0].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        cols = ["film_code", "title", "title_kk", "title_ru", "title_en", "year", "kind", "genres", "languages",
                "countries", "producer", "producer_id", "status", "planned_release", "release_date",
                "status_since"]
        w.writerow(cols)
        for film in films:
            w.writerow([film.get(c, "") for c in cols])
    paths["grants"][0].write_text(exactjson.dumps({"grants": grants}, indent=1), encoding="utf-8")
    targets = _gross_targets(rnd, released)
    fed = [f for f in released if not f.get("reported")]  # released since the pilot: the feed counts them
    for i, film in enumerate(fed):
        film["opening"] = PILOT_START + datetime.timedelta(days=7 + (i * 23) % 600)
    _write_reports(paths["box_office"][0], _reports(rnd, released, cinemas, targets))
    paths["sales"] = _sales(rnd, out, cinemas, fed, targets)
    return paths


def _cinemas(rnd):
    cinemas, n = [], 0
    for region, count in CINEMAS_PER_REGION.items():
        for _ in range(count):
            n += 1
            chain = rnd.choice(CHAINS)
            screens = [(str(i + 1), rnd.choice([48, 80, 120, 160, 220, 320])) for i in range(rnd.randint(1, 9))]
            cinemas.append({"code": f"KZ-C{n:04d}", "name": f"{chain or 'Kino'} {CITIES[region]} {n}",
                            "region": region, "city": CITIES[region], "chain": chain, "screens": screens,
                            "connected_since": ""})
    connected = rnd.sample(cinemas, CONNECTED)
    for k, c in enumerate(connected):  # the pilot's cinemas first, the rest joining over the next 18 months
        days = 0 if k < PILOT_CINEMAS else rnd.randint(14, 540)
        c["connected_since"] = (PILOT_START + datetime.timedelta(days=days)).isoformat()
    return cinemas


def _title(rnd, n):
    i, j = rnd.randrange(len(WORDS_KK)), rnd.randrange(len(WORDS_KK))
    return f"{WORDS_KK[i]} {WORDS_KK[j].lower()} {n}", f"{WORDS_EN[i]} {WORDS_EN[j].lower()} {n}"


def _films(rnd):
    films = []
    released_idx = set(rnd.sample(range(FUNDED_FILMS), RELEASED))
    since_pilot = set(sorted(released_idx)[-RELEASED_SINCE_PILOT:])  # the latest cohorts reach cinemas last
    for n in range(FUNDED_FILMS):
        cohort = 2019 + n * 5 // FUNDED_FILMS
        kk, en = _title(rnd, n + 1)
        producer = rnd.choice(PRODUCERS)
        status = "released" if n in released_idx else rnd.choice(
            ["development", "production", "production", "post_production", "completed", "abandoned"])
        planned = datetime.date(cohort + 2, rnd.randint(1, 12), rnd.randint(1, 28))
        reported = n in released_idx and n not in since_pilot
        # Released before the feed: a date in the two years after the award, and before the pilot.
        release = min(datetime.date(cohort + 1, 3, 1) + datetime.timedelta(days=rnd.randint(0, 600)),
                      datetime.date(2023, 11, 30)) if reported else None
        since = release or datetime.date(cohort, 6, 1) + datetime.timedelta(days=rnd.randint(30, 1500))
        films.append({
            "film_code": f"KZ-{cohort}-{n + 1:04d}", "title": kk, "title_kk": kk, "title_en": en,
            "title_ru": en, "year": cohort + 1, "kind": rnd.choice(["feature"] * 6 + ["documentary", "animation"]),
            "genres": "|".join(rnd.sample(GENRES, 2)), "languages": rnd.choice(["kk", "kk|ru", "ru"]),
            "countries": rnd.choice(["KZ", "KZ", "KZ", "KZ|RU", "KZ|TR"]), "producer": producer[1],
            "producer_id": producer[0], "status": "completed" if status == "released" else status,
            "planned_release": planned.isoformat(), "cohort": cohort, "released": n in released_idx,
            "status_since": min(since, datetime.date(2026, 6, 30)).isoformat(),
        })
        if reported:
            films[-1].update({"status": "released", "release_date": release.isoformat(), "reported": True})
    for n in range(FOREIGN_FILMS):
        en = f"Foreign Picture {n + 1}"
        films.append({"film_code": f"FX-{n + 1:05d}", "title": en, "title_en": en, "year": 2024, "kind": "feature",
                      "genres": rnd.choice(GENRES), "languages": "en", "countries": rnd.choice(["US", "GB", "FR"]),
                      "status": "completed", "released": True, "foreign": True})
    return films, [f for f in films if f["released"]]


def _split(rnd, total: Decimal, parts: int, spread: float) -> list[Decimal]:
    weights = [rnd.lognormvariate(0, spread) for _ in range(parts)]
    s = sum(weights)
    amounts = [(total * Decimal(w / s)).quantize(Decimal("1000")) for w in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def _grants(rnd, films):
    funded = [f for f in films if not f.get("foreign")]
    grants, n = [], 0
    for film, amount in zip(funded, _split(rnd, TOTAL_AWARD - Decimal("60000000"), len(funded), 0.6), strict=True):
        pieces = [amount] if rnd.random() < 0.6 else [amount * Decimal("0.6"), amount - amount * Decimal("0.6")]
        for k, piece in enumerate(pieces):
            n += 1
            funder = rnd.choice(FUNDERS)
            day = datetime.date(film["cohort"] + k, rnd.randint(1, 12), rnd.randint(1, 28))
            grants.append(_grant(n, funder, rnd.choice(funder[2]), film, piece.quantize(Decimal("0.01")), day, rnd))
    # Development grants not yet tied to a registered film, and one co-production grant in US dollars.
    for k in range(3):
        n += 1
        funder = FUNDERS[1]
        grants.append(_grant(n, funder, "Debut films", None, Decimal("20000000.00"),
                             datetime.date(2023, 3 + k, 15), rnd))
    n += 1
    grants.append(_grant(n, ("XI-EUROIMAGES", "Co-production Fund", []), "", funded[1], Decimal("250000.00"),
                         datetime.date(2022, 6, 1), rnd, currency="USD"))
    return grants


def _grant(n, funder, programme, film, amount, day, rnd, currency="KZT"):
    producer = (film["producer_id"], film["producer"]) if film else ("KZ-BIN-000140001234", "Kazakhfilm JSC")
    title = f"Production support: {film['title_en']}" if film else f"Script development {n}"
    g = {"id": f"360G-KZ-SCSNC-{n:05d}", "title": title,
         "description": "State support for the production of a national film" if film
         else "Development grant with no film registered yet",
         "currency": currency, "amountAwarded": amount, "awardDate": day.isoformat(),
         "recipientOrganization": [{"id": producer[0], "name": producer[1]}],
         "fundingOrganization": [{"id": funder[0], "name": funder[1]}]}
    if programme:
        g["grantProgramme"] = [{"title": programme}]
    if film:
        g["filmProject"] = {"code": film["film_code"], "title": film["title"]}
        paid = (amount * Decimal("0.9")).quantize(Decimal("0.01"))
        g["disbursementTransaction"] = [{"id": f"{g['id']}-D1", "value": paid, "currency": currency,
                                         "transactionDate": (day + datetime.timedelta(days=45)).isoformat()}]
    return g


def _gross_targets(rnd, released) -> dict[str, Decimal]:
    """Each released film's gross: the 23 domestic films share ~1.5 bn tenge by a long-tailed split."""
    domestic = [f for f in released if not f.get("foreign")]
    foreign = [f for f in released if f.get("foreign")]
    targets = dict(zip([f["film_code"] for f in domestic], _split(rnd, TARGET_GROSS, len(domestic), 1.1),
                       strict=True))
    targets.update(zip([f["film_code"] for f in foreign], _split(rnd, FOREIGN_GROSS, len(foreign), 0.8),
                       strict=True))
    return targets


def _reports(rnd, released, cinemas, targets) -> list[list]:
    """box-office-report/1 rows: the history before the feed, and exhibitors' returns from unconnected cinemas."""
    rows = []
    for film in released:
        code, gross = film["film_code"], targets[film["film_code"]]
        if film.get("reported"):  # a whole run known from the national registry, two weeks from the distributor
            start = datetime.date.fromisoformat(film["release_date"])
            admissions = int(gross / Decimal(1450))
            rows.append([code, start, start + datetime.timedelta(days=48), f"{gross:.2f}", admissions, "", "",
                         REGISTRY, f"yearbook {start.year}"])
            for week, share in ((0, Decimal("0.34")), (1, Decimal("0.22"))):
                monday = start + datetime.timedelta(days=7 * week)
                rows.append([code, monday, monday + datetime.timedelta(days=6), f"{gross * share:.2f}", "", "", "",
                             DISTRIBUTOR, ""])
            film["reported_gross"] = gross
        elif not film.get("foreign"):  # released since the pilot: a tenth of it from two unconnected cinemas
            share = (gross / 10).quantize(Decimal("0.01"))
            for cinema in rnd.sample([c for c in cinemas if not c["connected_since"]], 2):
                opening = film["opening"]
                rows.append([code, opening, opening + datetime.timedelta(days=13), f"{share / 2:.2f}",
                             int(share / 2 / Decimal(1600)), cinema["code"], "", "Exhibitor return", ""])
            targets[code] = gross - share
    return rows


def _write_reports(path: Path, rows: list[list]):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["film_code", "period_start", "period_end", "gross", "admissions", "cinema_code", "region",
                    "source", "reference"])
        w.writerows(rows)


def _pilot_week(rnd, pilot, films, tx: int) -> tuple[list[tuple[str, list]], int]:
    """The pilot's first week, to its published totals: 20,310 tickets and 30,400,000.00 tenge."""
    rows, tickets_left, money_left = [], PILOT_WEEK_TICKETS, PILOT_WEEK_GROSS
    while tickets_left:
        cinema = rnd.choice(pilot)
        screen, seats = rnd.choice(cinema["screens"])
        film = rnd.choice(films)
        start = datetime.datetime.combine(PILOT_START + datetime.timedelta(days=rnd.randint(0, 6)),
                                          datetime.time(rnd.choice([10, 13, 16, 19, 22]), 0), tzinfo=KZ_TIME)
        tickets = min(rnd.choice([1, 2, 3, 4, 6, 10]), seats, tickets_left)
        average = money_left / tickets_left  # steer each price to the average still owed
        price = Decimal(rnd.choice([p for p in (1000, 1200, 1500, 1800, 2000) if abs(p - average) < 600] or [1500]))
        amount = money_left if tickets == tickets_left else price * tickets
        tx += 1
        sold = start - datetime.timedelta(minutes=rnd.randint(5, 60 * 24))
        rows.append((cinema["code"], [cinema["code"], f"T{tx:08d}", "sale", "", sold.isoformat(), start.isoformat(),
                                      screen, film["film_code"], tickets, f"{amount:.2f}"]))
        tickets_left -= tickets
        money_left -= amount
    return rows, tx


KZ_TIME = datetime.timezone(datetime.timedelta(hours=5))


def _sales(rnd, out: Path, cinemas, fed, targets) -> list[Path]:
    """One CSV per connected cinema; each film's gross from the feed, after the pilot's first week."""
    connected = [c for c in cinemas if c["connected_since"]]
    pilot = [c for c in connected if c["connected_since"] == PILOT_START.isoformat()]
    rows: dict[str, list] = {c["code"]: [] for c in connected}
    week, tx = _pilot_week(rnd, pilot, fed[:4], 0)
    for code, row in week:
        rows[code].append(row)
    for film in fed:
        target = targets[film["film_code"]]
        opening = film["opening"]
        gross = Decimal("0")
        while gross < target:
            cinema = rnd.choice(connected)
            screen, seats = rnd.choice(cinema["screens"])
            day = opening + datetime.timedelta(days=min(int(rnd.expovariate(1 / 12)), 90))
            start = datetime.datetime.combine(day, datetime.time(rnd.choice([10, 13, 16, 19, 22]), 0),
                                              tzinfo=KZ_TIME)
            tickets = min(rnd.choice([1, 2, 3, 4, 6, 10, 20, 30]), seats)
            price = Decimal(rnd.choice([1500, 2000, 2200, 2500, 3000, 3500]))
            amount = price * tickets
            tx += 1
            sold = start - datetime.timedelta(minutes=rnd.randint(5, 60 * 48))
            rows[cinema["code"]].append([cinema["code"], f"T{tx:08d}", "sale", "", sold.isoformat(), start.isoformat(),
                                         screen, film["film_code"], tickets, f"{amount}.00"])
            gross += amount
            if rnd.random() < 0.01 and tickets > 1:  # a refund of one seat now and then
                tx += 1
                refund_at = sold + datetime.timedelta(minutes=rnd.randint(1, 60))
                rows[cinema["code"]].append([cinema["code"], f"R{tx:08d}", "refund", f"T{tx - 1:08d}",
                                             refund_at.isoformat(), start.isoformat(), screen, film["film_code"], 1,
                                             f"{price}.00"])
                gross -= price
    # Screenings must show one film: if two films drew the same screen and start, move the later one by a minute.
    paths = []
    for code, records in rows.items():
        if not records:
            continue
        seen: dict[tuple, str] = {}
        fixed = []
        for r in records:
            key = (r[6], r[5])
            while key in seen and seen[key] != r[7]:
                start = datetime.datetime.fromisoformat(r[5]) + datetime.timedelta(minutes=1)
                r[5] = start.isoformat()
                key = (r[6], r[5])
            seen[key] = r[7]
            fixed.append(r)
        path = out / f"sales-{code}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["cinema_code", "transaction_id", "kind", "refund_of", "sold_at", "screening_start", "screen",
                        "film_code", "tickets", "amount"])
            w.writerows(fixed)
        paths.append(path)
    return paths
