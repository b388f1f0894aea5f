"""The exchanges app's domain errors, one per feature; the API maps them to HTTP once, by
their `http_status` (hotline.api.exceptions), as every DomainError."""

from hotline.errors import DomainError


class DecisionError(DomainError):
    """A diagnosis, a proposed outcome, its confirmation or the service order refused."""


class QuoteError(DomainError):
    """A quote or the customer's consent refused."""


class SwapError(DomainError):
    """A swap action refused (reservation, booking, exceptions, inspection)."""


class VisitError(DomainError):
    """A technician visit's step refused."""
