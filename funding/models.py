"""Grants (360Giving), programmes, disbursements and the stored per-film metrics."""
from django.conf import settings
from django.db import models

from films.choices import Door
from films.models import Film, Organisation

from .choices import ChangeStatus, DisbursementKind
from .exactjson import ExactJSONDecoder, ExactJSONEncoder

MONEY = {"max_digits": 20, "decimal_places": 2}


class Programme(models.Model):
    """A funder's grant programme (360Giving grantProgramme)."""

    funder = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="programmes")
    title = models.CharField(max_length=300)
    code = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["funder", "title"], name="programme_funder_title_unique")]

    def __str__(self):
        return self.title


class GrantQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: approved grants only (maker-checker)."""
        return self.filter(published=True)

    def linked(self):
        return self.filter(film__isnull=False)

    def unlinked(self):
        return self.filter(film__isnull=True)


class Grant(models.Model):
    """One grant in 360Giving terms, linked to the film it funds (or unlinked until staff link it)."""

    identifier = models.CharField(max_length=200, unique=True, help_text="360Giving id")
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    currency = models.CharField(max_length=3, help_text="ISO 4217")
    amount_awarded = models.DecimalField(**MONEY)
    amount_disbursed = models.DecimalField(null=True, blank=True, **MONEY)
    award_date = models.DateField()
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    # Empty for 360Giving grants to individuals (recipientIndividual, kept in source_data).
    recipient = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="grants_received")
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grants_made")
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="grants")
    film = models.ForeignKey(Film, null=True, blank=True, on_delete=models.PROTECT, related_name="grants")
    # What the source file named, kept even when no such film is registered (an unlinked grant).
    film_code = models.CharField(max_length=32, blank=True)
    film_title = models.CharField(max_length=300, blank=True)
    # The grant as its publisher gave it in 360Giving JSON, so no field the standard defines is dropped.
    source_data = models.JSONField(default=dict, blank=True, encoder=ExactJSONEncoder, decoder=ExactJSONDecoder)
    # 360Giving extension `repayable`: the part of amountAwarded to be paid back (a fund's refundable support),
    # and by when. Repayments are recoveries (DisbursementKind.RECOVERY); funding/selectors.repayment_of.
    repayable_amount = models.DecimalField(null=True, blank=True, **MONEY)
    repayable_due_date = models.DateField(null=True, blank=True)
    # Data-quality warnings of the last load, for staff: e.g. an amount rounded to the cent.
    data_quality = models.JSONField(default=list, blank=True, help_text="Warnings from the grant's last load")
    published = models.BooleanField(default=True, help_text="False while a new grant awaits approval")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["award_date", "identifier"]
        indexes = [models.Index(fields=["film", "currency", "award_date"], name="grant_film_currency_date")]

    def __str__(self):
        return f"{self.identifier}: {self.title}"


class GrantChange(models.Model):
    """Maker-checker: a grant version proposed by one officer, waiting for a different one to approve it.

    The Grant row holds the approved (public) version; a proposal for a published grant lives here until
    approved. A new grant's row is created unpublished, so it is invisible until approval either way.
    """

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="changes")
    is_new = models.BooleanField(default=False, help_text="Proposes a grant that was never published")
    # Withdrawal: approval takes the grant off everything public (unpublishes it); grants are never deleted.
    withdraw = models.BooleanField(default=False, help_text="Proposes to withdraw (unpublish) the grant")
    withdraw_reason = models.CharField(max_length=500, blank=True)
    # The proposed grant in 360Giving terms, as import_grants reads it; approval applies it with upsert_grant.
    proposed = models.JSONField(encoder=ExactJSONEncoder, decoder=ExactJSONDecoder)
    status = models.CharField(max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    door = models.CharField(max_length=10, choices=Door.choices)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="grant_changes_proposed")
    proposed_by_label = models.CharField(max_length=150, blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="grant_changes_reviewed")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["grant"], condition=models.Q(status="pending"),
                                    name="grantchange_one_pending_per_grant"),
        ]

    def __str__(self):
        return f"change {self.pk} of {self.grant.identifier} ({self.status})"

    @property
    def door_label(self) -> str:
        """The door's name for a reader, in their language; `door` itself stays the stored machine word."""
        return Door(self.door).label if self.door in Door.values else self.door


class Disbursement(models.Model):
    """Money actually paid out under a grant (360Giving disbursementTransaction), or recovered from it."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="disbursements")
    identifier = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=DisbursementKind.choices, default=DisbursementKind.DISBURSEMENT)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    date = models.DateField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["grant", "date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "identifier"], condition=~models.Q(identifier=""),
                                    name="disbursement_grant_identifier_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount} {self.currency} on {self.date}"

    @property
    def signed_amount(self):
        return -self.amount if self.kind == DisbursementKind.RECOVERY else self.amount


class FilmMetrics(models.Model):
    """Every per-film figure of metrics.md, stored with its "as of" moment; recomputed by Celery."""

    film = models.OneToOneField(Film, on_delete=models.CASCADE, related_name="metrics", primary_key=True)
    awarded = models.JSONField(default=dict, help_text="Per currency: {'KZT': '123.00'}")
    disbursed = models.JSONField(default=dict, help_text="Per currency, net of recoveries")
    awarded_kzt = models.DecimalField(default=0, **MONEY)
    cohort_year = models.PositiveSmallIntegerField(null=True, blank=True,
                                                   help_text="Award year of the earliest KZT grant")
    gross = models.DecimalField(default=0, **MONEY)
    admissions = models.BigIntegerField(default=0)
    screenings = models.BigIntegerField(default=0)
    sales_count = models.BigIntegerField(default=0, help_text="Accepted sale transactions")
    exhibitor_share = models.DecimalField(max_digits=5, decimal_places=4)
    net_to_rights_holders = models.DecimalField(default=0, **MONEY)
    return_on_funding = models.DecimalField(max_digits=24, decimal_places=12, null=True, blank=True)
    net_return_on_funding = models.DecimalField(max_digits=24, decimal_places=12, null=True, blank=True)
    funding_per_admission = models.DecimalField(null=True, blank=True, **MONEY)
    last_sale_at = models.DateTimeField(null=True, blank=True, help_text="As of: last accepted sale included")
    # Provenance (box-office-reports.md): how much of gross and admissions came from tickets and from reports.
    gross_from_tickets = models.DecimalField(default=0, **MONEY)
    gross_from_reports = models.DecimalField(default=0, **MONEY)
    admissions_from_tickets = models.BigIntegerField(default=0)
    admissions_from_reports = models.BigIntegerField(default=0)
    admissions_incomplete = models.BooleanField(default=False,
                                                help_text="A report row that speaks gives no admissions")
    report_sources = models.JSONField(default=list, blank=True,
                                      help_text="[{'source': ..., 'gross': '...', 'rows': n}] of the rows that speak")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "film metrics"

    def __str__(self):
        return f"metrics of {self.film_id} as of {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def awarded_home(self):
        """Awarded in the home currency (settings.HOME_CURRENCY). The column keeps its first name,
        awarded_kzt, from when the tracker served Kazakhstan only; every reader should use this name."""
        return self.awarded_kzt


class MetricsDiscrepancy(models.Model):
    """The nightly full recompute found a film's stored metrics differing from its grants and box office;
    shown to auditors (the metrics-discrepancies report). The stored figures were then repaired."""

    found_at = models.DateTimeField(auto_now_add=True)
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="metrics_discrepancies")
    fields = models.JSONField(help_text="Names of the figures that differed")
    stored = models.JSONField(help_text="The figures as stored (null: no metrics were stored)", null=True)
    recomputed = models.JSONField()
    repaired = models.BooleanField(default=False)

    class Meta:
        ordering = ["-found_at", "film_id"]
        verbose_name_plural = "metrics discrepancies"

    def __str__(self):
        return f"metrics of film {self.film_id} differed ({', '.join(self.fields)})"
