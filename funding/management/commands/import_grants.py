from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from films.audit import Actor
from films.commands import RegisterImportCommand
from films.permissions import can_edit_registers
from funding.services import import_grants


class Command(RegisterImportCommand):
    help = (
        "Load grants from a 360Giving JSON package or 360Giving flattened CSV (shared/spec/registers.md). "
        "This is the administrator's door for bulk loads (a country's first historic load): new and changed "
        "grants are published at once, without a second officer; the audit trail records each change with the "
        "operating-system user who ran the command (cli:<user>). With --review --as OFFICER the file's new and "
        "changed grants are proposed in that grant officer's name instead, and publish only once a different "
        "officer approves them in the staff queue."
    )
    register = "grants"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--review", action="store_true",
                            help="propose the file's changes for a second officer's approval instead of publishing")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="with --review: the grant officer who makes the proposals")

    def handle(self, *args, **opts):
        self.maker = None
        if opts["review"]:
            if not opts["as_user"]:
                raise CommandError("--review needs --as USERNAME: the grant officer in whose name the changes are "
                                   "proposed (a different officer approves them)")
            self.maker = get_user_model().objects.filter(username=opts["as_user"], is_active=True).first()
            if self.maker is None or not can_edit_registers(self.maker):
                raise CommandError(f"{opts['as_user']} is not an active grant officer")
        elif opts["as_user"]:
            raise CommandError("--as names the maker of proposals: use it with --review")
        return super().handle(*args, **opts)

    def load(self, *, stream, actor):
        if self.maker is None:
            return import_grants(stream=stream, actor=actor)
        return import_grants(stream=stream, review=True,
                             actor=Actor(door=actor.door, user=self.maker, label=actor.label))
