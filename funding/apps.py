from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Grants and funding"

    def ready(self):
        from boxoffice.signals import box_office_reported, sales_committed
        from films.signals import films_registered

        from . import receivers

        sales_committed.connect(receivers.recompute_after_sales, dispatch_uid="funding-recompute-after-sales")
        box_office_reported.connect(receivers.recompute_after_box_office_report,
                                    dispatch_uid="funding-recompute-after-box-office-report")
        films_registered.connect(receivers.link_grants_to_new_films, dispatch_uid="funding-link-grants")
