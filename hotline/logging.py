"""One event per line, key=value, so logs can be grepped and shipped as they are.

- A traceback stays on the event's line (its line breaks escaped) and is kept only for server
  errors: refusals we expect (400, 401, 403, 404, 405, 429...) are logged without one.
- Secrets never reach the log: bearer and API tokens, passwords, signatures, the tokens of
  customers' signed links are replaced by `[redacted]`.
"""

import logging
import re

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
REDACTED = "[redacted]"
_SECRET_PATTERNS = [
    # Authorization headers and key=value pairs naming a secret.
    re.compile(r"(?i)\b(bearer|token|basic)(\s+)[A-Za-z0-9._~+/=\-]{8,}"),
    re.compile(r"(?i)\b(password|passwd|secret|token|api[_-]?key|signature|csrfmiddlewaretoken|"
               r"sessionid|authorization)([=:\s]{1,3})(?!\[redacted)[^\s&,;'\"]+"),
    # Customers' signed links (/quotes/<token>/, /track/<token>/...).
    re.compile(r"(/(?:quotes|track|tracking|documents|links?)/)()[A-Za-z0-9_\-:.]{16,}"),
    # Anything that looks like a generated secret: a long run of URL-safe characters that
    # mixes letters and digits (tokens, keys, session ids).
    re.compile(r"()()\b(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}\b"),
]


def redact(text: str) -> str:
    """Return `text` with every secret-looking part replaced by [redacted]."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return text


class KeyValueFormatter(logging.Formatter):
    """Format a record as `time level logger event key=value ...` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        parts = [
            self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            f"level={record.levelname.lower()}",
            f"logger={record.name}",
            f"event={_quote(redact(record.getMessage()))}",
        ]
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                parts.append(f"{key}={_quote(redact(str(value)))}")
        request = record.__dict__.get("request")
        if request is not None and hasattr(request, "method"):
            parts.append(f"method={request.method}")
            parts.append(f"path={_quote(redact(request.path))}")
        if record.exc_info and _is_server_error(record):
            parts.append(f"exc={_quote(redact(self.formatException(record.exc_info)))}")
        return " ".join(parts)


def _is_server_error(record: logging.LogRecord) -> bool:
    status = getattr(record, "status_code", None)
    return status is None or status >= 500


def _quote(value) -> str:
    text = str(value)
    if not text or any(ch in text for ch in ' ="\n\r\t'):
        return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                      .replace("\r", "\\r").replace("\t", "\\t")) + '"'
    return text
