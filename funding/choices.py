from django.db import models


class DisbursementKind(models.TextChoices):
    DISBURSEMENT = "disbursement", "Disbursement"
    RECOVERY = "recovery", "Recovery (money returned to the funder)"


class ChangeStatus(models.TextChoices):
    """Maker-checker: a proposed grant version waits for a different officer."""

    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded by a later proposal"
