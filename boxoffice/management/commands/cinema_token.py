from django.core.management.base import BaseCommand, CommandError

from boxoffice.models import Cinema, CinemaApiToken
from boxoffice.tokens import issue_api_token, revoke_api_token
from films.audit import Actor


class Command(BaseCommand):
    help = (
        "Issue, revoke or list cinemas' API tokens for POST /api/v1/sales/batches/. The key is shown once, "
        "at issue; only its hash is kept."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="a new token for a cinema")
        issue.add_argument("cinema_code")
        revoke = sub.add_parser("revoke", help="refuse a token from now on")
        revoke.add_argument("prefix", help="the first characters of the key, as listed")
        listing = sub.add_parser("list", help="tokens of one cinema or of all")
        listing.add_argument("cinema_code", nargs="?")

    def handle(self, *args, action, **opts):
        actor = Actor.command("cinema_token")
        if action == "issue":
            cinema = Cinema.objects.filter(code=opts["cinema_code"]).first()
            if cinema is None:
                raise CommandError(f"no cinema {opts['cinema_code']} in the register")
            token, key = issue_api_token(cinema=cinema, actor=actor)
            self.stdout.write(key)
            self.stderr.write(
                f"token {token.key_prefix}… issued for {cinema.code}; the key above is shown only "
                "now — hand it to the cinema's ticketing system."
            )
        elif action == "revoke":
            tokens = list(CinemaApiToken.objects.filter(key_prefix=opts["prefix"][:8]))
            if len(tokens) != 1:
                raise CommandError(
                    f"{len(tokens)} tokens start with {opts['prefix']!r}; give one that matches exactly one"
                )
            changed = revoke_api_token(token=tokens[0], actor=actor)
            self.stdout.write(
                f"token {tokens[0].key_prefix}… of {tokens[0].cinema.code} "
                f"{'revoked' if changed else 'was already revoked'}"
            )
        else:
            tokens = CinemaApiToken.objects.select_related("cinema").order_by("cinema__code", "created_at")
            if opts.get("cinema_code"):
                tokens = tokens.filter(cinema__code=opts["cinema_code"])
            for t in tokens:
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "live"
                used = f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
                self.stdout.write(f"{t.cinema.code}\t{t.key_prefix}…\t{state}\t{used}")
