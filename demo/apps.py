from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set and its accounts (`manage.py load_demo`), loaded through every register's import."""

    name = "demo"
    verbose_name = "Demo data"
