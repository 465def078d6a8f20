from django.db import models


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
    CLI = "cli", "Command line"
    UPLOAD = "upload", "Upload page"
    API = "api", "API"
    HELD = "held", "Held records, applied on registration"


class BatchStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSING = "processing", "Processing"
    PROCESSED = "processed", "Processed"
    REJECTED = "rejected", "Rejected whole"
    DUPLICATE = "duplicate", "Duplicate of an earlier batch"
    INTERRUPTED = "interrupted", "Interrupted; nothing stored"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DUPLICATE = "duplicate", "Duplicate"
    REJECTED = "rejected", "Rejected"
    HELD = "held", "Held"


class AnomalyKind(models.TextChoices):
    OVER_CAPACITY = "over_capacity", "Screening sold more seats than the screen has"
    LATE_SALE = "late_sale", "Sold more than 24 hours after the screening started"
    ZERO_AMOUNT = "zero_amount", "Zero-amount sale"
    LOW_PRICE = "low_price", "Average ticket price below 10% of the cinema's median"
