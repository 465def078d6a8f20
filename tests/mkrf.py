"""A real published register: the Russian Ministry of Culture's state-supported films, as published.

`tests/data/mkrf/` keeps, byte for byte, the lines of two public files that concern state-supported films:
`mkrf_movies.csv` (the ministry's register of distribution certificates with the support each film received,
in roubles, and its genres in Russian) and `mkrf_shows.csv` (box office per distribution certificate). They are
the open-data extracts widely used in Russian data-analysis courses ("Исследование рынка российского
кинопроката"); see tests/data/mkrf/README.md for where they were taken from.

This module turns them into the tracker's own formats — the films register, 360Giving grants (flattened CSV)
and box-office reports — exactly as a ministry clerk would, and computes independently, from the raw rows, the
funded-vs-released report those files must give. Assumptions a clerk would have to make are the same here and
named in the code: the file has no award date (the premiere's date is used), no run length (a whole-run figure
covers the premiere and the 364 days after it) and no recipient identifier (one is derived from the studio's
name).
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "mkrf"
CENT = Decimal("0.01")

KINDS = {"Художественный": "feature", "Анимационный": "animation", "Документальный": "documentary"}
COUNTRIES = {"Россия": "RU", "Германия": "DE", "Латвия": "LV", "Украина": "UA", "Италия": "IT", "Польша": "PL",
             "Франция": "FR", "Великобритания": "GB", "Армения": "AM", "Словакия": "SK", "Чехия": "CZ",
             "Чешская Республика": "CZ", "Казахстан": "KZ", "Китай": "CN", "Сербия": "RS", "Грузия": "GE",
             "Бельгия": "BE", "Финляндия": "FI"}
FUNDERS = {"Министерство культуры": ("RU-MINCULT", "Министерство культуры Российской Федерации"),
           "Фонд кино": ("RU-FONDKINO", "Фонд кино")}


def _fields(line: str) -> list[str]:
    """One published line. The publisher wrapped most rows in an extra pair of quotes with trailing `;`s, and
    left titles containing commas unquoted; the distribution certificate (nine digits) anchors the columns."""
    text = line.rstrip(";")
    if text.startswith('"') and text.endswith('"'):
        text = next(csv.reader([text]))[0]
    fields = next(csv.reader([text]))
    extra = len(fields) - 15
    if extra > 0 and fields[extra + 1].strip().isdigit():
        fields = [",".join(fields[:extra + 1])] + fields[extra + 1:]
    return [f.strip() for f in fields]


def supported_films() -> list[dict]:
    lines = (DATA / "mkrf_movies_supported.csv").read_text(encoding="utf-8").splitlines()
    header = _fields(lines[0].lstrip("\ufeff"))
    return [dict(zip(header, _fields(line), strict=True)) for line in lines[1:]]


def box_office() -> dict[str, Decimal]:
    rows = csv.DictReader(io.StringIO((DATA / "mkrf_shows_supported.csv").read_text(encoding="utf-8")))
    return {r["puNumber"]: Decimal(r["box_office"]) for r in rows}


def _amount(text: str) -> Decimal:
    return Decimal(text or "0")


def _premiere(film: dict) -> datetime.date:
    return datetime.date.fromisoformat(film["show_start_date"][:10])


def _countries(text: str) -> str:
    names = text.replace(" - ", ",").replace("-", ",").split(",")
    codes = [COUNTRIES[n.strip()] for n in names if n.strip()]
    return "|".join(dict.fromkeys(codes))


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_registers(folder: Path) -> dict[str, Path]:
    """films.csv, grants.csv and box-office.csv in the tracker's formats, from the published lines."""
    films, grants, reports = [], [], []
    gross = box_office()
    for film in supported_films():
        code, premiere = film["puNumber"], _premiere(film)
        films.append([code, film["title"], premiere.year, KINDS[film["type"]], film["genres"].replace(",", "|"),
                      _countries(film["production_country"]), film["film_studio"][:300], "released",
                      premiere.isoformat()])
        funder_id, funder_name = FUNDERS[film["financing_source"].split(",")[0].strip()]
        studio = film["film_studio"] or film["producer"] or film["title"]
        recipient = "XI-MKRF-" + hashlib.sha1(studio.encode()).hexdigest()[:12].upper()  # noqa: S324 - a label
        refundable = _amount(film["refundable_support"])
        awarded = refundable + _amount(film["nonrefundable_support"])
        grants.append([f"RU-MKRF-{code}", f"Государственная поддержка: {film['title']}"[:300], "RUB",
                       str(awarded),
                       premiere.isoformat(), recipient, studio[:300], funder_id, funder_name, code,
                       str(refundable) if refundable else ""])
        if code in gross:
            reports.append([code, premiere.isoformat(), (premiere + datetime.timedelta(days=364)).isoformat(),
                            str(gross[code].quantize(CENT, rounding=ROUND_HALF_UP)), "RUB",
                            "Министерство культуры РФ, mkrf_shows", "box office per distribution certificate"])
    return {
        "films": _write(folder / "films.csv", ["film_code", "title", "year", "kind", "genres", "countries",
                                               "producer", "status", "release_date"], films),
        "grants": _write(folder / "grants.csv", ["Identifier", "Title", "Currency", "Amount Awarded",
                                                 "Award Date", "Recipient Org:Identifier", "Recipient Org:Name",
                                                 "Funding Org:Identifier", "Funding Org:Name",
                                                 "Film Project:Code", "Repayable:Amount"], grants),
        "box_office": _write(folder / "box-office.csv", ["film_code", "period_start", "period_end", "gross",
                                                         "currency", "source", "reference"], reports),
    }


def expected_funded_vs_released(today: datetime.date) -> dict[str, dict]:
    """metrics.md's report computed straight from the published rows, without the tracker."""
    gross = box_office()
    years: dict[str, dict] = defaultdict(lambda: {"films_funded": 0, "awarded": Decimal(0), "films_released": 0,
                                                  "gross": Decimal(0)})
    for film in supported_films():
        awarded = _amount(film["refundable_support"]) + _amount(film["nonrefundable_support"])
        film_gross = gross.get(film["puNumber"], Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
        for key in (str(_premiere(film).year), "total"):
            row = years[key]
            row["films_funded"] += 1
            row["awarded"] += awarded
            row["films_released"] += _premiere(film) <= today
            row["gross"] += film_gross
    return dict(years)
