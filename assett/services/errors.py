"""The error services raise when the user asked for something that cannot be done."""

from __future__ import annotations

from ..content_text import message as shown


class ServiceError(Exception):
    """A refusal with a message for the user, and the form field at fault if any.

    A domain `Message` is given in the page's language (French outside a request)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        message = str(shown(message))
        super().__init__(message)
        self.message = message
        self.field = field
