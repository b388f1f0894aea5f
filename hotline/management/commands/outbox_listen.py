import signal
import threading

from django.core.management.base import BaseCommand

from hotline.outbox import outbox_listen


class Command(BaseCommand):
    help = ("Send outbox messages as soon as they are recorded (LISTEN on PostgreSQL, else a "
            "look every --wait seconds), until stopped (SIGINT or SIGTERM). The beat runs one "
            "already; more may run at once.")

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=5.0,
                            help="seconds between looks when no notification comes")
        parser.add_argument("--batch", type=int, default=500,
                            help="messages sent per transaction")

    def handle(self, *args, wait, batch, **options):
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("outbox: listening")
        self.stdout.flush()
        outbox_listen(stop=stop, wait=wait, limit=batch)
        self.stdout.write("outbox: stopped")
