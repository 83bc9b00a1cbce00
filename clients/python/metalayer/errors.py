"""The one error type the client raises."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class MetalayerError(Exception):
    """A request metalayer refused, or one that could not reach it.

    ``code`` is the GraphQL error code (``extensions.code``: ``BAD_USER_INPUT``,
    ``NOT_FOUND``, ``CONFLICT``, ``UNAUTHENTICATED``...), or
    ``CONNECTION_FAILED`` when the server could not be reached after every
    retry. ``field`` names the offending input field as the server renders it
    (``input.datasets.1``), or is ``None``. ``errors`` holds every GraphQL
    error of the response, the first of which gave ``code``, ``field`` and
    the message.
    """

    def __init__(
        self,
        code: str,
        message: str,
        field: Optional[str] = None,
        errors: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field
        self.errors: List[Dict[str, Any]] = list(errors or [])

    @classmethod
    def from_graphql(cls, errors: List[Dict[str, Any]]) -> "MetalayerError":
        """The error for a response's ``errors`` list, named after its first entry."""
        first = errors[0] if errors else {}
        extensions = first.get("extensions") or {}
        field = extensions.get("field")
        return cls(
            code=str(extensions.get("code") or "INTERNAL_SERVER_ERROR"),
            message=str(first.get("message") or "the server answered with an error and no message"),
            field=str(field) if field is not None else None,
            errors=errors,
        )


#: The code of a request that never got an answer, after every retry.
CONNECTION_FAILED = "CONNECTION_FAILED"
