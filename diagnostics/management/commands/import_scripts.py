from django.core.management.base import BaseCommand, CommandError

from diagnostics.reference import fault_codes_load
from diagnostics.scripts.files import default_folder, script_files
from diagnostics.scripts.lint import ScriptLintError
from diagnostics.services import scripts_publish_files


class Command(BaseCommand):
    help = ("Load the fault catalogue (fixtures/fault_codes.yaml), then lint and publish guided "
            "diagnostic scripts (default: fixtures/scripts/). A changed script becomes a new "
            "version; an unchanged one is left alone. Nothing is published when any file fails "
            "the linter.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="script files or folders")

    def handle(self, *args, paths, **options):
        self.stdout.write(f"fault codes: {fault_codes_load()}")
        try:
            files = script_files(paths or [default_folder()])
            published = scripts_publish_files(paths=files)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        except ScriptLintError as exc:
            for message in exc.messages:
                self.stderr.write(str(message))
            raise CommandError(f"{len(exc.messages)} problem(s): nothing imported") from None
        for version, created in published:
            self.stdout.write(f"{version}: {'published' if created else 'unchanged'}")
