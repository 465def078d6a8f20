"""Writes to the films and organisations registers. Each records its audit event in the same transaction."""
from __future__ import annotations

import datetime
import re
from functools import partial
from typing import BinaryIO

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.signals import post_save
from django.utils import timezone

from .audit import Actor, record_change, record_changes, snapshot
from .choices import AuditAction, FilmKind, FilmStatus, RegisterOutcome
from .importing import RegisterImportReport, RowError, load_register
from .models import Country, Film, FilmStatusChange, Genre, Language, Organisation, OrganisationAlias
from .signals import films_registered
from .tabular import read_csv, split_list
from .text import clean_name, split_words

FILM_COLUMNS = ["film_code", "title", "title_kk", "title_ru", "title_en", "year", "kind", "genres", "languages",
                "countries", "producer", "producer_id", "status", "planned_release", "release_date", "status_since"]
FILM_SCALARS = ["title", "title_kk", "title_ru", "title_en", "year", "kind", "status", "planned_release",
                "release_date", "country_codes", "producer_id"]


# --- organisations ------------------------------------------------------------------------------

def find_organisation(*, identifier: str = "", name: str = "") -> Organisation | None:
    """By identifier (or a merged alias of it), else by exact name or alias, case-insensitive."""
    org = None
    if identifier:
        org = (Organisation.objects.filter(identifier=identifier).first()
               or Organisation.objects.filter(aliases__identifier=identifier).first())
    elif name:
        org = (Organisation.objects.filter(name__iexact=name, identifier__isnull=True).first()
               or Organisation.objects.filter(name__iexact=name).first()
               or Organisation.objects.filter(aliases__name__iexact=name).first())
    while org is not None and org.merged_into_id:
        org = org.merged_into
    return org


def get_or_create_organisation(*, identifier: str = "", name: str, actor: Actor) -> Organisation:
    """The organisation an input names; a new name for a known identifier is kept as an alias."""
    identifier = (identifier or "").strip()
    name = (name or "").strip() or identifier
    org = find_organisation(identifier=identifier, name=name)
    if org is None:
        org = Organisation.objects.create(identifier=identifier or None, name=name)
        record_change(actor=actor, action=AuditAction.CREATE, instance=org, before=None, after=snapshot(org))
    elif name and name.lower() != org.name.lower():
        OrganisationAlias.objects.get_or_create(organisation=org, name=name, identifier=identifier)
    return org


@transaction.atomic
def merge_organisations(*, keep: Organisation, merge: Organisation, actor: Actor) -> Organisation:
    """Two records of one organisation become one; the merged name and identifier stay searchable."""
    if keep.pk == merge.pk:
        raise ValueError("An organisation cannot be merged into itself.")
    before = snapshot(merge)
    OrganisationAlias.objects.get_or_create(organisation=keep, name=merge.name, identifier=merge.identifier or "")
    merge.aliases.update(organisation=keep)
    merge.films.update(producer=keep)
    # Grants and programmes point at organisations from the funding app; move them without importing it.
    for rel in merge._meta.related_objects:
        if rel.one_to_many and rel.related_model is not OrganisationAlias and rel.field.name != "merged_into":
            rel.related_model._default_manager.filter(**{rel.field.name: merge}).update(**{rel.field.name: keep})
    old_identifier = merge.identifier
    merge.identifier = None  # free the unique identifier; it lives on as an alias of `keep`
    merge.merged_into = keep
    merge.save(update_fields=["identifier", "merged_into"])
    record_change(actor=actor, action=AuditAction.MERGE, instance=merge, before=before,
                  after={**snapshot(merge), "merged_identifier": old_identifier})
    return keep


# --- films --------------------------------------------------------------------------------------

def _date(value: str, field_name: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RowError(field_name, f"'{value}' is not an ISO date (YYYY-MM-DD)") from None


def _choice(value: str, choices, field_name: str, default: str) -> str:
    value = (value or "").strip().lower() or default
    if value not in choices.values:
        raise RowError(field_name, f"'{value}' is not one of {', '.join(choices.values)}")
    return value


def parse_film_row(row: dict[str, str]) -> dict:
    """Validate one films.csv row into clean values, or raise RowError naming the field."""
    if "__extra__" in row:
        raise RowError("row", row["__extra__"])
    code = row.get("film_code", "")
    if not 1 <= len(code) <= 32:
        raise RowError("film_code", "required, 1–32 characters")
    if not row.get("title"):
        raise RowError("title", "required: the title in its original language")
    if clean_name(code, "film_code", max_length=32) != code:
        raise RowError("film_code", f"'{code}' must be given without surrounding spaces")
    titles = {col: clean_name(row.get(col, ""), col) for col in ("title", "title_kk", "title_ru", "title_en")}
    year = row.get("year") or None
    if year is not None:
        if not re.fullmatch(r"\d{4}", year) or not 1890 <= int(year) <= 2100:
            raise RowError("year", f"'{year}' is not a four-digit production year")
        year = int(year)
    languages = [x.lower() for x in split_list(row.get("languages", ""))]
    for lang in languages:
        if not re.fullmatch(r"[a-z]{2}", lang):
            raise RowError("languages", f"'{lang}' is not an ISO 639-1 code such as kk, ru or en")
    countries = [x.upper() for x in split_list(row.get("countries", ""))]
    for c in countries:
        if not re.fullmatch(r"[A-Z]{2}", c):
            raise RowError("countries", f"'{c}' is not an ISO 3166-1 alpha-2 code such as KZ")
    genres = split_words(row.get("genres", ""), "genres")
    status_since = _date(row.get("status_since", ""), "status_since")
    if status_since is not None and status_since > timezone.localdate():
        raise RowError("status_since", f"{status_since.isoformat()} is in the future: give the day the film "
                                       "entered its status")
    return {
        "code": code,
        **titles,
        "year": year,
        "kind": _choice(row.get("kind", ""), FilmKind, "kind", FilmKind.FEATURE),
        "status": _choice(row.get("status", ""), FilmStatus, "status", FilmStatus.ANNOUNCED),
        "planned_release": _date(row.get("planned_release", ""), "planned_release"),
        "release_date": _date(row.get("release_date", ""), "release_date"),
        "genres": genres,
        "languages": languages,
        "countries": countries,
        "producer": clean_name(row.get("producer", ""), "producer"),
        "producer_id": row.get("producer_id", ""),
        "status_since": status_since,
    }


def _film_picture(film: Film) -> dict:
    pic = snapshot(film)
    pic["genres"] = sorted(film.genres.values_list("code", flat=True))
    pic["languages"] = sorted(film.languages.values_list("code", flat=True))
    latest = film.status_changes.order_by("changed_on", "id").last()
    pic["status_since"] = latest.changed_on.isoformat() if latest else None
    return pic


def _set_tags(film: Film, model, relation: str, codes: list[str]):
    objs = [model.objects.get_or_create(code=c)[0] for c in codes]
    getattr(film, relation).set(objs)


@transaction.atomic
def upsert_film(*, data: dict, actor: Actor, status_reason: str = "") -> tuple[Film, str]:
    """Create or update a film from clean values; returns (film, 'created'|'updated'|'unchanged')."""
    producer = None
    if data.get("producer") or data.get("producer_id"):
        producer = get_or_create_organisation(identifier=data.get("producer_id", ""),
                                              name=data.get("producer", ""), actor=actor)
    values = {k: data[k] for k in ("title", "title_kk", "title_ru", "title_en", "year", "kind",
                                   "planned_release", "release_date")}
    values["country_codes"] = "|".join(data.get("countries", []))
    values["genre_codes"] = "|".join(data.get("genres", []))
    values["language_codes"] = "|".join(data.get("languages", []))
    values["producer"] = producer
    film = Film.objects.filter(code=data["code"]).first()
    before = _film_picture(film) if film else None
    created = film is None
    status = data["status"]
    if film is not None and film.status == FilmStatus.RELEASED and film.release_date:
        # A spreadsheet that predates the release must not un-release a film that has been screened.
        values["release_date"] = values["release_date"] or film.release_date
        if status != FilmStatus.ABANDONED:
            status = FilmStatus.RELEASED
    since = data.get("status_since")
    if created:
        film = Film.objects.create(code=data["code"], status=status, **values)
        FilmStatusChange.objects.create(film=film, status=film.status, reason=status_reason or "registered",
                                        changed_on=since or timezone.localdate(), recorded_by=_user(actor))
    else:
        for k, v in values.items():
            setattr(film, k, v)
        film.save()
        if status != film.status:
            _check_not_before_history(film, since)
            change_film_status(film=film, status=status, reason=status_reason or "register file",
                               actor=actor, audit=False, changed_on=since)
        elif since is not None and status == data["status"]:
            _redate_current_status(film, since)
    _set_tags(film, Genre, "genres", data.get("genres", []))
    _set_tags(film, Language, "languages", data.get("languages", []))
    _set_tags(film, Country, "countries", data.get("countries", []))
    after = _film_picture(film)
    if created:
        record_change(actor=actor, action=AuditAction.CREATE, instance=film, before=None, after=after)
        transaction.on_commit(partial(films_registered.send, sender=Film, codes=[film.code]))
        return film, RegisterOutcome.CREATED
    if before == after:
        return film, RegisterOutcome.UNCHANGED
    record_change(actor=actor, action=AuditAction.UPDATE, instance=film, before=before, after=after)
    return film, RegisterOutcome.UPDATED


def _check_not_before_history(film: Film, since: datetime.date | None, *, exclude_latest: bool = False):
    """A status cannot be entered before the change that preceded it: the timeline would run backwards."""
    if since is None:
        return
    history = list(film.status_changes.order_by("changed_on", "id"))
    if exclude_latest:
        history = history[:-1]
    if history and history[-1].changed_on > since:
        prev = history[-1]
        raise RowError("status_since", f"{since.isoformat()} is before the film's earlier status change "
                                       f"({prev.status} on {prev.changed_on.isoformat()}); give a later date or "
                                       "correct the history on the film's staff page")


def _redate_current_status(film: Film, since: datetime.date):
    """The register now says when the film entered the status it already has: date that history entry so."""
    latest = film.status_changes.order_by("changed_on", "id").last()
    if latest is None:
        FilmStatusChange.objects.create(film=film, status=film.status, changed_on=since, reason="register file")
    elif latest.status == film.status and latest.changed_on != since:
        _check_not_before_history(film, since, exclude_latest=True)
        latest.changed_on = since
        latest.save(update_fields=["changed_on"])


def _user(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


@transaction.atomic
def change_film_status(*, film: Film, status: str, actor: Actor, reason: str = "",
                       changed_on: datetime.date | None = None, audit: bool = True) -> FilmStatusChange | None:
    """Move a film to a new status, keeping the dated history."""
    if status not in FilmStatus.values:
        raise ValueError(f"'{status}' is not a film status")
    if status == film.status:
        return None
    before = snapshot(film)
    change = FilmStatusChange.objects.create(film=film, status=status, previous_status=film.status,
                                             changed_on=changed_on or timezone.localdate(), reason=reason,
                                             recorded_by=_user(actor))
    film.status = status
    film.save(update_fields=["status", "updated_at"])
    if audit:
        record_change(actor=actor, action=AuditAction.UPDATE, instance=film, before=before, after=snapshot(film))
    return change


def mark_released_by_sales(*, first_screening_days: dict[int, datetime.date], actor: Actor,
                           reason: str) -> list[int]:
    """registers.md: the tracker sets `released` and the release date itself when sales first arrive.

    Called inside the import's transaction with each touched film's earliest screening day in the batch.
    Returns the ids of films whose status or date changed.
    """
    films = list(Film.objects.select_for_update().filter(pk__in=first_screening_days).filter(
        ~Q(status=FilmStatus.RELEASED) | Q(release_date__isnull=True) | Q(release_date__gt=min(
            first_screening_days.values()))))
    # Set-based: a country's first historical load releases hundreds of films in one import.
    latest = dict(FilmStatusChange.objects.filter(film__in=films).values("film")
                  .annotate(on=Max("changed_on")).values_list("film", "on"))
    user, now = _user(actor), timezone.now()
    changed, status_changes, audit = [], [], []
    for film in films:
        day = first_screening_days[film.pk]
        before = snapshot(film)
        if film.release_date is None or film.release_date > day:
            film.release_date = day
        if film.status != FilmStatus.RELEASED:
            # Loading past sales for a film registered since (the first load of a country's history does
            # exactly that) must not put the release before the registration in the timeline, which would
            # then end on a status the film no longer has: the change is dated when the tracker learned it,
            # and the release date keeps the first screening.
            on, why = day, reason
            if latest.get(film.pk) is not None and latest[film.pk] > day:
                on, why = latest[film.pk], f"{reason}; first screening {day.isoformat()}"
            status_changes.append(FilmStatusChange(film=film, status=FilmStatus.RELEASED,
                                                   previous_status=film.status, changed_on=on, reason=why,
                                                   recorded_by=user))
            film.status = FilmStatus.RELEASED
        after = snapshot(film)
        if after != before:
            film.updated_at = now
            changed.append(film)
            audit.append((film, before, after))
    Film.objects.bulk_update(changed, ["release_date", "status", "updated_at"], batch_size=500)
    FilmStatusChange.objects.bulk_create(status_changes, batch_size=500)
    record_changes(actor=actor, action=AuditAction.UPDATE, changes=audit)
    if changed:  # bulk writes send no post_save: one, for the receivers (the public cache's register version)
        post_save.send(sender=Film, instance=changed[0], created=False, update_fields=["status"], raw=False,
                       using="default")
    return [film.pk for film in changed]


def import_films(*, stream: BinaryIO, actor: Actor) -> RegisterImportReport:
    """Load films.csv; good rows are saved, bad rows reported; loading the same file twice changes nothing."""
    table = read_csv(stream, required=["film_code", "title"], known=FILM_COLUMNS, what="films")
    seen: dict[str, int] = {}

    def load_row(line: int, row: dict) -> str:
        key = row.get("film_code", "")
        if key in seen:
            raise RowError("film_code", f"already given on line {seen[key]} of this file")
        data = parse_film_row(row)
        seen[key] = line
        return upsert_film(data=data, actor=actor)[1]

    return load_register(RegisterImportReport.of_table("films", table), table.rows, load_row,
                         key_of=lambda row: row.get("film_code", ""))
