from django.core.management.base import BaseCommand, CommandError

from films.models import Film
from funding.metrics import recompute_all_metrics, recompute_film_metrics


class Command(BaseCommand):
    help = "Recompute stored film metrics now: the named films, or --all."

    def add_arguments(self, parser):
        parser.add_argument("film_codes", nargs="*")
        parser.add_argument("--all", action="store_true")

    def handle(self, *args, **opts):
        if opts["all"]:
            n = recompute_all_metrics()
        elif opts["film_codes"]:
            ids = dict(Film.objects.filter(code__in=opts["film_codes"]).values_list("code", "pk"))
            missing = sorted(set(opts["film_codes"]) - set(ids))
            if missing:
                raise CommandError(f"no film with code {', '.join(missing)}")
            n = len(recompute_film_metrics(ids.values()))
        else:
            raise CommandError("name film codes, or give --all")
        self.stdout.write(f"recomputed the metrics of {n} film(s)")
