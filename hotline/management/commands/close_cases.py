from django.core.management.base import BaseCommand

from hotline.services import case_close_due


class Command(BaseCommand):
    help = "Close the settled cases whose follow-up window is over."

    def handle(self, *args, **options):
        self.stdout.write(f"cases closed: {case_close_due()}")
