from django.core.management.base import BaseCommand, CommandError

from diagnostics.scripts.files import script_files
from diagnostics.services import script_lint


class Command(BaseCommand):
    help = ("Check guided diagnostic scripts (files or folders of YAML). Prints one line per "
            "problem, naming the file, the line and the node; exit status 0 only when all pass.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="script files or folders")

    def handle(self, *args, paths, **options):
        try:
            files = script_files(paths)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        if not files:
            raise CommandError("no script files (*.yaml) found")
        problems = 0
        for path in files:
            linted = script_lint(text=path.read_text(encoding="utf-8"), filename=str(path))
            for message in linted.messages:
                self.stderr.write(str(message))
            problems += len(linted.messages)
            if linted.ok:
                self.stdout.write(f"{path}: ok")
        if problems:
            raise CommandError(f"{problems} problem(s) in {len(files)} file(s)", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"{len(files)} script(s) pass"))
