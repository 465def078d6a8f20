from django.db import models
from django.utils.translation import gettext_lazy as _


class DisbursementKind(models.TextChoices):
    DISBURSEMENT = "disbursement", _("Disbursement")
    RECOVERY = "recovery", _("Recovery (money returned to the funder)")


class ChangeStatus(models.TextChoices):
    """Maker-checker: a proposed grant version waits for a different officer."""

    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded by a later proposal")
