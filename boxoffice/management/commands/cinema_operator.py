from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from boxoffice.models import Cinema
from boxoffice.operators import add_cinema_operator, find_user, remove_cinema_operator
from films.audit import Actor


class Command(BaseCommand):
    help = (
        "Tie a cinema operator (a user of the cinema_operator role) to a cinema, or untie it: the operator may "
        "then upload that cinema's sales. Each change is in the audit trail with who ran it; `list` shows ties."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, what in (("add", "let USER report CINEMA's sales"), ("remove", "take that right away")):
            p = sub.add_parser(name, help=what)
            p.add_argument("username")
            p.add_argument("cinema_code")
        listing = sub.add_parser("list", help="operators of one cinema or of all")
        listing.add_argument("cinema_code", nargs="?")

    def handle(self, *args, action, **opts):
        if action == "list":
            cinemas = Cinema.objects.filter(operators__isnull=False).distinct().order_by("code")
            if opts.get("cinema_code"):
                cinemas = cinemas.filter(code=opts["cinema_code"])
            for cinema in cinemas:
                names = ", ".join(cinema.operators.order_by("username").values_list("username", flat=True))
                self.stdout.write(f"{cinema.code}\t{names}")
            return
        user = find_user(opts["username"])
        if user is None:
            raise CommandError(f"no user {opts['username']}")
        cinema = Cinema.objects.filter(code=opts["cinema_code"]).first()
        if cinema is None:
            raise CommandError(f"no cinema {opts['cinema_code']} in the register")
        service = add_cinema_operator if action == "add" else remove_cinema_operator
        try:
            changed = service(cinema=cinema, user=user, actor=Actor.command("cinema_operator"))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if action == "add":
            self.stdout.write(f"{user.get_username()} {'now reports' if changed else 'already reported'} "
                              f"the sales of {cinema.code}")
        else:
            self.stdout.write(f"{user.get_username()} {'no longer reports' if changed else 'did not report'} "
                              f"the sales of {cinema.code}")
