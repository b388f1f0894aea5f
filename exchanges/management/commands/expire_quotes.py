from django.core.management.base import BaseCommand

from exchanges.quotes.services import quotes_expire_due


class Command(BaseCommand):
    help = "Expire the pending quotes past their date (their cases are declined)."

    def handle(self, *args, **options):
        self.stdout.write(f"quotes expired: {quotes_expire_due()}")
