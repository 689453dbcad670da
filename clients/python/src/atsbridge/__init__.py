"""ATSBridge's Python client: the binary RPC protocol of docs/protocol.md, blocking
(:class:`Client`) and asyncio (:class:`AsyncClient`), with the message classes generated from
``proto/`` in :mod:`atsbridge.v1`.
"""

from ._export import iter_delimited
from ._json import from_millis, iso, time_of, to_dict, to_millis
from ._protocol import ConnectionLostError, NotATSBridgeServerError, NotProcessedError
from ._status import (
    AlreadyExistsError,
    ATSBridgeError,
    CancelledError,
    DeadlineExceededError,
    ErrorDetail,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    StatusCode,
    UnauthenticatedError,
    UnavailableError,
    UnimplementedError,
)
from ._tls import TLSHandshakeError
from .aio import AsyncClient
from .client import Client

__version__ = "0.1.0"

__all__ = [
    "AlreadyExistsError",
    "AsyncClient",
    "ATSBridgeError",
    "CancelledError",
    "Client",
    "ConnectionLostError",
    "DeadlineExceededError",
    "ErrorDetail",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "NotATSBridgeServerError",
    "NotFoundError",
    "NotProcessedError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "StatusCode",
    "TLSHandshakeError",
    "UnauthenticatedError",
    "UnavailableError",
    "UnimplementedError",
    "from_millis",
    "iso",
    "iter_delimited",
    "time_of",
    "to_dict",
    "to_millis",
]
