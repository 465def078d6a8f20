from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Grants and funding"

    def ready(self):
        from films.signals import film_figures_changed, films_registered, recompute_requested

        from . import receivers

        recompute_requested.connect(receivers.drain_after_commit, dispatch_uid="funding-drain-recompute-outbox")
        films_registered.connect(receivers.link_grants_to_new_films, dispatch_uid="funding-link-grants")
        film_figures_changed.connect(receivers.recompute_after_film_change, dispatch_uid="funding-recompute-film")
