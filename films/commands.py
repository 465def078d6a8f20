"""What the register-loading commands share: opening the clerk's file and reporting per-row outcomes."""
from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from .audit import Actor
from .tabular import FileRejected


def open_input(path: str):
    """Open a file named on the command line, or fail with one line a clerk can act on."""
    p = Path(path)
    if not p.exists():
        raise CommandError(f"{path}: no such file")
    if p.is_dir():
        raise CommandError(f"{path}: is a folder, not a file")
    try:
        return p.open("rb")
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc


class RegisterImportCommand(BaseCommand):
    """`manage.py import_X PATH [--json]`: one service call per file, per-row outcomes printed."""

    register = ""

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="print the report as one JSON object")

    def load(self, *, stream, actor: Actor):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def handle(self, *args, **opts):
        with open_input(opts["path"]) as stream:
            try:
                report = self.load(stream=stream, actor=Actor.command(f"import_{self.register}"))
            except FileRejected as exc:
                raise CommandError(f"{opts['path']}: {exc}") from exc
        if opts["json"]:
            self.stdout.write(json.dumps(report.summary(), ensure_ascii=False))
        else:
            self.stdout.write(report.human())
