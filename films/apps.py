from django.apps import AppConfig
from django.db.models.signals import post_migrate


def load_home_regions(sender, app_config=None, using="default", **kwargs):
    """After migrate, the configured country's regions exist (registers.md, The country); idempotent.
    Kazakhstan's come from the data migration too, so a KZ deployment gets nothing new here."""
    if getattr(app_config, "label", None) != "films":
        return
    from django.conf import settings

    from .country import load_country_regions

    region_model = app_config.get_model("Region")
    load_country_regions(region_model, settings.TRACKER_COUNTRY)


class FilmsConfig(AppConfig):
    name = "films"
    verbose_name = "Films and organisations"

    def ready(self):
        post_migrate.connect(load_home_regions, dispatch_uid="films.load_home_regions")
