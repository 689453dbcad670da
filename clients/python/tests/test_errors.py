"""Every error path: keys, scopes, unknown methods, dropped connections, a server killed
mid-stream."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from urllib.parse import urlparse

import pytest

from atsbridge import (
    ATSBridgeError,
    Client,
    ConnectionLostError,
    InvalidArgumentError,
    NotATSBridgeServerError,
    PermissionDeniedError,
    StatusCode,
    UnauthenticatedError,
    UnavailableError,
    UnimplementedError,
)
from atsbridge._methods import Method
from atsbridge.v1 import rpc_pb2

from conftest import INTEGRATION, SCOPED_KEY, Server


def test_bad_key_is_unauthenticated(server: Server) -> None:
    with Client(server.address, api_key="wrong-key-0000000000000000", integration_id=INTEGRATION) as client:
        with pytest.raises(UnauthenticatedError) as caught:
            list(client.candidates.list())
        assert caught.value.status is StatusCode.UNAUTHENTICATED
        assert caught.value.error_code == "PLATFORM.AUTHENTICATION_INVALID"
        assert isinstance(caught.value, ATSBridgeError)
        assert client.ping().server_version, "Health/Ping needs no key"
    with Client(server.address, api_key=None, integration_id=INTEGRATION) as client:
        with pytest.raises(UnauthenticatedError):
            client.candidates.get("x")


def test_key_scoped_to_another_integration_is_denied(server: Server) -> None:
    with server.client(SCOPED_KEY) as client:
        with pytest.raises(PermissionDeniedError) as caught:
            client.candidates.page()
        assert caught.value.error_code == "PLATFORM.PERMISSION_DENIED"


def test_missing_integration_is_invalid_argument(server: Server) -> None:
    with Client(server.address, api_key=server.api_key, integration_id="") as client:
        with pytest.raises(InvalidArgumentError):
            client.candidates.page()


def test_unknown_method_is_unimplemented(client: Client) -> None:
    method = Method("/atsbridge.v1.Nope/Nothing", rpc_pb2.PingRequest, rpc_pb2.PingResponse, False, True)
    with pytest.raises(UnimplementedError):
        client.call(method, rpc_pb2.PingRequest())
    assert client.ping().server_version


def test_no_server_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Client(f"127.0.0.1:{port}", connect_timeout=2) as client:
        with pytest.raises(UnavailableError):
            client.ping()


def test_reconnects_after_the_connection_dropped(client: Client) -> None:
    assert client.ping()
    first = client._connection
    assert first is not None
    first._socket.shutdown(socket.SHUT_RDWR)  # the network drops the connection
    assert client.ping().server_version
    assert client._connection is not first


def run_with_limit(fn, seconds: float):  # type: ignore[no-untyped-def]
    """Runs fn in a thread; fails the test if it has not returned within `seconds` (a hang)."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as error:  # noqa: BLE001 - inspected by the caller
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the call hung"
    return outcome


def test_server_killed_mid_stream_is_a_typed_error(fresh_server: Server) -> None:
    with fresh_server.client(initial_credit=2) as client:
        records = client.candidates.list(page_size=1)
        next(records)
        os.killpg(fresh_server.process.pid, signal.SIGKILL)
        fresh_server.process.wait(10)
        outcome = run_with_limit(lambda: sum(1 for _ in records), 20)
        assert isinstance(outcome.get("error"), UnavailableError), outcome
        outcome = run_with_limit(client.ping, 20)
        assert isinstance(outcome.get("error"), UnavailableError), outcome


def test_graceful_shutdown_ends_streams_with_a_typed_error(fresh_server: Server) -> None:
    with fresh_server.client() as client:
        events = client.watch()
        assert client.ping()
        fresh_server.process.send_signal(signal.SIGTERM)
        outcome = run_with_limit(lambda: next(events), 30)
        error = outcome.get("error")
        assert isinstance(error, UnavailableError) and not isinstance(error, ConnectionLostError), outcome
        assert error.error_code == "PLATFORM.SERVER_SHUTTING_DOWN", "the Watch's own STATUS, not the GOAWAY"
        fresh_server.process.wait(30)
        outcome = run_with_limit(client.ping, 20)
        assert isinstance(outcome.get("error"), UnavailableError), outcome


def test_list_resumes_from_its_cursor_after_the_connection_dropped(server: Server) -> None:
    with server.client(initial_credit=2) as client:
        expected = [c.id for c in client.candidates.list(page_size=5)]
        records = client.candidates.list(page_size=5)
        seen = [next(records).id for _ in range(12)]
        first = client._connection
        assert first is not None
        first._socket.shutdown(socket.SHUT_RDWR)
        seen += [c.id for c in records]
        assert seen == expected, "no record lost or repeated across the reconnect"
        assert client._connection is not first


def test_a_port_of_another_kind_fails_at_once_as_not_an_atsbridge_server(server: Server) -> None:
    metrics = urlparse(server.metrics_url)
    with Client(f"{metrics.hostname}:{metrics.port}", api_key="k", integration_id=INTEGRATION) as client:
        started = time.monotonic()
        with pytest.raises(NotATSBridgeServerError) as caught:
            client.ping()
        assert caught.value.error_code == "PLATFORM.NOT_ATSBRIDGE_SERVER"
        assert caught.value.status is StatusCode.UNAVAILABLE
        assert not isinstance(caught.value, ConnectionLostError), "not retried"
        assert time.monotonic() - started < 2


def test_a_silent_server_fails_after_one_connect_timeout() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts (backlog) but never answers
        port = silent.getsockname()[1]
        with Client(f"127.0.0.1:{port}", api_key="k", integration_id=INTEGRATION, connect_timeout=1.5) as client:
            started = time.monotonic()
            with pytest.raises(UnavailableError) as caught:
                client.ping(timeout=30)
            elapsed = time.monotonic() - started
            assert caught.value.error_code is None
            assert 1.4 < elapsed < 2.5, f"one handshake timeout, not retried ({elapsed:.1f} s)"
