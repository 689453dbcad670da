"""The client against a scripted server on a local socket, for server behaviour the real one
never shows: a second unary response, GOAWAY before processing, a connection dropped mid-call.
Checks what is retried and what is not."""

from __future__ import annotations

import socket
import threading
from typing import Callable

import pytest

from atsbridge import Client, InternalError, UnavailableError
from atsbridge._frames import PREFACE, Frame, FrameDecoder, FrameType, encode_frame
from atsbridge.v1 import rpc_pb2, write_pb2

Handler = Callable[[int, "Peer", Frame, Frame], None]


class Peer:
    """One accepted connection of the fake server."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.decoder = FrameDecoder()
        self.received: list[Frame] = []

    def read_frame(self) -> Frame | None:
        while (frame := self.decoder.next_frame()) is None:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.decoder.feed(data)
        self.received.append(frame)
        return frame

    def send(self, type: int, stream_id: int, payload: bytes = b"", flags: int = 0) -> None:
        self.sock.sendall(encode_frame(type, flags, stream_id, payload))


class FakeServer:
    """Accepts connections; for each call (CALL_OPEN and its MESSAGE) runs `handler`."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.peers: list[Peer] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            peer = Peer(sock)
            self.peers.append(peer)
            threading.Thread(target=self._serve, args=(len(self.peers) - 1, peer), daemon=True).start()

    def _serve(self, index: int, peer: Peer) -> None:
        with peer.sock:
            preface = b""
            while len(preface) < 8:
                preface += peer.sock.recv(8 - len(preface))
            assert preface == PREFACE
            peer.sock.sendall(PREFACE + encode_frame(FrameType.SETTINGS, 0, 0, b""))
            opens: dict[int, Frame] = {}
            while (frame := peer.read_frame()) is not None:
                if frame.type == FrameType.CALL_OPEN:
                    opens[frame.stream_id] = frame
                elif frame.type == FrameType.MESSAGE and frame.stream_id in opens:
                    try:
                        self.handler(index, peer, opens[frame.stream_id], frame)
                    except OSError:
                        return

    def close(self) -> None:
        self.listener.close()
        for peer in self.peers:
            try:
                peer.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def client(self, **options: object) -> Client:
        return Client(f"127.0.0.1:{self.port}", api_key="k", integration_id="i", timeout=10, **options)  # type: ignore[arg-type]


def ok(peer: Peer, stream_id: int, response: bytes) -> None:
    peer.send(FrameType.MESSAGE, stream_id, response)
    peer.send(FrameType.STATUS, stream_id, rpc_pb2.Status(code=0).SerializeToString())


PONG = rpc_pb2.PingResponse(server_version="fake").SerializeToString()


def answer(peer: Peer, method: str, stream_id: int) -> None:
    """A successful answer to a ping or a CreateApplication."""
    if method.endswith("CreateApplication"):
        ok(peer, stream_id, write_pb2.CreateApplicationResponse().SerializeToString())
    else:
        ok(peer, stream_id, PONG)


def method_of(open_frame: Frame) -> str:
    return rpc_pb2.CallOpen.FromString(open_frame.payload).method


def test_second_unary_response_is_internal_and_cancels() -> None:
    def handler(index: int, peer: Peer, open_frame: Frame, message: Frame) -> None:
        peer.send(FrameType.MESSAGE, message.stream_id, PONG)
        peer.send(FrameType.MESSAGE, message.stream_id, PONG)  # and no STATUS yet

    server = FakeServer(handler)
    try:
        with server.client() as client:
            with pytest.raises(InternalError):
                client.ping()
            peer = server.peers[0]
            assert wait(lambda: any(f.type == FrameType.CANCEL for f in peer.received))
    finally:
        server.close()


def test_calls_above_goaway_are_retried_on_a_new_connection() -> None:
    seen: list[str] = []

    def handler(index: int, peer: Peer, open_frame: Frame, message: Frame) -> None:
        method = method_of(open_frame)
        seen.append(method)
        if seen.count(method) == 1:  # the first call of each method: not processed
            goaway = rpc_pb2.GoAway(last_stream_id=message.stream_id - 1)
            peer.send(FrameType.GOAWAY, 0, goaway.SerializeToString())
            return
        answer(peer, method, message.stream_id)

    server = FakeServer(handler)
    try:
        with server.client() as client:
            assert client.ping().server_version == "fake"
            assert len(server.peers) == 2
            # Not processed is safe to retry, even for a write without an idempotency key.
            client.create_application("job", {"first_name": "a", "last_name": "b", "email_address": "a@b.c"})
            assert seen.count("/atsbridge.v1.AtsWrite/CreateApplication") == 2
            assert len(server.peers) == 3
    finally:
        server.close()


def test_dropped_connection_retries_reads_and_keyed_writes_only() -> None:
    calls: list[tuple[int, str]] = []

    def handler(index: int, peer: Peer, open_frame: Frame, message: Frame) -> None:
        method = method_of(open_frame)
        calls.append((index, method))
        if len([c for c in calls if c[1] == method]) % 2 == 1:
            peer.sock.shutdown(socket.SHUT_RDWR)  # the first try of each method: drop mid-call
            raise OSError("dropped")
        answer(peer, method, message.stream_id)

    server = FakeServer(handler)
    try:
        with server.client() as client:
            assert client.ping().server_version == "fake"  # a read: retried
            assert len(calls) == 2
            with pytest.raises(UnavailableError):  # a write without a key: never repeated
                client.create_application("job", {"first_name": "a", "last_name": "b", "email_address": "a@b.c"})
            assert [m for _, m in calls].count("/atsbridge.v1.AtsWrite/CreateApplication") == 1
            calls.clear()
            client.create_application(  # with a key: retried once
                "job", {"first_name": "a", "last_name": "b", "email_address": "a@b.c"}, idempotency_key="k1"
            )
            assert [m for _, m in calls] == ["/atsbridge.v1.AtsWrite/CreateApplication"] * 2
    finally:
        server.close()


def wait(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
