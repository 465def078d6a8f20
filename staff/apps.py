from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The staff workspace (/<lang>/staff/…): pages over the registers' services, above every register app."""

    name = "staff"
    verbose_name = "Staff workspace"
