"""Choices of the sales pipeline. The stored values are the contract (files, API, CSV); the labels are what
pages show, in the page's language. Statuses and outcomes carry a context: "Received" or "Held" as a batch's
or a record's state may be worded otherwise than the same English word as a column heading."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TransactionKind(models.TextChoices):
    SALE = "sale", "Sale"
    REFUND = "refund", "Refund"


class ScreeningFormat(models.TextChoices):
    TWO_D = "2D", "2D"
    THREE_D = "3D", "3D"
    IMAX = "IMAX", "IMAX"
    FOUR_DX = "4DX", "4DX"
    OTHER = "other", "Other"


class BatchSource(models.TextChoices):
    CLI = "cli", _("Command line")
    UPLOAD = "upload", _("Upload page")
    API = "api", _("API")
    HELD = "held", _("Held records, applied on registration")


class BatchStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("batch status", "Received")
    PROCESSING = "processing", pgettext_lazy("batch status", "Processing")
    PROCESSED = "processed", pgettext_lazy("batch status", "Processed")
    REJECTED = "rejected", pgettext_lazy("batch status", "Rejected whole")
    DUPLICATE = "duplicate", pgettext_lazy("batch status", "Duplicate of an earlier batch")
    INTERRUPTED = "interrupted", pgettext_lazy("batch status", "Interrupted; nothing stored")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("record outcome", "Accepted")
    DUPLICATE = "duplicate", pgettext_lazy("record outcome", "Duplicate")
    REJECTED = "rejected", pgettext_lazy("record outcome", "Rejected")
    HELD = "held", pgettext_lazy("record outcome", "Held")


class AnomalyKind(models.TextChoices):
    OVER_CAPACITY = "over_capacity", _("Screening sold more seats than the screen has")
    LATE_SALE = "late_sale", _("Sold more than 24 hours after the screening started")
    ZERO_AMOUNT = "zero_amount", _("Zero-amount sale")
    # The "%" is a per cent sign, not a placeholder: no translation has to repeat it as one.
    # xgettext:no-python-format
    LOW_PRICE = "low_price", _("Average ticket price below 10% of the cinema's median")


class ChartPeriod(models.TextChoices):
    """metrics.md "Box-office chart": the periods a chart covers (an ISO week runs Monday to Sunday)."""

    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    YEAR = "year", _("Year")
