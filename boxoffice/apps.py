from django.apps import AppConfig


class BoxofficeConfig(AppConfig):
    name = "boxoffice"
    verbose_name = "Cinemas and ticket sales"

    def ready(self):
        from films.signals import films_registered

        from . import receivers

        films_registered.connect(receivers.apply_held_for_new_films, dispatch_uid="boxoffice-held-films")
