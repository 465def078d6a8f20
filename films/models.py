"""The bottom of the dependency graph: regions, organisations, films and the audit trail."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language

from .choices import AuditAction, Door, FilmKind, FilmStatus, RecomputeReason


class HomeRegionManager(models.Manager):
    """The regions of the deployment's country (TRACKER_COUNTRY): the only ones a cinema, a filter or a report
    may name. Read per query, so that a test overriding the country sees its regions."""

    def get_queryset(self):
        return super().get_queryset().filter(country=settings.TRACKER_COUNTRY)


class Region(models.Model):
    """A region of the deployment's country: for KZ one of the 17 regions or 3 cities of republican
    significance (kz-regions.csv); elsewhere an ISO 3166-2 subdivision (films/country.py)."""

    code = models.CharField(max_length=8, unique=True)
    country = models.CharField(max_length=2, default="KZ", db_index=True, help_text="ISO 3166-1 alpha-2")
    name_en = models.CharField(max_length=100)
    name_kk = models.CharField(max_length=100)
    name_ru = models.CharField(max_length=100)

    objects = HomeRegionManager()

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return getattr(self, f"name_{(get_language() or 'en')[:2]}", None) or self.name_en


class Organisation(models.Model):
    """A producer, distributor, funder or any grant recipient, with its org-id.guide identifier."""

    # NULL, not "", when unknown: the unique constraint must allow many organisations without an identifier.
    identifier = models.CharField(  # noqa: DJ001
        max_length=100, null=True, blank=True, help_text="org-id.guide style, e.g. KZ-BIN-…")
    name = models.CharField(max_length=300)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records",
        help_text="Set when this record was merged into another record of the same organisation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["identifier"], name="organisation_identifier_unique"),
        ]

    def __str__(self):
        return self.name


class OrganisationAlias(models.Model):
    """Another name or identifier the same organisation was known by; kept searchable after merges."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    identifier = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name", "identifier"], name="organisation_alias_unique"),
        ]

    def __str__(self):
        return self.name


class Genre(models.Model):
    """A genre word as registers give it, in any language and script (`drama`, `драма`, `тарих`), lower case."""

    code = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class Language(models.Model):
    code = models.CharField(max_length=3, unique=True, help_text="ISO 639-1")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class Country(models.Model):
    code = models.CharField(max_length=2, unique=True, help_text="ISO 3166-1 alpha-2")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.code


class Film(models.Model):
    """A film project, from announcement to release; keyed by its distribution certificate or project number."""

    code = models.CharField(max_length=32, unique=True, help_text="Distribution certificate or project number")
    title = models.CharField(max_length=300, help_text="Title in its original language")
    title_kk = models.CharField(max_length=300, blank=True)
    title_ru = models.CharField(max_length=300, blank=True)
    title_en = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Production year")
    kind = models.CharField(max_length=20, choices=FilmKind.choices, default=FilmKind.FEATURE)
    genres = models.ManyToManyField(Genre, blank=True, related_name="films")
    languages = models.ManyToManyField(Language, blank=True, related_name="films")
    countries = models.ManyToManyField(Country, blank=True, related_name="films")
    # Countries of origin in the register's order; the first one decides domestic vs foreign.
    country_codes = models.CharField(max_length=200, blank=True, help_text="|-separated, KZ first for domestic")
    # Genres and languages in the register's order too: the market view counts a film under its first one
    # (the many-to-many relations above keep no order).
    genre_codes = models.TextField(blank=True, help_text="|-separated, in the register's order")
    language_codes = models.TextField(blank=True, help_text="|-separated, in the register's order")
    producer = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="films")
    status = models.CharField(max_length=20, choices=FilmStatus.choices, default=FilmStatus.ANNOUNCED)
    planned_release = models.DateField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True, help_text="First commercial screening")
    exhibitor_share = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Share of gross kept by cinemas for this film; empty = the national default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.display_title} ({self.code})"

    @property
    def display_title(self):
        lang = (get_language() or "en")[:2]
        return getattr(self, f"title_{lang}", "") or self.title_en or self.title

    @property
    def origin_country(self):
        return self.country_codes.split("|")[0] if self.country_codes else ""

    @property
    def first_genre(self):
        return self.genre_codes.split("|")[0] if self.genre_codes else ""

    @property
    def first_language(self):
        return self.language_codes.split("|")[0] if self.language_codes else ""

    @property
    def is_domestic(self):
        """Made in the deployment's country (TRACKER_COUNTRY) first of all."""
        return self.origin_country == settings.TRACKER_COUNTRY

    @property
    def effective_exhibitor_share(self) -> Decimal:
        return self.exhibitor_share if self.exhibitor_share is not None else settings.EXHIBITOR_SHARE

    def is_released(self, today=None) -> bool:
        """registers.md: released once it has a release date on or before today (sales set that date)."""
        today = today or timezone.localdate()
        return self.release_date is not None and self.release_date <= today


class FilmStatusChange(models.Model):
    """A dated entry in a film's status history."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=FilmStatus.choices)
    previous_status = models.CharField(max_length=20, choices=FilmStatus.choices, blank=True)
    changed_on = models.DateField(default=timezone.localdate)
    reason = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["film", "changed_on", "id"]

    def __str__(self):
        return f"{self.film.code}: {self.previous_status or '—'} → {self.status} on {self.changed_on}"


class AuditEvent(models.Model):
    """Who changed which register record, when, through which door, before and after. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150, blank=True, help_text="Who, when no user: a command or a token")
    door = models.CharField(max_length=10, choices=Door.choices)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=50, db_index=True)
    object_id = models.CharField(max_length=100, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only and cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only and cannot be deleted.")


class RecomputeRequest(models.Model):
    """Transactional outbox: films whose stored metrics must be recomputed, written in the transaction of the
    change that needs it, so a commit can never happen without its recompute (films/outbox.py).

    Kept in films, the bottom app, so that boxoffice and funding both write it without importing each other;
    batch_id is a box-office ImportBatch, held as a plain number for the same reason.
    """

    film_ids = models.JSONField(help_text="Primary keys of the films to recompute")
    reason = models.CharField(max_length=32, choices=RecomputeReason.choices)
    batch_id = models.BigIntegerField(null=True, blank=True, help_text="Sales batch whose recompute this is")
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=models.Q(done_at__isnull=True),
                                name="recompute_request_pending")]

    def __str__(self):
        return f"recompute {len(self.film_ids)} film(s) ({self.reason}{' done' if self.done_at else ''})"


class CacheEpoch(models.Model):
    """One row: a number in every public cache key (public/caching.py), raised when a cache-version bump could
    not reach the cache, so that what was cached before the outage is never served after it."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"public cache epoch {self.value}"
