from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from repairs.services.points import ImportRefused, service_points_import


class Command(BaseCommand):
    help = ("Create or update service points from a CSV file (all or nothing, keyed by code; "
            "columns in docs/repairs.md).")

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            result = service_points_import(text=text)
        except ImportRefused as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(exc.message) from exc
        self.stdout.write(f"service points: {result.created} created, {result.updated} "
                          f"updated, {result.unchanged} unchanged")
