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
