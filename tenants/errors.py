"""Errors the domain raises; the HTTP layers turn them into 4xx answers in Chinese.

Field errors use django.core.exceptions.ValidationError with a {field: message} dict.
"""


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(DomainError):
    """The request collides with what exists (duplicate, quota, capacity)."""

    status_code = 409


class IllegalTransition(Conflict):
    """The workflow does not allow this step from the current state."""


class NotAllowed(DomainError):
    """The user may not take this step."""

    status_code = 403


class NoSchoolInContext(RuntimeError):
    """A school-scoped read was attempted with no school selected: refuse, never widen."""
