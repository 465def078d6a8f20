from films.commands import RegisterImportCommand
from funding.services import import_grants


class Command(RegisterImportCommand):
    help = "Load grants from a 360Giving JSON package or 360Giving flattened CSV (shared/spec/registers.md)."
    register = "grants"

    def load(self, *, stream, actor):
        return import_grants(stream=stream, actor=actor)
