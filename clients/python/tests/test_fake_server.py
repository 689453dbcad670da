"""The client against a scripted server on a local socket, for server behaviour the real one
never shows (or only at a moment a test cannot pick): a second unary response, GOAWAY before
processing or during a graceful shutdown, a connection dropped mid-call or after the last page,
a full stream table. Checks what is retried and what is not."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from atsbridge import AsyncClient, Client, ConnectionLostError, InternalError, UnavailableError
from atsbridge._frames import FLAG_ACK, PREFACE, Frame, FrameDecoder, FrameType, encode_frame
from atsbridge._methods import METHODS
from atsbridge.v1 import admin_pb2, rpc_pb2, write_pb2

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

    def __init__(self, handler: Handler, settings: rpc_pb2.Settings | None = None) -> None:
        self.handler = handler
        self.settings = settings or rpc_pb2.Settings()
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
            peer.sock.sendall(PREFACE + encode_frame(FrameType.SETTINGS, 0, 0, self.settings.SerializeToString()))
            opens: dict[int, Frame] = {}
            while (frame := peer.read_frame()) is not None:
                if frame.type == FrameType.PING and not frame.flags & FLAG_ACK:
                    peer.send(FrameType.PING, 0, frame.payload, FLAG_ACK)
                elif frame.type == FrameType.CALL_OPEN:
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

    def async_client(self, **options: object) -> AsyncClient:
        return AsyncClient(f"127.0.0.1:{self.port}", api_key="k", integration_id="i", timeout=10, **options)  # type: ignore[arg-type]


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


LIST_TAGS = METHODS["/atsbridge.v1.AtsRead/ListTags"]
WATCH = "/atsbridge.v1.Changes/Watch"
PING = "/atsbridge.v1.Health/Ping"
CREATE_APPLICATION = "/atsbridge.v1.AtsWrite/CreateApplication"


def tag_page(ids: list[str], next_cursor: str | None) -> bytes:
    page = LIST_TAGS.response_type()
    for id in ids:
        page.items.add(id=id, name=f"tag {id}")
    if next_cursor is not None:
        page.next_cursor = next_cursor
    return page.SerializeToString()  # type: ignore[no-any-return]


def test_a_drop_after_the_last_page_does_not_repeat_the_records(tmp_path: Path) -> None:
    """The connection drops after the last page (no next_cursor) but before STATUS: nothing is
    left to resume, so export_to and list() raise instead of listing again from the start."""
    opened: list[int] = []

    def handler(index: int, peer: Peer, open_frame: Frame, message: Frame) -> None:
        opened.append(index)
        request = LIST_TAGS.request_type.FromString(message.payload)
        if request.page.cursor != "c1":
            peer.send(FrameType.MESSAGE, message.stream_id, tag_page(["a", "b"], "c1"))
        peer.send(FrameType.MESSAGE, message.stream_id, tag_page(["c"], None))
        if index != 1:  # every connection but the second: drop before STATUS
            peer.sock.shutdown(socket.SHUT_RDWR)
            raise OSError("dropped")
        peer.send(FrameType.STATUS, message.stream_id, rpc_pb2.Status(code=0).SerializeToString())

    server = FakeServer(handler)
    try:
        path = tmp_path / "tags.ndjson"
        with server.client() as client:
            with pytest.raises(ConnectionLostError, match="after the last page"):
                client.tags.export_to(path)
            assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["a", "b", "c"]
            assert opened == [0], "the list was not started again"
            assert [t.id for t in client.tags.list()] == ["a", "b", "c"]  # a new connection, no drop
        with server.client() as client:
            records = client.tags.list()
            assert [next(records).id for _ in range(3)] == ["a", "b", "c"]
            with pytest.raises(ConnectionLostError):
                next(records)
            assert records.cursor is None
        assert opened == [0, 1, 2]

        async def run() -> None:
            async with server.async_client() as client:
                with pytest.raises(ConnectionLostError):
                    await client.tags.export_to(path)

        opened.clear()
        asyncio.run(run())
        assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["a", "b", "c"]
        assert opened == [3]
    finally:
        server.close()


def test_a_drop_mid_list_resumes_from_the_last_page_in_pages_mode(tmp_path: Path) -> None:
    cursors: list[str] = []

    def handler(index: int, peer: Peer, open_frame: Frame, message: Frame) -> None:
        request = LIST_TAGS.request_type.FromString(message.payload)
        cursors.append(request.page.cursor)
        if request.page.cursor != "c1":
            peer.send(FrameType.MESSAGE, message.stream_id, tag_page(["a", "b"], "c1"))
            if index == 0:
                peer.sock.shutdown(socket.SHUT_RDWR)
                raise OSError("dropped")
        peer.send(FrameType.MESSAGE, message.stream_id, tag_page(["c"], None))
        peer.send(FrameType.STATUS, message.stream_id, rpc_pb2.Status(code=0).SerializeToString())

    server = FakeServer(handler)
    try:
        with server.client() as client:
            assert client.tags.export_to(tmp_path / "tags.ndjson") == 3
        assert cursors == ["", "c1"]
    finally:
        server.close()


def slot_server() -> FakeServer:
    """A server with one stream slot: Watch never answers, Ping does."""

    def handler(index: int, peer: Peer, open_frame: Frame, message: Frame) -> None:
        if method_of(open_frame) != WATCH:
            answer(peer, method_of(open_frame), message.stream_id)

    return FakeServer(handler, rpc_pb2.Settings(max_concurrent_streams=1))


def test_cancelling_a_stream_wakes_a_call_waiting_for_its_slot() -> None:
    server = slot_server()
    try:
        with server.client() as client:
            events = client.watch()
            assert wait(lambda: bool(server.peers) and any(f.type == FrameType.MESSAGE for f in server.peers[0].received))
            outcome: list[object] = []
            waiter = threading.Thread(target=lambda: outcome.append(client.ping(timeout=8).server_version))
            waiter.start()
            time.sleep(0.3)
            assert not outcome, "the ping waits for the only slot"
            started = time.monotonic()
            events.cancel()
            waiter.join(5)
            assert outcome == ["fake"] and time.monotonic() - started < 2
    finally:
        server.close()


def test_asyncio_cancelling_a_stream_wakes_a_call_waiting_for_its_slot() -> None:
    server = slot_server()

    async def run() -> None:
        async with server.async_client() as client:
            stream = await client.stream(WATCH, admin_pb2.WatchRequest())
            ping = asyncio.create_task(client.ping(timeout=8))
            await asyncio.sleep(0.3)
            assert not ping.done()
            stream.cancel()
            assert (await asyncio.wait_for(ping, 2)).server_version == "fake"

    try:
        asyncio.run(run())
    finally:
        server.close()


def test_graceful_goaway_lets_processed_calls_end_with_their_own_status() -> None:
    """§2.10: on a GOAWAY with a code (a graceful shutdown), calls up to last_stream_id run on
    and end with their own STATUS; only the calls above it are retried on a new connection."""
    held: dict[str, int] = {}

    def handler(index: int, peer: Peer, open_frame: Frame, message: Frame) -> None:
        call = rpc_pb2.CallOpen.FromString(open_frame.payload)
        if index > 0:
            answer(peer, call.method, message.stream_id)
        elif call.method == WATCH or call.request_id == "held":
            held[call.method] = message.stream_id
        else:  # the trigger: the server starts shutting down
            goaway = rpc_pb2.GoAway(last_stream_id=max(held.values()), code=14, message="the server is shutting down")
            peer.send(FrameType.GOAWAY, 0, goaway.SerializeToString())
            time.sleep(0.2)
            answer(peer, CREATE_APPLICATION, held[CREATE_APPLICATION])
            shutting_down = rpc_pb2.Status(code=14, error_code="PLATFORM.SERVER_SHUTTING_DOWN", message="server shutting down")
            peer.send(FrameType.STATUS, held[WATCH], shutting_down.SerializeToString())
            time.sleep(0.2)
            peer.sock.shutdown(socket.SHUT_RDWR)
            raise OSError("closed")

    server = FakeServer(handler)
    request = write_pb2.CreateApplicationRequest(job_id="job")  # no idempotency key: never repeated
    try:
        with server.client() as client:
            write: list[object] = []

            def held_write() -> None:
                try:
                    write.append(client.call(CREATE_APPLICATION, request, request_id="held"))
                except Exception as error:  # noqa: BLE001 - checked below
                    write.append(error)

            writer = threading.Thread(target=held_write)
            writer.start()
            assert wait(lambda: CREATE_APPLICATION in held)
            events = client.watch()
            assert wait(lambda: WATCH in held)
            assert client.call(PING, rpc_pb2.PingRequest()).server_version == "fake", "retried on a new connection"
            writer.join(5)
            assert len(write) == 1 and isinstance(write[0], write_pb2.CreateApplicationResponse), write
            with pytest.raises(UnavailableError) as caught:
                next(events)
            assert not isinstance(caught.value, ConnectionLostError)
            assert caught.value.error_code == "PLATFORM.SERVER_SHUTTING_DOWN"
            assert len(server.peers) == 2
            assert client.ping().server_version == "fake"
            assert len(server.peers) == 2, "new calls go to the new connection"
    finally:
        server.close()


def test_a_write_with_the_idempotency_key_in_the_call_metadata_is_retried() -> None:
    keys: list[str] = []

    def handler(index: int, peer: Peer, open_frame: Frame, message: Frame) -> None:
        keys.append(rpc_pb2.CallOpen.FromString(open_frame.payload).idempotency_key)
        if len(keys) == 1:
            peer.sock.shutdown(socket.SHUT_RDWR)
            raise OSError("dropped")
        answer(peer, CREATE_APPLICATION, message.stream_id)

    server = FakeServer(handler)
    request = write_pb2.CreateApplicationRequest(job_id="job")
    try:
        with server.client() as client:
            client.call(CREATE_APPLICATION, request, idempotency_key="meta-key-1")
        assert keys == ["meta-key-1", "meta-key-1"]

        async def run() -> None:
            async with server.async_client() as client:
                await client.call(CREATE_APPLICATION, request, idempotency_key="meta-key-2")

        keys.clear()
        asyncio.run(run())
        assert keys == ["meta-key-2", "meta-key-2"]
    finally:
        server.close()
