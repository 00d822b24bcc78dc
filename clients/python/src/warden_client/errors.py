"""Errors of the client, each with a stable code (listed in clients/python/README.md)."""

from __future__ import annotations

from typing import Literal

ClientErrorCode = Literal[
    "CLIENT_CONFIG_INVALID",
    "CLIENT_REQUEST_REJECTED",
    "CLIENT_UNAVAILABLE",
    "CLIENT_CLOSED",
]


class WardenError(Exception):
    """Base class: ``code`` is stable, the message names the cause and the fix."""

    def __init__(self, code: ClientErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: ClientErrorCode = code


class WardenConfigError(WardenError):
    """The configuration is invalid; ``problems`` lists every problem at once."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("CLIENT_CONFIG_INVALID", "\n  - " + "\n  - ".join(problems))
        self.problems = problems


class WardenRequestError(WardenError):
    """Warden refused the request as wrong (4xx other than 429): a bug or a configuration mistake
    on this side, never retried and never answered by the fail mode. ``server_code`` is warden's
    error code (docs/errors.md), e.g. DECISION_BODY_INVALID, DECISION_UNAUTHORIZED."""

    def __init__(self, status: int, server_code: str, message: str, field: str | None = None) -> None:
        where = f" (field {field})" if field else ""
        super().__init__("CLIENT_REQUEST_REJECTED", f"HTTP {status} {server_code}: {message}{where}")
        self.status = status
        self.server_code = server_code
        self.field = field


class WardenUnavailableError(WardenError):
    """Warden did not answer usefully within the retries (connect error, timeout, 5xx, 429)."""

    def __init__(self, message: str) -> None:
        super().__init__("CLIENT_UNAVAILABLE", message)
