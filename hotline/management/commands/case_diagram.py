from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from hotline.diagram import case_machine_markdown


class Command(BaseCommand):
    help = "Write the Case state machine, read from the code, as a Mermaid diagram."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" /
                                                    "case-machine.md"))
        parser.add_argument("--check", action="store_true",
                            help="Exit 1 if the file differs from the code instead of writing.")

    def handle(self, *args, output, check, **options):
        text = case_machine_markdown()
        path = Path(output)
        if check:
            if not path.exists() or path.read_text() != text:
                self.stderr.write(f"{path} is out of date: run manage.py case_diagram")
                raise SystemExit(1)
            self.stdout.write(f"{path} is up to date")
            return
        path.write_text(text)
        self.stdout.write(f"wrote {path}")
