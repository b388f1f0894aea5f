"""SMS backends, pluggable like e-mail backends: SMS_BACKEND names a class by dotted path."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class ConsoleSmsBackend:
    """Print each message, as Django's console e-mail backend does."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> str:
        self.stream.write(f"SMS to {message.to}:\n{message.body}\n{'-' * 40}\n")
        self.stream.flush()
        return "console"


class LocmemSmsBackend:
    """Keep messages in `outbox`, for tests."""

    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> str:
        type(self).outbox.append(message)
        return f"locmem-{len(type(self).outbox)}"


def send_sms(*, to: str, body: str) -> str:
    """Send one SMS through the configured backend; return the backend's message id."""
    backend = import_string(settings.SMS_BACKEND)()
    return backend.send(SmsMessage(to=to, body=body))
