from django.core.management.base import BaseCommand

from hotline.reference import catalogue_load_models_yaml, catalogue_load_tac_csv


class Command(BaseCommand):
    help = "Load the handset catalogue (TAC subset and our own models). Safe to run again."

    def handle(self, *args, **options):
        tacs = catalogue_load_tac_csv()
        models = catalogue_load_models_yaml()
        self.stdout.write(f"catalogue: {tacs} TACs from the Osmocom subset, {models} own models")
