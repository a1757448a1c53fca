"""The error services raise when the user asked for something that cannot be done."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a French message for the user, and the form field at fault if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
