"""Make the deployment's regions exist: kz-regions.csv for KZ, the ISO 3166-2 subdivisions elsewhere."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from films.country import CountryError, load_country_regions
from films.models import Region


class Command(BaseCommand):
    help = ("Load the regions of TRACKER_COUNTRY (or --country): Kazakhstan's 20 rows of kz-regions.csv, any "
            "other country's ISO 3166-2 subdivisions. Idempotent; migrate runs it for the configured country.")

    def add_arguments(self, parser):
        parser.add_argument("--country", default="", help="ISO 3166-1 alpha-2; default TRACKER_COUNTRY")

    def handle(self, *args, country="", **options):
        try:
            created, updated = load_country_regions(Region, country or settings.TRACKER_COUNTRY)
        except CountryError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"regions: {created} created, {updated} updated")
