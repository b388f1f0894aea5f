"""The beat's listening relay of the outbox, for tests whose messages it must send (those of
courier tracking batches: `outbox_enqueue_many`)."""

import contextlib
import threading
import time


@contextlib.contextmanager
def listening_relay():
    """The beat's listening relay (`outbox_listen`), in a thread, with a long `wait`: what it
    sends within the test, it sent because a NOTIFY woke it."""
    from hotline.outbox import outbox_listen

    stop = threading.Event()
    thread = threading.Thread(target=outbox_listen, kwargs={"stop": stop, "wait": 60.0})
    thread.start()
    time.sleep(0.5)  # listening
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive()
