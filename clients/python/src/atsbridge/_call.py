"""What the blocking and the asyncio calls share: the receiving side's state and rules, apart
from how they wait for the next item."""

from __future__ import annotations

import time
from typing import Any, Protocol

from google.protobuf.message import DecodeError, Message

from ._methods import Method
from ._status import ATSBridgeError, StatusCode, make_error


class End:
    """The last item of a call's queue: its error, or None after STATUS OK."""

    __slots__ = ("error",)

    def __init__(self, error: ATSBridgeError | None) -> None:
        self.error = error


class CallConnection(Protocol):
    """What a call needs of its connection."""

    def consumed(self, stream_id: int) -> None: ...

    def cancel(self, stream_id: int, code: StatusCode = StatusCode.CANCELLED, message: str = "") -> None: ...


class CallBase:
    """One call's receiving side: messages in order, then the end."""

    __slots__ = ("_connection", "stream_id", "_sink", "method", "_deadline", "done")

    def __init__(
        self, connection: CallConnection, stream_id: int, sink: Any, method: Method, deadline: float | None
    ) -> None:
        self._connection = connection
        self.stream_id = stream_id
        self._sink = sink
        self.method = method
        self._deadline = deadline
        self.done = False

    def _wait(self, keepalive_interval: float | None) -> float | None:
        """How long to wait for the next item: the connection's keepalive interval, cut at the
        call's deadline (``None``: no limit)."""
        if self._deadline is None:
            return keepalive_interval
        remaining = max(0.0, self._deadline - time.monotonic())
        return remaining if keepalive_interval is None else min(keepalive_interval, remaining)

    def _take(self, item: bytes | End) -> bytes | None:
        """A dequeued item: a message's bytes (its credit is given back), or the end."""
        if type(item) is bytes:
            self._connection.consumed(self.stream_id)
            return item
        self.done = True
        assert isinstance(item, End)
        if item.error is not None:
            raise item.error
        return None

    def cancel(self, code: StatusCode = StatusCode.CANCELLED) -> None:
        """Sends CANCEL unless the call ended."""
        if not self.done:
            self.done = True
            self._connection.cancel(self.stream_id, code)

    def decode(self, payload: bytes) -> Message:
        """Decodes a response; an undecodable one cancels the call and raises INTERNAL."""
        try:
            message: Message = self.method.response_type.FromString(payload)
            return message
        except DecodeError:
            self.cancel(StatusCode.INTERNAL)
            raise make_error(StatusCode.INTERNAL, f"undecodable response of {self.method.name}") from None
