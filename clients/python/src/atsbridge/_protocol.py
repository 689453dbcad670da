"""The client side of docs/protocol.md as a state machine without I/O.

:class:`ProtocolCore` turns received bytes into calls on per-stream sinks and queues the bytes to
send; the blocking and the asyncio connection drive it with their own sockets, so both follow the
spec through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from google.protobuf.message import DecodeError

from ._frames import (
    DEFAULT_MAX_FRAME_SIZE,
    DEFAULT_MAX_MESSAGE_SIZE,
    FLAG_ACK,
    FLAG_END_STREAM,
    MAX_CREDIT,
    PREFACE,
    Frame,
    FrameDecoder,
    FrameType,
    ProtocolError,
    decode_credit,
    encode_credit,
    encode_frame,
)
from ._status import ATSBridgeError, ErrorDetail, StatusCode, UnavailableError, make_error
from .v1 import rpc_pb2

#: Messages the client lets the server send on a stream before it grants more (§1.2 default).
DEFAULT_INITIAL_CREDIT = 32


@dataclass
class ClientSettings:
    """What the client announces in its SETTINGS: what it is willing to receive."""

    initial_credit: int = DEFAULT_INITIAL_CREDIT
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE


@dataclass
class PeerSettings:
    """The server's SETTINGS, with the defaults of §1.2 for absent fields."""

    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE
    max_concurrent_streams: int = 100
    initial_credit: int = 1
    max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE


class StreamSink(Protocol):
    """Receives what arrives for one call."""

    def on_message(self, payload: bytes) -> None:
        """A response message (the bytes, decoded by the caller)."""

    def on_close(self, error: ATSBridgeError | None) -> None:
        """The call ended: None for STATUS OK, else the error."""

    def on_credit(self) -> None:
        """The server granted credit for sending (wakes a sender waiting for it)."""


def _wire(code: StatusCode) -> Any:
    """A status as the generated enum field takes it (an int; the stubs name their own type)."""
    return int(code)


def status_error(status: rpc_pb2.Status) -> ATSBridgeError:
    """The exception for a non-OK Status."""
    details = tuple(
        ErrorDetail(d.field if d.HasField("field") else None, d.reason if d.HasField("reason") else None)
        for d in status.details
    )
    return make_error(
        status.code,
        status.message,
        status.error_code if status.HasField("error_code") else None,
        details,
    )


class _StreamState:
    __slots__ = ("sink", "send_credit", "recv_credit", "unacked", "request_sent")

    def __init__(self, sink: StreamSink, send_credit: int, recv_credit: int) -> None:
        self.sink = sink
        self.send_credit = send_credit
        self.recv_credit = recv_credit
        self.unacked = 0
        self.request_sent = False


class ProtocolCore:
    """Connection state of one client connection (no I/O).

    The driver calls :meth:`initiate`, feeds received bytes to :meth:`receive_data`, and sends
    whatever :meth:`data_to_send` returns after every call, in order. Not thread-safe: the blocking
    driver holds a lock around every use.
    """

    def __init__(self, settings: ClientSettings | None = None) -> None:
        self.settings = settings or ClientSettings()
        self.peer = PeerSettings()
        self._decoder = FrameDecoder(self.settings.max_frame_size, self.settings.max_message_size)
        self._out = bytearray()
        self._streams: dict[int, _StreamState] = {}
        self._next_stream_id = 1
        self._preface_seen = False
        #: True once the server's preface and SETTINGS arrived.
        self.ready = False
        #: Set when the connection ended (by error, GOAWAY and close, or EOF).
        self.error: ATSBridgeError | None = None
        #: The server's GOAWAY ``last_stream_id``, once one arrived.
        self.goaway_last_stream_id: int | None = None
        self._goaway_reason: str | None = None
        #: Payloads of the PING ACKs received and not yet claimed by :meth:`acked`.
        self.pongs: dict[bytes, int] = {}

    # Outbound

    def initiate(self) -> None:
        """Queues the preface and the client's SETTINGS (§1.1, §1.2)."""
        settings = rpc_pb2.Settings(
            initial_credit=self.settings.initial_credit,
            max_frame_size=self.settings.max_frame_size,
            max_message_size=self.settings.max_message_size,
        )
        self._out += PREFACE
        self._out += encode_frame(FrameType.SETTINGS, 0, 0, settings.SerializeToString())

    def data_to_send(self) -> bytes:
        """The bytes queued since the last call."""
        if not self._out:
            return b""
        data = bytes(self._out)
        self._out.clear()
        return data

    @property
    def open_streams(self) -> int:
        """Calls open on this connection."""
        return len(self._streams)

    @property
    def accepts_calls(self) -> bool:
        """False once the connection failed or the server sent GOAWAY."""
        return self.error is None and self.goaway_last_stream_id is None

    def can_open_stream(self) -> bool:
        """Whether the server's ``max_concurrent_streams`` leaves room for another call."""
        return len(self._streams) < self.peer.max_concurrent_streams

    def open_stream(self, call_open: rpc_pb2.CallOpen, sink: StreamSink) -> int:
        """Queues a CALL_OPEN on a new stream and returns its id."""
        if self.error is not None:
            raise self.error
        if self.goaway_last_stream_id is not None:
            raise NotProcessedError("the server is going away; retry on a new connection")
        stream_id = self._next_stream_id
        self._next_stream_id += 1
        payload = call_open.SerializeToString()
        self._check_outbound_size(len(payload))
        self._streams[stream_id] = _StreamState(sink, self.peer.initial_credit, self.settings.initial_credit)
        self._out += encode_frame(FrameType.CALL_OPEN, 0, stream_id, payload)
        return stream_id

    def has_send_credit(self, stream_id: int) -> bool:
        """Whether a MESSAGE may be sent on the stream now (§3.3)."""
        state = self._streams.get(stream_id)
        return state is None or state.send_credit > 0

    def send_message(self, stream_id: int, payload: bytes, end_stream: bool = True) -> None:
        """Queues a request MESSAGE. The caller waits for :meth:`has_send_credit` first."""
        state = self._streams.get(stream_id)
        if state is None:
            return  # closed meanwhile; its sink already has the outcome
        if state.send_credit <= 0:
            raise make_error(StatusCode.INTERNAL, "no credit to send on the stream")
        if len(payload) > self.peer.max_message_size:
            raise make_error(
                StatusCode.RESOURCE_EXHAUSTED,
                f"request of {len(payload)} bytes exceeds the server's max_message_size {self.peer.max_message_size}",
            )
        self._check_outbound_size(len(payload))
        state.send_credit -= 1
        state.request_sent = True
        self._out += encode_frame(FrameType.MESSAGE, FLAG_END_STREAM if end_stream else 0, stream_id, payload)

    def consumed(self, stream_id: int) -> None:
        """The caller took one message: grant credit back once half the window is used (§3.3)."""
        state = self._streams.get(stream_id)
        if state is None:
            return
        state.unacked += 1
        if state.unacked * 2 >= self.settings.initial_credit:
            grant = state.unacked
            state.unacked = 0
            state.recv_credit += grant
            self._out += encode_frame(FrameType.CREDIT, 0, stream_id, encode_credit(grant))

    def cancel(self, stream_id: int, code: StatusCode = StatusCode.CANCELLED, message: str = "") -> None:
        """Queues CANCEL and forgets the stream (later frames on it are ignored, §4)."""
        if self._streams.pop(stream_id, None) is None:
            return
        status = rpc_pb2.Status(code=_wire(code))
        if message:
            status.message = message
        self._out += encode_frame(FrameType.CANCEL, 0, stream_id, status.SerializeToString())

    def cancel_all(self) -> None:
        """Queues CANCEL for every open call and fails them with CANCELLED (the client is
        closing)."""
        streams = list(self._streams.items())
        for stream_id, state in streams:
            self.cancel(stream_id)
            state.sink.on_close(make_error(StatusCode.CANCELLED, "the client was closed"))

    def forget(self, stream_id: int) -> None:
        """Drops a stream without telling the server (it already closed it)."""
        self._streams.pop(stream_id, None)

    def ping(self, payload: bytes) -> None:
        """Queues a connection-level PING (§2.9)."""
        self._out += encode_frame(FrameType.PING, 0, 0, payload)

    def acked(self, payload: bytes) -> bool:
        """Whether the ACK of the PING with ``payload`` arrived (and forgets it)."""
        return self.pongs.pop(payload, 0) > 0

    def _check_outbound_size(self, length: int) -> None:
        if length > self.peer.max_frame_size:
            raise make_error(
                StatusCode.RESOURCE_EXHAUSTED,
                f"frame of {length} bytes exceeds the server's max_frame_size {self.peer.max_frame_size}",
            )

    # Inbound

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Handles received bytes. A connection error queues GOAWAY and fails every call."""
        if self.error is not None:
            return
        if not self._preface_seen:
            self._decoder.feed(data)
            if self._decoder.buffered < len(PREFACE):
                start = bytes(self._decoder._buffer)  # noqa: SLF001 - fail as soon as it differs
                if not PREFACE.startswith(start):
                    self._fail(NotATSBridgeServerError(start), goaway=None)
                return
            buffered = self._decoder._buffer  # noqa: SLF001 - the preface precedes the first frame
            if bytes(buffered[: len(PREFACE)]) != PREFACE:
                self._fail(NotATSBridgeServerError(bytes(buffered[: len(PREFACE)])), goaway=None)
                return
            del buffered[: len(PREFACE)]
            self._preface_seen = True
        else:
            self._decoder.feed(data)
        try:
            while self.error is None:
                frame = self._decoder.next_frame()
                if frame is None:
                    break
                self._handle(frame)
        except ProtocolError as error:
            self._fail(ConnectionLostError(f"protocol error: {error.message}"), goaway=error)

    def connection_lost(self, reason: str = "the connection closed") -> None:
        """The socket closed or failed: every open call fails with UNAVAILABLE."""
        if self.error is None:
            if self._goaway_reason is not None:
                reason = f"{reason} after GOAWAY ({self._goaway_reason})"
            self._fail(ConnectionLostError(reason), goaway=None)

    def _fail(self, error: ATSBridgeError, goaway: ProtocolError | None) -> None:
        self.error = error
        if goaway is not None:
            message = rpc_pb2.GoAway(
                last_stream_id=self._next_stream_id - 1, code=_wire(goaway.status), message=goaway.message
            )
            self._out += encode_frame(FrameType.GOAWAY, 0, 0, message.SerializeToString())
        streams, self._streams = self._streams, {}
        for state in streams.values():
            state.sink.on_close(error)

    def _stream_for(self, frame: Frame) -> _StreamState | None:
        """The open stream of a frame; None for a closed one (ignored, §4). A stream never opened
        is a connection error INVALID_ARGUMENT."""
        state = self._streams.get(frame.stream_id)
        if state is None and (frame.stream_id == 0 or frame.stream_id >= self._next_stream_id):
            raise ProtocolError(
                StatusCode.INVALID_ARGUMENT, f"{frame.type_name} on stream {frame.stream_id}, never opened"
            )
        return state

    def _handle(self, frame: Frame) -> None:
        type = frame.type
        if not self.ready:
            if type != FrameType.SETTINGS or frame.stream_id != 0:
                raise ProtocolError(StatusCode.INVALID_ARGUMENT, "the server's first frame is not SETTINGS")
        if type == FrameType.MESSAGE:
            state = self._stream_for(frame)
            if state is None:
                return
            state.recv_credit -= 1
            if state.recv_credit < 0:
                raise ProtocolError(StatusCode.INVALID_ARGUMENT, "MESSAGE without credit")
            if frame.oversize:
                self._reset(frame.stream_id, state, StatusCode.RESOURCE_EXHAUSTED, "response over max_message_size")
                return
            state.sink.on_message(frame.payload)
        elif type == FrameType.STATUS:
            state = self._stream_for(frame)
            if state is None:
                return
            del self._streams[frame.stream_id]
            try:
                status = rpc_pb2.Status.FromString(frame.payload)
            except DecodeError:
                state.sink.on_close(make_error(StatusCode.INTERNAL, "undecodable STATUS from the server"))
                return
            state.sink.on_close(None if status.code == 0 else status_error(status))
        elif type == FrameType.CREDIT:
            count = decode_credit(frame)
            state = self._stream_for(frame)
            if state is None:
                return
            if state.send_credit + count > MAX_CREDIT:
                raise ProtocolError(StatusCode.INVALID_ARGUMENT, "CREDIT overflows 2^31-1")
            state.send_credit += count
            state.sink.on_credit()
        elif type == FrameType.CANCEL:
            state = self._stream_for(frame)
            if state is None:
                return
            del self._streams[frame.stream_id]
            error: ATSBridgeError
            reason: rpc_pb2.Status | None
            try:
                reason = rpc_pb2.Status.FromString(frame.payload) if frame.payload else None
            except DecodeError:
                reason = None
            if reason is not None and reason.code != 0:
                error = status_error(reason)
            else:
                error = make_error(StatusCode.CANCELLED, "the server cancelled the call")
            state.sink.on_close(error)
        elif type == FrameType.PING:
            if frame.stream_id != 0:
                return
            if frame.flags & FLAG_ACK:
                self.pongs[frame.payload] = self.pongs.get(frame.payload, 0) + 1
            else:
                self._out += encode_frame(FrameType.PING, FLAG_ACK, 0, frame.payload)
        elif type == FrameType.SETTINGS:
            self._apply_settings(frame)
        elif type == FrameType.GOAWAY:
            self._handle_goaway(frame)
        elif type == FrameType.CALL_OPEN:
            raise ProtocolError(StatusCode.INVALID_ARGUMENT, "CALL_OPEN from the server")
        elif frame.stream_id != 0:
            # Unknown type on a stream: reset that stream (§4); on a closed one, ignore.
            state = self._streams.get(frame.stream_id)
            if state is not None:
                self._reset(frame.stream_id, state, StatusCode.INVALID_ARGUMENT, f"unknown frame type {type}")
        # Unknown type on stream 0: ignored (§4).

    def _reset(self, stream_id: int, state: _StreamState, code: StatusCode, message: str) -> None:
        del self._streams[stream_id]
        status = rpc_pb2.Status(code=_wire(code), message=message)
        self._out += encode_frame(FrameType.CANCEL, 0, stream_id, status.SerializeToString())
        state.sink.on_close(make_error(code, message))

    def _apply_settings(self, frame: Frame) -> None:
        if frame.stream_id != 0:
            raise ProtocolError(StatusCode.INVALID_ARGUMENT, "SETTINGS on a stream")
        try:
            settings = rpc_pb2.Settings.FromString(frame.payload)
        except DecodeError:
            raise ProtocolError(StatusCode.INVALID_ARGUMENT, "undecodable SETTINGS") from None
        peer = PeerSettings()
        if settings.HasField("max_frame_size"):
            peer.max_frame_size = settings.max_frame_size
        if settings.HasField("max_concurrent_streams"):
            peer.max_concurrent_streams = settings.max_concurrent_streams
        if settings.HasField("initial_credit"):
            peer.initial_credit = settings.initial_credit
        if settings.HasField("max_message_size"):
            peer.max_message_size = settings.max_message_size
        self.peer = peer
        self.ready = True

    def _handle_goaway(self, frame: Frame) -> None:
        try:
            goaway = rpc_pb2.GoAway.FromString(frame.payload)
        except DecodeError:
            raise ProtocolError(StatusCode.INVALID_ARGUMENT, "undecodable GOAWAY") from None
        last = goaway.last_stream_id
        if self.goaway_last_stream_id is None or last < self.goaway_last_stream_id:
            self.goaway_last_stream_id = last
        # Calls above last_stream_id were not processed (§2.10): fail them as retryable. Calls at
        # or below it go on and end with their own STATUS (a graceful shutdown ends a Watch with
        # UNAVAILABLE PLATFORM.SERVER_SHUTTING_DOWN); if the server closes the connection first
        # (a connection error), the close fails them with ConnectionLostError.
        for stream_id in [sid for sid in self._streams if sid > last]:
            state = self._streams.pop(stream_id)
            state.sink.on_close(NotProcessedError("the server went away before processing the call"))
        if goaway.HasField("code") and goaway.code != 0:
            self._goaway_reason = StatusCode.from_wire(goaway.code).name
            if goaway.message:
                self._goaway_reason += f": {goaway.message}"


class NotProcessedError(UnavailableError):
    """UNAVAILABLE for a call the server did not process (above a GOAWAY's last stream id, or
    refused before it was sent): safe to retry on a new connection."""

    def __init__(self, message: str) -> None:
        super().__init__(StatusCode.UNAVAILABLE, message)


class ConnectionLostError(UnavailableError):
    """UNAVAILABLE because the connection failed, closed or could not be made. A read (or a write
    with an idempotency key) may be retried on a new connection; the client does that once."""

    def __init__(self, message: str) -> None:
        super().__init__(StatusCode.UNAVAILABLE, message)


NOT_ATSBRIDGE_SERVER = "PLATFORM.NOT_ATSBRIDGE_SERVER"


class NotATSBridgeServerError(UnavailableError):
    """UNAVAILABLE with ``PLATFORM.NOT_ATSBRIDGE_SERVER``: the peer's first bytes are not the
    protocol's preface, so the address is another kind of server (a metrics or web port).
    Not retried: reconnecting cannot help (docs/protocol.md §2.10)."""

    def __init__(self, received: bytes = b"") -> None:
        message = f"the peer's first bytes {received!r} are not the ATSBridge preface: not an ATSBridge server"
        super().__init__(StatusCode.UNAVAILABLE, message, NOT_ATSBRIDGE_SERVER)
