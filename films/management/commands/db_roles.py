from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from films.dbroles import RoleProblem, apply_roles


class Command(BaseCommand):
    help = (
        "PostgreSQL only. Give the app role (what DATABASE_URL of the web and worker processes connects as) its "
        "rights after `migrate`, run as the owner role (MIGRATE_DATABASE_URL): SELECT/INSERT/UPDATE/DELETE on "
        "every table, only SELECT/INSERT on the audit trail, the same on tables future migrations create. "
        "Without --apply it only prints the statements (tried in a transaction that is then rolled back)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="the role the app connects as, e.g. tracker_app")
        parser.add_argument("--owner", help="the role that owns the tables and runs migrate (default: current user)")
        parser.add_argument("--create-role", action="store_true", help="create the app role (LOGIN, no "
                            "password: set one with ALTER ROLE … PASSWORD) if it does not exist")
        parser.add_argument("--apply", action="store_true", help="run the statements (default: print them)")

    def handle(self, *args, app_role, owner, create_role, apply, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL: SQLite has no roles")
        try:
            with transaction.atomic():
                statements = apply_roles(connection, app_role=app_role, owner=owner, create=create_role)
                if not apply:
                    transaction.set_rollback(True)
        except RoleProblem as exc:
            raise CommandError(str(exc)) from exc
        for text in statements:
            self.stdout.write(f"{text};")
        if not apply:
            self.stderr.write("printed only (rolled back); run with --apply to grant")
