"""The sessions of conformance/frames.json against a real server, over raw sockets."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from atsbridge._frames import PREFACE, FrameDecoder, FrameType, encode_frame
from atsbridge.v1 import rpc_pb2

from conftest import Server

VECTORS = json.loads((Path(__file__).resolve().parents[3] / "conformance/frames.json").read_text())
CLIENT_SETTINGS = encode_frame(FrameType.SETTINGS, 0, 0, rpc_pb2.Settings(initial_credit=32).SerializeToString())

#: Sessions where the server disagrees with docs/protocol.md (reported to the lead).
# Sessions where the server is known to disagree with docs/protocol.md, with the reason; each
# must still fail, so an entry goes as soon as the server is fixed. None at present.
KNOWN_DEVIATIONS: dict[str, str] = {}


class Outcome:
    def __init__(self) -> None:
        self.frames: list = []
        self.closed = False


def run_session(server: Server, session: dict, timeout: float = 10.0) -> Outcome:
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    outcome = Outcome()
    decoder = FrameDecoder(max_frame_size=1 << 30)
    try:
        if session.get("handshake", True):
            sock.sendall(PREFACE + CLIENT_SETTINGS)
            received = b""
            while len(received) < len(PREFACE):
                chunk = sock.recv(65536)
                assert chunk, "server closed during the handshake"
                received += chunk
            assert received[:8] == PREFACE
            decoder.feed(received[8:])
        for frame_hex in session["client_hex"]:
            sock.sendall(bytes.fromhex(frame_hex))
        deadline = time.monotonic() + timeout
        preface_pending = not session.get("handshake", True)
        pending = b""
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                outcome.closed = True
                break
            if preface_pending:
                pending += chunk
                if len(pending) < 8:
                    continue
                chunk, preface_pending = pending[8:], False
            decoder.feed(chunk)
            while (frame := decoder.next_frame()) is not None:
                outcome.frames.append(frame)
            if _met(session["expect"], outcome):
                break
    finally:
        sock.close()
    return outcome


def _status(frame) -> int:  # type: ignore[no-untyped-def]
    return rpc_pb2.Status.FromString(frame.payload).code if frame.payload else 1


def _met(expect: dict, outcome: Outcome) -> bool:
    if "goaway" in expect:
        return any(f.type == FrameType.GOAWAY for f in outcome.frames)
    if "pong" in expect:
        return any(f.type == FrameType.PING and f.flags & 1 for f in outcome.frames)
    if "stream_status" in expect:
        sid = expect["stream_status"]["stream_id"]
        return any(f.type in (FrameType.STATUS, FrameType.CANCEL) and f.stream_id == sid for f in outcome.frames)
    return False


def check(expect: dict, outcome: Outcome) -> None:
    kinds = [(f.type_name or f.type, f.stream_id) for f in outcome.frames]
    if "goaway" in expect:
        goaways = [f for f in outcome.frames if f.type == FrameType.GOAWAY]
        assert goaways, f"no GOAWAY; frames {kinds}, closed={outcome.closed}"
        code = rpc_pb2.GoAway.FromString(goaways[0].payload).code
        assert rpc_pb2.StatusCode.Name(code) == "STATUS_CODE_" + expect["goaway"], kinds
    elif "close" in expect:
        assert outcome.closed, f"the connection stayed open; frames {kinds}"
        assert not [f for f in outcome.frames if f.type in (FrameType.STATUS, FrameType.MESSAGE, FrameType.CANCEL)]
    elif "pong" in expect:
        assert not [f for f in outcome.frames if f.type == FrameType.GOAWAY], kinds
        pongs = [f for f in outcome.frames if f.type == FrameType.PING and f.flags & 1]
        assert pongs and pongs[0].payload.hex() == expect["pong"], kinds
    else:
        want = expect["stream_status"]
        ends = [f for f in outcome.frames if f.type in (FrameType.STATUS, FrameType.CANCEL) and f.stream_id == want["stream_id"]]
        assert ends, f"no STATUS/CANCEL on stream {want['stream_id']}; frames {kinds}, closed={outcome.closed}"
        assert rpc_pb2.StatusCode.Name(_status(ends[0])) == "STATUS_CODE_" + want["code"], kinds
        if "frame" in want:
            assert ends[0].type_name == want["frame"], kinds


@pytest.mark.parametrize("session", VECTORS["sessions"], ids=lambda s: s["name"])
def test_session(server: Server, session: dict) -> None:
    if session["name"] in KNOWN_DEVIATIONS:
        # Strict: the run must still fail; once the server is fixed, this fails and the entry goes.
        with pytest.raises(AssertionError):
            check(session["expect"], run_session(server, session))
        pytest.xfail(KNOWN_DEVIATIONS[session["name"]])
    check(session["expect"], run_session(server, session))


def _handshake(server: Server) -> tuple[socket.socket, rpc_pb2.Settings, FrameDecoder]:
    sock = socket.create_connection((server.host, server.port), timeout=10)
    sock.sendall(PREFACE + CLIENT_SETTINGS)
    decoder = FrameDecoder(max_frame_size=1 << 30)
    received = b""
    while len(received) < 8:
        received += sock.recv(65536)
    decoder.feed(received[8:])
    while (frame := decoder.next_frame()) is None:
        decoder.feed(sock.recv(65536))
    assert frame.type == FrameType.SETTINGS
    return sock, rpc_pb2.Settings.FromString(frame.payload), decoder


def test_message_over_max_message_size_is_a_stream_error(server: Server) -> None:
    """§4: a MESSAGE payload over the server's max_message_size, within its frame limit, is a
    stream error RESOURCE_EXHAUSTED; the connection goes on."""
    sock, settings, decoder = _handshake(server)
    with sock:
        assert settings.max_frame_size > settings.max_message_size
        call = encode_frame(FrameType.CALL_OPEN, 0, 1, rpc_pb2.CallOpen(method="/atsbridge.v1.Health/Ping").SerializeToString())
        big = encode_frame(FrameType.MESSAGE, 1, 1, bytes(settings.max_message_size + 1))
        ping = encode_frame(FrameType.PING, 0, 0, b"stillok!")
        sock.sendall(call + big + ping)
        frames = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(f.type == FrameType.PING for f in frames):
            chunk = sock.recv(65536)
            assert chunk, f"the server closed the connection; frames {[(f.type_name, f.stream_id) for f in frames]}"
            decoder.feed(chunk)
            while (frame := decoder.next_frame()) is not None:
                frames.append(frame)
        ends = [f for f in frames if f.stream_id == 1 and f.type in (FrameType.STATUS, FrameType.CANCEL)]
        assert ends and rpc_pb2.Status.FromString(ends[0].payload).code == rpc_pb2.STATUS_CODE_RESOURCE_EXHAUSTED
        assert not [f for f in frames if f.type == FrameType.GOAWAY]


def test_handshake_timeout_closes_a_silent_connection(server: Server) -> None:
    """§1.2: the server closes a connection whose preface and SETTINGS have not both arrived
    within its handshake timeout (default 10 s)."""
    sock = socket.create_connection((server.host, server.port), timeout=30)
    with sock:
        sock.sendall(PREFACE)  # and no SETTINGS
        started = time.monotonic()
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
            assert time.monotonic() - started < 25, "the connection stayed open"
        elapsed = time.monotonic() - started
        assert 5 < elapsed < 25, elapsed
        frames = []
        decoder = FrameDecoder(max_frame_size=1 << 30)
        decoder.feed(data[8:])
        while (frame := decoder.next_frame()) is not None:
            frames.append(frame)
        assert not [f for f in frames if f.type in (FrameType.STATUS, FrameType.MESSAGE)]
