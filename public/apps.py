from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public transparency site: dashboard, lists, open data, and the cache that keeps them fast."""

    name = "public"
    verbose_name = "Public site and open data"

    def ready(self):
        from . import receivers

        receivers.connect()
