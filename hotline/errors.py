"""Domain errors. Services raise them; the API's exception handler maps them to HTTP once."""


class DomainError(Exception):
    """A use case refused: the message says why, in words an operator understands."""

    http_status = 422

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or type(self).__name__
        self.details = details or {}  # more keys of the API's error body ("open_case": ...)


class NotFound(DomainError):
    """The object does not exist, or is not the caller's to see."""

    http_status = 404


class IllegalTransition(DomainError):
    """The object is not in a state that allows this change."""

    http_status = 409


class StaleObject(DomainError):
    """Someone else changed the object first: reload and try again."""

    http_status = 409


class PermissionRefused(DomainError):
    """The user's role does not allow this change."""

    http_status = 403


class CaseError(DomainError):
    pass


class OpenCaseExists(CaseError):
    """The handset has a case at work: continue it (a supervisor may open a second one)."""

    http_status = 409
