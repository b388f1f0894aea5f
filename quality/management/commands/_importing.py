"""The shared body of the three import commands."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quality.imports import rejects_path_for


class ImportCommand(BaseCommand):
    importer = None  # set by each command
    columns = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help=f"CSV file with the header {self.columns}")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="import the valid rows and write the rejects next to the file")

    def handle(self, *args, path, skip_invalid, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file.")
        result = type(self).importer(source, skip_invalid=skip_invalid, progress=self.stderr,
                                     rejects_path=rejects_path_for(source))
        for error in result.errors:
            self.stderr.write(f"{source.name}: {error}")
        if not result.imported:
            raise CommandError(f"{len(result.errors)} invalid row(s): nothing imported "
                               "(fix them, or use --skip-invalid).")
        self.stdout.write(result.summary())
        if result.rejects:
            self.stdout.write(f"rejected rows written to {result.rejects}")
