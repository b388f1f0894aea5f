"""The Celery application. Without CELERY_BROKER_URL, tasks run in-process (eager).

The beat process also runs the outbox's listening relay (`hotline.outbox.outbox_listen`) in
a thread, unless OUTBOX_LISTEN is off: it sends the messages of courier tracking batches as
soon as their transaction commits. Not in the workers: their pool forks, and a child would
inherit the thread's database connections."""

import os
import threading

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

app = Celery("hotline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Set to stop the beat's listening relay (the process exits without it: a daemon thread).
OUTBOX_LISTENER_STOP = threading.Event()


@beat_init.connect
def _start_outbox_listener(sender=None, **kwargs) -> threading.Thread | None:
    from django.conf import settings

    from hotline.outbox import outbox_listen

    if not settings.HOTLINE_OUTBOX_LISTEN or app.conf.task_always_eager:
        return None
    thread = threading.Thread(target=outbox_listen, kwargs={"stop": OUTBOX_LISTENER_STOP},
                              name="outbox-listener", daemon=True)
    thread.start()
    return thread
