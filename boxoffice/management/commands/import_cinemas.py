from boxoffice.services import import_cinemas
from films.commands import RegisterImportCommand


class Command(RegisterImportCommand):
    help = "Load the cinemas register (one row per screen) from a CSV file (shared/spec/registers.md)."
    register = "cinemas"

    def load(self, *, stream, actor):
        return import_cinemas(stream=stream, actor=actor)
