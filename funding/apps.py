from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Grants and funding"

    def ready(self):
        from boxoffice.signals import sales_committed
        from films.signals import film_figures_changed, films_registered

        from . import receivers

        sales_committed.connect(receivers.recompute_after_sales, dispatch_uid="funding-recompute-after-sales")
        films_registered.connect(receivers.link_grants_to_new_films, dispatch_uid="funding-link-grants")
        film_figures_changed.connect(receivers.recompute_after_film_change, dispatch_uid="funding-recompute-film")
