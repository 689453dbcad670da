"""A peer that goes silent (frozen, no FIN) behind a relay: a call's deadline, or a stream with
nothing received for the keepalive interval, sends a PING; without its ACK the connection is
abandoned and the next call opens a new one."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

from atsbridge import AsyncClient, Client, ConnectionLostError, DeadlineExceededError

from conftest import ADMIN_KEY, INTEGRATION, Server


class FreezingRelay:
    """Relays TCP connections to the server; `freeze()` stops forwarding on the connections open
    so far (in both directions, without closing them), as a hung peer or a dead link would."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[tuple[socket.socket, socket.socket, threading.Event]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            frozen = threading.Event()
            self.connections.append((client, server, frozen))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b, frozen), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket, frozen: threading.Event) -> None:
        try:
            while data := source.recv(65536):
                if frozen.is_set():
                    continue  # swallowed: the peer has gone silent
                sink.sendall(data)
        except OSError:
            pass

    def freeze(self) -> None:
        for _, _, frozen in self.connections:
            frozen.set()

    def close(self) -> None:
        self.listener.close()
        for a, b, _ in self.connections:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()


@pytest.fixture()
def relay(server: Server):  # type: ignore[no-untyped-def]
    r = FreezingRelay((server.host, server.port))
    yield r
    r.close()


def relayed(relay: FreezingRelay, **options: object) -> Client:
    return Client(f"127.0.0.1:{relay.port}", api_key=ADMIN_KEY, integration_id=INTEGRATION, **options)  # type: ignore[arg-type]


def test_a_deadline_on_a_frozen_connection_abandons_it(relay: FreezingRelay) -> None:
    with relayed(relay, keepalive_timeout=1) as client:
        assert client.ping().server_version
        first = client._connection
        relay.freeze()
        with pytest.raises(DeadlineExceededError):
            client.ping(timeout=0.5)
        started = time.monotonic()
        assert client.ping(timeout=10).server_version, "the next call gets through on a new connection"
        assert time.monotonic() - started < 4
        assert client._connection is not first and first is not None and first.closed


def test_a_silent_stream_is_checked_with_a_ping(relay: FreezingRelay) -> None:
    with relayed(relay, keepalive_interval=0.5, keepalive_timeout=1) as client:
        events = client.watch()
        assert client.ping().server_version
        relay.freeze()
        started = time.monotonic()
        with pytest.raises(ConnectionLostError, match="PING"):
            next(events)
        assert time.monotonic() - started < 5
        assert client.ping(timeout=5).server_version


def test_a_list_on_a_frozen_connection_resumes_on_a_new_one(server: Server, relay: FreezingRelay) -> None:
    with server.client() as direct:
        expected = [c.id for c in direct.candidates.list(page_size=5)]
    with relayed(relay, keepalive_interval=0.5, keepalive_timeout=1, initial_credit=2) as client:
        records = client.candidates.list(page_size=5)
        seen = [next(records).id for _ in range(7)]
        relay.freeze()
        seen += [c.id for c in records]
        assert seen == expected


def test_keepalive_keeps_a_quiet_healthy_stream(server: Server) -> None:
    """PINGs answered: a watch with nothing to say runs to its deadline on the same connection
    (and stays under the server's PING rate)."""
    with server.client(keepalive_interval=0.2, keepalive_timeout=1) as client:
        assert client.ping()
        connection = client._connection
        with pytest.raises(DeadlineExceededError):
            next(client.watch(timeout=2.5))
        assert client.ping().server_version
        assert client._connection is connection


def test_keepalive_can_be_disabled_and_is_validated(server: Server) -> None:
    with server.client(keepalive_interval=None) as client:
        assert client.ping()
        assert client._connection is not None and client._connection.keepalive_interval is None
    with pytest.raises(ValueError):
        server.client(keepalive_interval=0)
    with pytest.raises(ValueError):
        server.client(keepalive_timeout=-1)


def test_asyncio_abandons_a_frozen_connection(relay: FreezingRelay) -> None:
    async def run() -> None:
        address = f"127.0.0.1:{relay.port}"
        async with AsyncClient(
            address, api_key=ADMIN_KEY, integration_id=INTEGRATION, keepalive_interval=0.5, keepalive_timeout=1
        ) as client:
            event = asyncio.ensure_future(client.watch().__anext__())
            assert (await client.ping()).server_version
            first = client._connection
            assert first is not None and first._core.open_streams == 1, "the watch is open"
            relay.freeze()
            with pytest.raises(DeadlineExceededError):
                await client.ping(timeout=0.5)
            with pytest.raises(ConnectionLostError):
                await asyncio.wait_for(event, 5)
            assert (await client.ping(timeout=5)).server_version
            assert client._connection is not first

    asyncio.run(run())
