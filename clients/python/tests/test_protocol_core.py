"""The protocol core against server behaviour a correct server never shows (unit tests, no
sockets): second responses, credit violations, GOAWAY, unknown frames, bad prefaces."""

from __future__ import annotations

import pytest

from atsbridge import ATSBridgeError, StatusCode
from atsbridge._frames import PREFACE, FrameType, decode_frames, encode_credit, encode_frame
from atsbridge._protocol import (
    ClientSettings,
    ConnectionLostError,
    NotATSBridgeServerError,
    NotProcessedError,
    ProtocolCore,
)
from atsbridge.v1 import rpc_pb2


class Sink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.closed: list[ATSBridgeError | None] = []

    def on_message(self, payload: bytes) -> None:
        self.messages.append(payload)

    def on_close(self, error: ATSBridgeError | None) -> None:
        self.closed.append(error)

    def on_credit(self) -> None:
        pass


def ready_core(credit: int = 4, **server: int) -> ProtocolCore:
    core = ProtocolCore(ClientSettings(initial_credit=credit))
    core.initiate()
    sent = core.data_to_send()
    assert sent[:8] == PREFACE
    (settings,) = decode_frames(sent[8:])
    assert rpc_pb2.Settings.FromString(settings.payload).initial_credit == credit
    core.receive_data(PREFACE + encode_frame(FrameType.SETTINGS, 0, 0, rpc_pb2.Settings(**server).SerializeToString()))
    assert core.ready
    return core


def open_call(core: ProtocolCore) -> tuple[int, Sink]:
    sink = Sink()
    stream_id = core.open_stream(rpc_pb2.CallOpen(method="/atsbridge.v1.Health/Ping"), sink)
    core.send_message(stream_id, b"")
    frames = decode_frames(core.data_to_send())
    assert [f.type for f in frames] == [FrameType.CALL_OPEN, FrameType.MESSAGE]
    assert frames[1].flags & 1, "the request carries END_STREAM"
    return stream_id, sink


def sent_frames(core: ProtocolCore):  # type: ignore[no-untyped-def]
    return decode_frames(core.data_to_send())


def status(code: int) -> bytes:
    return rpc_pb2.Status(code=code).SerializeToString()


def test_stream_ids_increase_and_credit_is_granted_at_half_window() -> None:
    core = ready_core(credit=4)
    first, sink = open_call(core)
    second, _ = open_call(core)
    assert second > first
    core.receive_data(encode_frame(FrameType.MESSAGE, 0, first, b"a") + encode_frame(FrameType.MESSAGE, 0, first, b"b"))
    assert sink.messages == [b"a", b"b"]
    core.consumed(first)
    assert sent_frames(core) == []
    core.consumed(first)
    (credit,) = sent_frames(core)
    assert credit.type == FrameType.CREDIT and credit.payload == encode_credit(2)


def test_message_beyond_credit_is_a_connection_error() -> None:
    core = ready_core(credit=2)
    stream_id, sink = open_call(core)
    core.receive_data(b"".join(encode_frame(FrameType.MESSAGE, 0, stream_id, b"x") for _ in range(3)))
    assert isinstance(core.error, ConnectionLostError)
    (goaway,) = sent_frames(core)
    assert goaway.type == FrameType.GOAWAY
    assert rpc_pb2.GoAway.FromString(goaway.payload).code == StatusCode.INVALID_ARGUMENT
    assert sink.closed and isinstance(sink.closed[0], ConnectionLostError)


def test_frames_on_streams_never_opened_and_closed() -> None:
    core = ready_core()
    stream_id, sink = open_call(core)
    core.receive_data(encode_frame(FrameType.STATUS, 0, stream_id, status(0)))
    assert sink.closed == [None]
    core.receive_data(encode_frame(FrameType.MESSAGE, 0, stream_id, b"late"))  # closed: ignored
    assert core.error is None and sink.messages == []
    core.receive_data(encode_frame(FrameType.MESSAGE, 0, stream_id + 10, b"x"))  # never opened
    assert core.error is not None


def test_unknown_frame_types() -> None:
    core = ready_core()
    stream_id, sink = open_call(core)
    core.receive_data(encode_frame(0x2A, 0, 0, b"future"))
    assert core.error is None and sent_frames(core) == []
    core.receive_data(encode_frame(0x2A, 0, stream_id, b"future"))
    (cancel,) = sent_frames(core)
    assert cancel.type == FrameType.CANCEL and rpc_pb2.Status.FromString(cancel.payload).code == 3
    assert sink.closed[0] is not None and sink.closed[0].status is StatusCode.INVALID_ARGUMENT


def test_ping_is_answered_and_status_errors_are_typed() -> None:
    core = ready_core()
    core.receive_data(encode_frame(FrameType.PING, 0, 0, b"12345678"))
    (ack,) = sent_frames(core)
    assert (ack.type, ack.flags, ack.payload) == (FrameType.PING, 1, b"12345678")
    stream_id, sink = open_call(core)
    payload = rpc_pb2.Status(code=5, error_code="PLATFORM.NOT_FOUND", message="no such candidate",
                             details=[rpc_pb2.ErrorDetail(field="id")]).SerializeToString()
    core.receive_data(encode_frame(FrameType.STATUS, 0, stream_id, payload))
    error = sink.closed[0]
    assert error is not None and error.status is StatusCode.NOT_FOUND and error.error_code == "PLATFORM.NOT_FOUND"
    assert error.details[0].field == "id" and error.details[0].reason is None


def test_goaway_fails_unprocessed_calls_as_retryable() -> None:
    core = ready_core()
    processed, kept = open_call(core)
    unprocessed, dropped = open_call(core)
    core.receive_data(encode_frame(FrameType.GOAWAY, 0, 0, rpc_pb2.GoAway(last_stream_id=processed).SerializeToString()))
    assert isinstance(dropped.closed[0], NotProcessedError)
    assert kept.closed == []
    assert not core.accepts_calls
    with pytest.raises(NotProcessedError):
        core.open_stream(rpc_pb2.CallOpen(method="/x/y"), Sink())
    core.receive_data(encode_frame(FrameType.STATUS, 0, processed, status(0)))
    assert kept.closed == [None]


def test_goaway_with_a_code_keeps_the_processed_calls_running() -> None:
    core = ready_core()
    processed, kept = open_call(core)
    unprocessed, dropped = open_call(core)
    goaway = rpc_pb2.GoAway(last_stream_id=processed, code=StatusCode.UNAVAILABLE, message="shutting down")
    core.receive_data(encode_frame(FrameType.GOAWAY, 0, 0, goaway.SerializeToString()))
    assert isinstance(dropped.closed[0], NotProcessedError)
    assert kept.closed == [], "a graceful shutdown lets the processed call end with its own STATUS"
    assert not core.accepts_calls
    shutting_down = rpc_pb2.Status(code=14, error_code="PLATFORM.SERVER_SHUTTING_DOWN", message="server shutting down")
    core.receive_data(encode_frame(FrameType.STATUS, 0, processed, shutting_down.SerializeToString()))
    error = kept.closed[0]
    assert error is not None and not isinstance(error, ConnectionLostError)
    assert error.status is StatusCode.UNAVAILABLE and error.error_code == "PLATFORM.SERVER_SHUTTING_DOWN"
    # A call still open when the server closes fails as a lost connection, naming the GOAWAY.
    core = ready_core()
    stream_id, sink = open_call(core)
    core.receive_data(encode_frame(FrameType.GOAWAY, 0, 0, goaway.SerializeToString()))
    assert sink.closed == []
    core.connection_lost("the server closed the connection")
    assert isinstance(sink.closed[0], ConnectionLostError) and "shutting down" in sink.closed[0].message


def test_bad_preface_and_settings_first() -> None:
    core = ProtocolCore()
    core.initiate()
    core.receive_data(b"HTTP/1.1 400 Bad Request\r\n")
    assert isinstance(core.error, NotATSBridgeServerError), "another kind of server: not retried"
    assert not isinstance(core.error, ConnectionLostError)
    assert core.error.error_code == "PLATFORM.NOT_ATSBRIDGE_SERVER"
    core = ProtocolCore()
    core.receive_data(b"HT")  # fails as soon as the first bytes differ
    assert isinstance(core.error, NotATSBridgeServerError)
    core = ProtocolCore()
    core.receive_data(PREFACE[:3])
    assert core.error is None
    core = ProtocolCore()
    core.receive_data(PREFACE + encode_frame(FrameType.PING, 0, 0, bytes(8)))
    assert core.error is not None and not core.ready


def test_oversize_frame_and_message_from_the_server() -> None:
    core = ProtocolCore(ClientSettings(max_frame_size=100, max_message_size=50))
    core.receive_data(PREFACE + encode_frame(FrameType.SETTINGS, 0, 0, b""))
    stream_id, sink = open_call(core)
    core.receive_data(encode_frame(FrameType.MESSAGE, 0, stream_id, b"x" * 60))
    assert sink.closed[0] is not None and sink.closed[0].status is StatusCode.RESOURCE_EXHAUSTED
    assert sent_frames(core)[0].type == FrameType.CANCEL
    core.receive_data(bytes.fromhex("00000100 06 00 00000000".replace(" ", "")))  # a 256-byte PING: over 100
    assert core.error is not None
    goaway = sent_frames(core)[-1]
    assert rpc_pb2.GoAway.FromString(goaway.payload).code == StatusCode.RESOURCE_EXHAUSTED


def test_request_limits_follow_the_server_settings() -> None:
    core = ready_core(max_message_size=10, max_concurrent_streams=1, initial_credit=1)
    sink = Sink()
    stream_id = core.open_stream(rpc_pb2.CallOpen(method="/a/b"), sink)
    with pytest.raises(ATSBridgeError) as caught:
        core.send_message(stream_id, b"x" * 11)
    assert caught.value.status is StatusCode.RESOURCE_EXHAUSTED
    assert not core.can_open_stream()
    core.send_message(stream_id, b"x")
    assert not core.has_send_credit(stream_id)
    core.receive_data(encode_frame(FrameType.CREDIT, 0, stream_id, encode_credit(1)))
    assert core.has_send_credit(stream_id)
    core.receive_data(encode_frame(FrameType.CREDIT, 0, stream_id, encode_credit(0)))
    assert core.error is not None
