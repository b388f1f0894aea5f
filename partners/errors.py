from hotline.errors import DomainError


class PartnerError(DomainError):
    """A request about keys, webhooks or the partner API is invalid (400, naming the field)."""

    http_status = 400


class IdempotencyConflict(DomainError):
    """An Idempotency-Key was used before with another request (422)."""

    http_status = 422
