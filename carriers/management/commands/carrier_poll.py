from django.core.management.base import BaseCommand

from carriers import services


class Command(BaseCommand):
    help = "Poll the couriers about open shipments with no news for CARRIER_POLL_AFTER_MINUTES."

    def handle(self, *args, **options):
        result = services.shipments_poll()
        self.stdout.write(f"polled: {result.received} event(s) received, {result.stored} new, "
                          f"{result.changed} status change(s)")
