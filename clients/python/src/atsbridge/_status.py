"""gRPC status codes and the client's one exception type, :class:`ATSBridgeError`."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class StatusCode(enum.IntEnum):
    """The 17 gRPC status codes (``atsbridge.v1.StatusCode`` on the wire)."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    @classmethod
    def from_wire(cls, value: int) -> "StatusCode":
        """The code for a wire number; numbers outside 0-16 become UNKNOWN."""
        try:
            return cls(value)
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True)
class ErrorDetail:
    """One detail of an error, such as the invalid field of a write command."""

    field: str | None
    reason: str | None


class ATSBridgeError(Exception):
    """A failed call: the gRPC ``status``, the dotted ``error_code``, a ``message`` and ``details``.

    Raised for every failure, local ones (deadline, lost connection) included. Subclasses exist
    for the common statuses, so ``except NotFoundError`` and ``err.status == StatusCode.NOT_FOUND``
    are equivalent.

    ``error_code`` is the server's dotted code; it is None for failures found by the client
    itself (connection refused or lost, GOAWAY, local deadlines, a closed client, local size
    limits), except ``PLATFORM.TLS_HANDSHAKE_FAILED`` and ``PLATFORM.NOT_ATSBRIDGE_SERVER``.
    ``details`` holds the Status details the server sends; ``atsbridge serve`` currently sends
    none (the invalid field is named in ``message``), so it is usually empty.
    """

    status: StatusCode
    error_code: str | None
    message: str
    details: tuple[ErrorDetail, ...]

    def __init__(
        self,
        status: StatusCode,
        message: str = "",
        error_code: str | None = None,
        details: tuple[ErrorDetail, ...] = (),
    ) -> None:
        self.status = StatusCode(status)
        self.error_code = error_code
        self.message = message
        self.details = tuple(details)
        text = self.status.name
        if error_code:
            text += " " + error_code
        if message:
            text += ": " + message
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (make_error, (int(self.status), self.message, self.error_code, self.details))


class CancelledError(ATSBridgeError):
    """CANCELLED: the call was cancelled."""


class InvalidArgumentError(ATSBridgeError):
    """INVALID_ARGUMENT: the server rejected an input (``message`` names the field;
    ``error_code`` is e.g. ``PLATFORM.INPUT_INVALID``)."""


class DeadlineExceededError(ATSBridgeError):
    """DEADLINE_EXCEEDED: the call's deadline passed (locally or on the server)."""


class NotFoundError(ATSBridgeError):
    """NOT_FOUND: no record, job, candidate, stage or tag with that id or name."""


class AlreadyExistsError(ATSBridgeError):
    """ALREADY_EXISTS, e.g. ``ATS.APPLICATION_ALREADY_EXISTS``."""


class PermissionDeniedError(ATSBridgeError):
    """PERMISSION_DENIED: the key's role or integration scope does not cover the call."""


class ResourceExhaustedError(ATSBridgeError):
    """RESOURCE_EXHAUSTED: a size limit, or RECRU's rate limit."""


class FailedPreconditionError(ATSBridgeError):
    """FAILED_PRECONDITION, e.g. ``ATS.JOB_CLOSED`` or a paused integration."""


class UnimplementedError(ATSBridgeError):
    """UNIMPLEMENTED: the server does not know the method."""


class InternalError(ATSBridgeError):
    """INTERNAL: a server fault, or a protocol violation by the server."""


class UnavailableError(ATSBridgeError):
    """UNAVAILABLE: the server is down, unreachable, shutting down, or the connection broke."""


class UnauthenticatedError(ATSBridgeError):
    """UNAUTHENTICATED: the API key is missing or unknown."""


_SUBCLASSES: dict[StatusCode, type[ATSBridgeError]] = {
    StatusCode.CANCELLED: CancelledError,
    StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    StatusCode.NOT_FOUND: NotFoundError,
    StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    StatusCode.UNIMPLEMENTED: UnimplementedError,
    StatusCode.INTERNAL: InternalError,
    StatusCode.UNAVAILABLE: UnavailableError,
    StatusCode.UNAUTHENTICATED: UnauthenticatedError,
}


def make_error(
    status: int,
    message: str = "",
    error_code: str | None = None,
    details: tuple[ErrorDetail, ...] = (),
) -> ATSBridgeError:
    """An :class:`ATSBridgeError` of the subclass that matches ``status``."""
    code = StatusCode.from_wire(status)
    cls = _SUBCLASSES.get(code, ATSBridgeError)
    return cls(code, message, error_code, details)
