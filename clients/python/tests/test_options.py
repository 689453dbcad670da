"""Local argument checks: they raise ValueError or TypeError before anything is sent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from atsbridge import AsyncClient, Client

from conftest import ADMIN_KEY, INTEGRATION, Server


def test_negative_timeouts_are_value_errors(server: Server) -> None:
    with pytest.raises(ValueError):
        server.client(timeout=-1)
    with pytest.raises(ValueError):
        server.client(connect_timeout=0)
    with server.client() as client:
        with pytest.raises(ValueError):
            client.ping(timeout=-1)
        with pytest.raises(ValueError):
            client.candidates.page(timeout=-0.5)
        with pytest.raises(ValueError):
            client.candidates.list(timeout=-1)
        with pytest.raises(ValueError):
            client.watch(timeout=-1)
        assert client._connection is None, "nothing was sent"
        assert client.ping(timeout=5).server_version


def test_negative_page_size_is_a_value_error_everywhere(server: Server, tmp_path: Path) -> None:
    with server.client() as client:
        with pytest.raises(ValueError):
            client.candidates.page(page_size=-1)
        with pytest.raises(ValueError):
            client.candidates.list(page_size=-1)
        with pytest.raises(ValueError):
            client.candidates.export_to(tmp_path / "unused.ndjson", page_size=-1)
        assert not (tmp_path / "unused.ndjson").exists(), "the file is not touched"
        with pytest.raises(TypeError):
            client.candidates.page(page_size="10")
        assert client._connection is None

    async def main() -> None:
        async with AsyncClient(server.address, api_key=ADMIN_KEY, integration_id=INTEGRATION) as client:
            with pytest.raises(ValueError):
                await client.candidates.page(page_size=-1)
            with pytest.raises(ValueError):
                client.candidates.list(page_size=-1)
            with pytest.raises(ValueError):
                await client.ping(timeout=-1)

    asyncio.run(main())


def test_explicit_tls_false_wins_over_the_environment(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATSBRIDGE_TLS", "1")
    monkeypatch.setenv("ATSBRIDGE_CA", "/nonexistent/ca.pem")
    monkeypatch.setenv("ATSBRIDGE_CLIENT_CERT", "/nonexistent/client.pem")
    monkeypatch.setenv("ATSBRIDGE_CLIENT_KEY", "/nonexistent/client.key")
    with Client(server.address, api_key=ADMIN_KEY, integration_id=INTEGRATION, tls=False) as client:
        assert client.options.ssl_context is None
        assert client.ping().server_version
    with pytest.raises(ValueError):
        Client(server.address, tls=False, ca="ca.pem")


@pytest.mark.parametrize("value", ["on", "enabled", "2"])
def test_an_unknown_atsbridge_tls_value_is_a_value_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ATSBRIDGE_TLS", value)
    with pytest.raises(ValueError, match="ATSBRIDGE_TLS"):
        Client("127.0.0.1:7420")


@pytest.mark.parametrize("value", ["", "0", "no", "False"])
def test_documented_atsbridge_tls_values_that_mean_plain_tcp(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ATSBRIDGE_TLS", value)
    for name in ("ATSBRIDGE_CA", "ATSBRIDGE_CLIENT_CERT", "ATSBRIDGE_CLIENT_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert Client("127.0.0.1:7420").options.ssl_context is None
