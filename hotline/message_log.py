"""E-mail and SMS backends that append every message to one log file (the embedded default).

`make run` loads a demo that sends hundreds of messages: printed to the console they would
bury the start-up. Here they go to settings.OUTBOX_LOG_FILE (var/log/outbox.log), where
`tail -f` shows what customers would receive.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

from hotline.sms import SmsMessage

_lock = threading.Lock()


def _open_log():
    path = Path(settings.OUTBOX_LOG_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("a", encoding="utf-8")


class EmailBackend(ConsoleEmailBackend):
    """Write each e-mail, as Django's console backend prints it, to the outbox log."""

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        with _lock, _open_log() as stream:
            self.stream = stream
            try:
                return super().send_messages(email_messages)
            finally:
                self.stream = None


class SmsBackend:
    """Write each SMS to the outbox log."""

    def send(self, message: SmsMessage) -> str:
        with _lock, _open_log() as stream:
            stream.write(f"SMS to {message.to}:\n{message.body}\n{'-' * 40}\n")
        return "outbox-log"
