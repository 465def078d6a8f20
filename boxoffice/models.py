"""Cinemas, screens, sales batches, ticket transactions, held records, anomalies and daily summaries."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Coalesce

from films.models import Film, Region

from .choices import AnomalyKind, BatchSource, BatchStatus, ChartPeriod, Outcome, ScreeningFormat, TransactionKind

MONEY = {"max_digits": 20, "decimal_places": 2}
cinema_code_validator = RegexValidator(r"^[A-Z0-9-]{3,32}$", "3–32 capital letters, digits or hyphens")


class Cinema(models.Model):
    """A cinema in the register; it reports sales once connected."""

    code = models.CharField(max_length=32, unique=True, validators=[cinema_code_validator])
    name = models.CharField(max_length=300)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cinemas")
    city = models.CharField(max_length=200)
    chain = models.CharField(max_length=200, blank=True)
    connected_since = models.DateField(null=True, blank=True, help_text="Empty = not reporting")
    # Users of the cinema_operator role who report this cinema's sales (upload page, its batches, its tokens).
    operators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="operated_cinemas")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_connected(self):
        return self.connected_since is not None


class Screen(models.Model):
    """A hall of a cinema, with its seats."""

    cinema = models.ForeignKey(Cinema, on_delete=models.CASCADE, related_name="screens")
    name = models.CharField(max_length=32)
    seats = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(2000)])

    class Meta:
        ordering = ["cinema", "name"]
        constraints = [models.UniqueConstraint(fields=["cinema", "name"], name="screen_cinema_name_unique")]

    def __str__(self):
        return f"{self.cinema.code} / {self.name}"


class ImportBatch(models.Model):
    """One submission of ticket sales, whatever door it came through, with its report."""

    source = models.CharField(max_length=10, choices=BatchSource.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    submitted_by_label = models.CharField(max_length=150, blank=True)
    cinema = models.ForeignKey(Cinema, null=True, blank=True, on_delete=models.PROTECT, related_name="batches",
                               help_text="Set when the batch came with one cinema's credentials")
    filename = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    encoding = models.CharField(max_length=10, blank=True)  # csv or json
    status = models.CharField(max_length=12, choices=BatchStatus.choices, default=BatchStatus.RECEIVED)
    message = models.TextField(blank=True, help_text="Why the batch was rejected whole, in words a clerk can act on")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    total = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveIntegerField(default=0, help_text="Records read so far, for the progress bar")
    # The recompute of the touched films' metrics: requested on commit, finished by the Celery task.
    recompute_requested_at = models.DateTimeField(null=True, blank=True)
    recompute_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"batch {self.pk} ({self.get_status_display()})"

    @property
    def recompute_pending(self):
        return self.recompute_requested_at is not None and self.recompute_finished_at is None

    def summary(self) -> dict:
        """The command-line contract of ticket-sales.md."""
        return {"batch": self.pk, "status": self.status, "accepted": self.accepted,
                "duplicate": self.duplicate, "rejected": self.rejected, "held": self.held}


class Screening(models.Model):
    """One show: (cinema, screen, start). All its records name one film."""

    cinema = models.ForeignKey(Cinema, on_delete=models.PROTECT, related_name="screenings")
    screen = models.ForeignKey(Screen, on_delete=models.PROTECT, related_name="screenings")
    starts_at = models.DateTimeField()
    film = models.ForeignKey(Film, on_delete=models.PROTECT, related_name="screenings")
    tickets_sold = models.IntegerField(default=0, help_text="Seats sold by accepted sales, before refunds")
    admissions = models.IntegerField(default=0, help_text="Sold minus refunded")
    gross = models.DecimalField(default=0, **MONEY)

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.UniqueConstraint(fields=["screen", "starts_at"], name="screening_screen_start_unique")]
        indexes = [models.Index(fields=["film", "starts_at"], name="screening_film_start")]

    def __str__(self):
        return f"{self.screen} at {self.starts_at:%Y-%m-%d %H:%M}"


class TicketTransaction(models.Model):
    """An accepted ticket sale or refund."""

    # No single-column indexes where a composite one leads with the column (natural key; film × kind):
    # every index costs time on each of millions of inserted rows.
    #
    # The references are kept true without a database trigger checking each inserted row (db_constraint=False;
    # at a million rows those checks cost more than the inserts themselves). What keeps them true:
    # * writers: only the sales import inserts tickets (both engines, boxoffice/storing.hold_references): it
    #   takes every id from the registers in its own transaction and locks the rows it references, set-based,
    #   FOR KEY SHARE — what the triggers did per row, done once per referenced row — so a film, cinema,
    #   screening or sale cannot be deleted until the batch has committed;
    # * deletes: on_delete=PROTECT is enforced by Django for every delete through the ORM (admin, services),
    #   with or without a database constraint;
    # * and the nightly check (summaries.verify_references) reports any ticket whose reference is missing,
    #   should a raw-SQL writer ever get around both.
    cinema = models.ForeignKey(Cinema, on_delete=models.PROTECT, related_name="transactions", db_index=False,
                               db_constraint=False)
    transaction_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=6, choices=TransactionKind.choices)
    refund_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds",
                                  db_constraint=False)
    sold_at = models.DateTimeField()
    # No index on the screening either: no query looks tickets up by screening (the nightly check aggregates
    # the whole table; screenings are never deleted but by PROTECT-checked admin action, which may scan).
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="transactions",
                                  db_constraint=False, db_index=False)
    film = models.ForeignKey(Film, on_delete=models.PROTECT, related_name="transactions", db_index=False,
                             db_constraint=False)
    tickets = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="KZT")
    screening_format = models.CharField(max_length=5, choices=ScreeningFormat.choices, blank=True)
    screening_language = models.CharField(max_length=3, blank=True)
    content_hash = models.CharField(max_length=64, help_text="Of the normalised record, to tell duplicates")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="transactions",
                              db_constraint=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cinema", "transaction_id"], name="transaction_cinema_id_unique"),
        ]
        indexes = [models.Index(fields=["film", "kind"], name="transaction_film_kind")]

    def __str__(self):
        return f"{self.cinema.code}/{self.transaction_id}"


class BatchRecord(models.Model):
    """A record that was not accepted (duplicate, rejected or held), with where and why."""

    # Like the tickets' references (TicketTransaction): not checked by the database row by row — a re-sent
    # national file writes a million of these — but by the import, once (storing.hold_references), with
    # CASCADE on delete enforced by Django, and by the nightly check.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records", db_constraint=False)
    position = models.PositiveIntegerField(help_text="CSV line number or JSON index")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    field = models.CharField(max_length=40, blank=True)
    # Why, as the rulebook's reason code and its parameters (boxoffice/rulebook.py): the text is rendered when
    # shown, in the reader's language. Records stored before the rulebook keep their text in reason_text.
    reason_code = models.CharField(max_length=40, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    reason_text = models.TextField(blank=True, db_column="reason")
    cinema_code = models.CharField(max_length=64, blank=True)
    transaction_id = models.CharField(max_length=200, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, help_text="The record as received")
    # Held records: when and by which batch they were finally applied (or turned out rejected).
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    resolved_code = models.CharField(max_length=40, blank=True)
    resolved_params = models.JSONField(default=dict, blank=True)
    resolved_reason_text = models.TextField(blank=True, db_column="resolved_reason")

    class Meta:
        ordering = ["batch", "position"]
        # Every query by outcome or key asks for the open held records only (the staff list, the judges, their
        # release): partial indexes over those, so the duplicates of a re-sent file cost no index entries there.
        indexes = [
            models.Index(fields=["batch", "position"], name="batchrecord_open_held",
                         condition=models.Q(outcome="held", resolved_at__isnull=True)),
            models.Index(fields=["cinema_code", "transaction_id"], name="batchrecord_cinema_tx",
                         condition=models.Q(outcome="held", resolved_at__isnull=True)),
        ]

    def __str__(self):
        return f"batch {self.batch_id} #{self.position}: {self.outcome}"

    @property
    def reason(self) -> str:
        """Why, in the active language."""
        from .rulebook import render

        return render(self.reason_code, self.reason_params, self.reason_text)

    @property
    def reason_en(self) -> str:
        """Why, in English: the CSV download, the API and the command line (ticket-sales.md)."""
        from .rulebook import render_en

        return render_en(self.reason_code, self.reason_params, self.reason_text)

    @property
    def resolved_reason(self) -> str:
        from .rulebook import render

        return render(self.resolved_code, self.resolved_params, self.resolved_reason_text)


class Anomaly(models.Model):
    """A valid but suspicious record, accepted and flagged for auditors."""

    kind = models.CharField(max_length=20, choices=AnomalyKind.choices)
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="anomalies")
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="anomalies")
    transaction = models.ForeignKey(TicketTransaction, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="anomalies")
    # What was seen, as parameters of the kind's text in the rulebook (rendered in the reader's language);
    # anomalies flagged before the rulebook keep their text in detail_text.
    params = models.JSONField(default=dict, blank=True)
    detail_text = models.CharField(max_length=500, blank=True, db_column="detail")
    flagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-flagged_at", "-id"]
        verbose_name_plural = "anomalies"
        constraints = [
            models.UniqueConstraint(fields=["kind", "screening"], condition=models.Q(transaction__isnull=True),
                                    name="anomaly_screening_once"),
            models.UniqueConstraint(fields=["kind", "transaction"], condition=models.Q(transaction__isnull=False),
                                    name="anomaly_transaction_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.detail}"

    @property
    def detail(self) -> str:
        from .rulebook import render_anomaly

        return render_anomaly(self.kind, self.params, self.detail_text)


class DailySales(models.Model):
    """Film × cinema × day of screening: kept up to date in the import's transaction so metrics never rescan tickets."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="daily_sales")
    cinema = models.ForeignKey(Cinema, on_delete=models.CASCADE, related_name="daily_sales")
    day = models.DateField()
    admissions = models.BigIntegerField(default=0)
    gross = models.DecimalField(default=0, **MONEY)
    screenings = models.IntegerField(default=0, help_text="Screenings with at least one accepted sale")
    sales_count = models.IntegerField(default=0)
    last_sold_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["film", "cinema", "day"], name="dailysales_unique")]
        # The market view reads a day, a week or a year of every film: by day first.
        indexes = [models.Index(fields=["day", "film"], name="dailysales_day_film")]

    def __str__(self):
        return f"{self.film_id} @ {self.cinema_id} on {self.day}"


class SummaryDiscrepancy(models.Model):
    """The nightly check found a daily summary that disagrees with the raw tickets; shown to auditors."""

    found_at = models.DateTimeField(auto_now_add=True)
    film = models.ForeignKey(Film, on_delete=models.CASCADE)
    cinema = models.ForeignKey(Cinema, on_delete=models.CASCADE)
    day = models.DateField()
    stored = models.JSONField()
    recomputed = models.JSONField()
    repaired = models.BooleanField(default=False)

    class Meta:
        ordering = ["-found_at"]

    def __str__(self):
        return f"summary of film {self.film_id} at cinema {self.cinema_id} on {self.day} differed"


class CinemaApiToken(models.Model):
    """A cinema's ticketing system's credential for POST /api/v1/sales/batches/; stored hashed."""

    cinema = models.ForeignKey(Cinema, on_delete=models.CASCADE, related_name="api_tokens")
    key_prefix = models.CharField(max_length=8, help_text="First characters, to recognise a token")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"token {self.key_prefix}… for {self.cinema.code}"


class ScreenDaySales(models.Model):
    """Film × screen × day × screening format: what the market view needs beyond DailySales (figures by
    format, distinct screens over a week or a year), kept up to date in the import's transaction beside it."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="screen_day_sales")
    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="day_sales")
    day = models.DateField()
    screening_format = models.CharField(max_length=5, blank=True, help_text="Empty when the records named none")
    admissions = models.BigIntegerField(default=0)
    gross = models.DecimalField(default=0, **MONEY)
    sales_count = models.IntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["film", "screen", "day", "screening_format"],
                                               name="screendaysales_unique")]
        indexes = [models.Index(fields=["day", "film"], name="screendaysales_day_film")]

    def __str__(self):
        return f"{self.film_id} on screen {self.screen_id} on {self.day} ({self.screening_format or '-'})"


class FilmPeriod(models.Model):
    """Film × chart period (day, ISO week, calendar year) × place (a region; empty = the whole country): the chart's
    row of that film, ready to read. The figures are FilmDay's days of the period added up (tickets and reports
    as combined there); `screens` counts the distinct screens whose tickets count (a distinct count cannot be
    added up from days); the cumulative gross runs to the period's end and `first_day` is the film's first day
    with figures in that place, for days on release. Rebuilt with FilmDay for the touched films, only the years
    whose inputs changed and the years after them (market_summaries.py), so a chart reads one row per film
    instead of summing a year of day rows on every request."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=4, choices=ChartPeriod.choices)
    start = models.DateField(help_text="The period's first day")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    gross = models.DecimalField(default=0, **MONEY)
    admissions = models.BigIntegerField(default=0)
    screenings = models.BigIntegerField(default=0)
    gross_from_reports = models.DecimalField(default=0, **MONEY)
    screens = models.IntegerField(default=0)
    cumulative_gross = models.DecimalField(default=0, help_text="Up to the period's last day", **MONEY)
    first_day = models.DateField(help_text="The film's first day with figures in this place")

    class Meta:
        constraints = [models.UniqueConstraint("film", "period", "start", Coalesce("region", 0),
                                               name="filmperiod_unique")]
        indexes = [models.Index(fields=["period", "start", "region"], name="filmperiod_period")]

    def __str__(self):
        return f"film {self.film_id}, {self.period} of {self.start}: {self.gross}"


class FilmYearFormat(models.Model):
    """Film × calendar year × screening format: the ticket figures the market breakdown by format adds up,
    from the screen-day rows that count, rebuilt with FilmPeriod (a year of film × screen × day rows per
    request otherwise)."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="+")
    year = models.IntegerField()
    screening_format = models.CharField(max_length=5, blank=True, help_text="Empty when the records named none")
    admissions = models.BigIntegerField(default=0)
    gross = models.DecimalField(default=0, **MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["film", "year", "screening_format"],
                                               name="filmyearformat_unique")]
        indexes = [models.Index(fields=["year"], name="filmyearformat_year")]

    def __str__(self):
        return f"film {self.film_id} in {self.year} ({self.screening_format or '-'})"


class MarketSummaryInputs(models.Model):
    """What a film's market summaries of one year were built from, summed into a fingerprint (row count and
    sums of its screen-day rows and of the days its reports speak for): the rebuild works out again only the
    years whose inputs changed (market_summaries.py)."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="+")
    year = models.IntegerField()
    fingerprint = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["film", "year"], name="marketsummaryinputs_unique")]

    def __str__(self):
        return f"film {self.film_id} in {self.year}: {self.fingerprint}"


# --- Box-office reports (box-office-reports.md): figures known only from reports, kept apart from tickets. ----

class ReportImport(models.Model):
    """One box-office-report/1 file loaded, whatever door: who, when, which file, and its per-row counts."""

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_by_label = models.CharField(max_length=150, blank=True)
    door = models.CharField(max_length=20, blank=True)
    filename = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    encoding = models.CharField(max_length=10, blank=True)  # csv or json
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True, help_text="The rejected rows: line, key, field, reason")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"box-office report import {self.pk} ({self.filename or 'no name'})"


class ReportRow(models.Model):
    """One film's reported figures for one period and one place (the country, a region or a cinema)."""

    film = models.ForeignKey(Film, on_delete=models.PROTECT, related_name="report_rows")
    period_start = models.DateField()
    period_end = models.DateField()
    gross = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    admissions = models.BigIntegerField(null=True, blank=True)
    screenings = models.BigIntegerField(null=True, blank=True)
    screens = models.IntegerField(null=True, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="report_rows")
    cinema = models.ForeignKey(Cinema, null=True, blank=True, on_delete=models.PROTECT, related_name="report_rows")
    source = models.CharField(max_length=100)
    reference = models.CharField(max_length=500, blank=True)
    # The import that last created or changed the row: "the most recently imported" of the spec.
    imported_by = models.ForeignKey(ReportImport, on_delete=models.PROTECT, related_name="rows")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Written by the combination (combining.py) at recompute time: how much of the row speaks and which
    # accepted tickets inside its place it stands in for on those days (the auditors' pair).
    spoken_days = models.IntegerField(default=0)
    spoken_gross = models.DecimalField(default=0, **MONEY)
    spoken_admissions = models.BigIntegerField(null=True, blank=True)
    covered_ticket_gross = models.DecimalField(default=0, **MONEY)
    covered_ticket_admissions = models.BigIntegerField(default=0)
    covered_ticket_days = models.IntegerField(default=0)

    class Meta:
        ordering = ["film", "period_start", "period_end", "id"]
        constraints = [
            models.UniqueConstraint(
                "film", "period_start", "period_end", Coalesce("region", 0),
                Coalesce("cinema", 0), "source", name="reportrow_key_unique"),
            models.CheckConstraint(condition=models.Q(region__isnull=True) | models.Q(cinema__isnull=True),
                                   name="reportrow_one_place"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="reportrow_period_order"),
        ]
        indexes = [models.Index(fields=["film", "period_start"], name="reportrow_film_start")]

    def __str__(self):
        return f"{self.source}: film {self.film_id} {self.period_start}–{self.period_end} ({self.place_label})"

    @property
    def place_label(self) -> str:
        if self.cinema_id:
            return f"cinema {self.cinema.code}"
        if self.region_id:
            return f"region {self.region.code}"
        return "whole country"

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    @property
    def speaks(self) -> bool:
        return self.spoken_days > 0


class FilmDay(models.Model):
    """Film × day × region (empty = not known, e.g. a national report): THE combined daily figures.

    Rebuilt for the touched films at recompute time from the daily ticket summaries and the report rows
    (box-office-reports.md, "How reports and tickets combine"); per-film totals, charts and market breakdowns
    read this table, never raw tickets. Each figure is split into the part from tickets and the part from reports.
    """

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="combined_days")
    day = models.DateField()
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    ticket_gross = models.DecimalField(default=0, **MONEY)
    ticket_admissions = models.BigIntegerField(default=0)
    ticket_screenings = models.IntegerField(default=0)
    report_gross = models.DecimalField(default=0, **MONEY)
    report_admissions = models.BigIntegerField(default=0)
    report_screenings = models.BigIntegerField(default=0)
    admissions_incomplete = models.BooleanField(default=False, help_text="A row that speaks lacks admissions")
    screenings_incomplete = models.BooleanField(default=False, help_text="A row that speaks lacks screenings")
    # {report row id: its gross on this day} for each row that speaks here.
    report_parts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["film", "day"]
        constraints = [models.UniqueConstraint("film", "day", Coalesce("region", 0),
                                               name="filmday_unique")]
        indexes = [models.Index(fields=["day"], name="filmday_day")]

    def __str__(self):
        return f"film {self.film_id} on {self.day} ({self.region_id or 'region unknown'})"

    @property
    def gross(self):
        return self.ticket_gross + self.report_gross

    @property
    def admissions(self):
        return self.ticket_admissions + self.report_admissions
