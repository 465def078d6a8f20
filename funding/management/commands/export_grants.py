import sys

from django.core.management.base import BaseCommand, CommandError

from funding import exactjson
from funding.exports import grants_package


class Command(BaseCommand):
    help = "Write every published grant as a 360Giving package (JSON) to stdout or -o PATH."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")

    def handle(self, *args, **opts):
        package = grants_package()
        if not package["grants"]:
            raise CommandError("there are no published grants to export (a 360Giving package needs at least one)")
        text = exactjson.dumps(package, indent=1)
        if opts["output"]:
            with open(opts["output"], "w", encoding="utf-8") as f:
                f.write(text + "\n")
            self.stdout.write(f"wrote {len(package['grants'])} grants to {opts['output']}")
        else:
            sys.stdout.write(text + "\n")
