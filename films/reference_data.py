"""Rows every installation has from its first migration: Kazakhstan's 20 regions and the staff roles.

Migrations call these with their historical models; tests that flush the database call them again.
"""
import csv
from pathlib import Path

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "kz-regions.csv"
ROLES = ["grant_officer", "auditor", "cinema_operator"]


def kz_region_rows() -> list[dict]:
    with REGIONS_CSV.open(encoding="utf-8") as f:
        return [{"code": r["code"], "name_en": r["name_en"], "name_kk": r["name_kk"], "name_ru": r["name_ru"]}
                for r in csv.DictReader(f)]


def load_regions(region_model) -> None:
    with REGIONS_CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            region_model.objects.update_or_create(code=row["code"], defaults={
                "name_en": row["name_en"], "name_kk": row["name_kk"], "name_ru": row["name_ru"]})


def create_roles(group_model) -> None:
    for name in ROLES:
        group_model.objects.get_or_create(name=name)
