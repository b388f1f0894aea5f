from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hotline.demo import print_logins


class Command(BaseCommand):
    help = ("Load reference and demo data: users per role, distributors, customers, cases, "
            "and each app's own demo data (its demo.load). Safe to run again.")

    def handle(self, *args, **options):
        call_command("load_reference", stdout=self.stdout)
        more_logins = []
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.load(stdout=self.stdout)
            more_logins += getattr(module, "DEMO_LOGINS", [])
            self.stdout.write(f"demo data: {config.label} loaded")
        print_logins(stdout=self.stdout, more=more_logins)
