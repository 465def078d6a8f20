from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FilmKind(models.TextChoices):
    FEATURE = "feature", _("Feature")
    DOCUMENTARY = "documentary", _("Documentary")
    ANIMATION = "animation", _("Animation")
    SERIES = "series", _("Series")
    SHORT = "short", _("Short")


class FilmStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    DEVELOPMENT = "development", _("Development")
    PRODUCTION = "production", _("Production")
    POST_PRODUCTION = "post_production", _("Post-production")
    COMPLETED = "completed", _("Completed")
    RELEASED = "released", _("Released")
    ABANDONED = "abandoned", _("Abandoned")


class Door(models.TextChoices):
    """Through which door a change reached the registers (for the audit trail)."""

    PAGE = "page", _("Staff page")
    UPLOAD = "upload", pgettext_lazy("door", "Upload")  # the noun; "Upload" alone is the button
    COMMAND = "command", _("Command")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    SYSTEM = "system", _("System")


class RecomputeReason(models.TextChoices):
    """Why a film's stored metrics must be recomputed (films.models.RecomputeRequest)."""

    SALES = "sales", _("Sales batch")
    GRANT = "grant", _("Grant change")
    BOX_OFFICE_IMPORT = "box_office_import", _("Box-office import")
    REGISTER = "register", _("Register edit")
    SUMMARY_REPAIR = "summary_repair", _("Daily summaries repaired")
    OTHER = "other", _("Other")


class RegisterOutcome(models.TextChoices):
    """What a register load did with one row (films/importing.py): the words the commands print."""

    CREATED = "created", pgettext_lazy("register outcome", "created")
    UPDATED = "updated", pgettext_lazy("register outcome", "updated")
    UNCHANGED = "unchanged", pgettext_lazy("register outcome", "unchanged")
    REJECTED = "rejected", pgettext_lazy("register outcome", "rejected")


class AuditAction(models.TextChoices):
    """What an audit event records (films.models.AuditEvent.action): the stored words, as they always were."""

    CREATE = "create", pgettext_lazy("audit action", "create")
    UPDATE = "update", pgettext_lazy("audit action", "update")
    DELETE = "delete", pgettext_lazy("audit action", "delete")
    PROPOSE = "propose", pgettext_lazy("audit action", "propose")
    APPROVE = "approve", pgettext_lazy("audit action", "approve")
    REJECT = "reject", pgettext_lazy("audit action", "reject")
    WITHDRAW = "withdraw", pgettext_lazy("audit action", "withdraw")
    LINK = "link", pgettext_lazy("audit action", "link")
    MERGE = "merge", pgettext_lazy("audit action", "merge")
    PASSWORD = "password", pgettext_lazy("audit action", "password change")
    OPERATOR_ADD = "operator-add", pgettext_lazy("audit action", "operator added")
    OPERATOR_REMOVE = "operator-remove", pgettext_lazy("audit action", "operator removed")
