from films.commands import RegisterImportCommand
from films.services import import_films


class Command(RegisterImportCommand):
    help = "Load the films register from a CSV file (shared/spec/registers.md)."
    register = "films"

    def load(self, *, stream, actor):
        return import_films(stream=stream, actor=actor)
