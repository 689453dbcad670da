"""TLS and mutual TLS against a real `atsbridge serve --demo --tls-cert … --tls-client-ca …`,
with certificates made for the run by scripts/make-test-certs.sh (the openssl CLI)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from atsbridge import AsyncClient, Client, TLSHandshakeError, UnavailableError

from conftest import ADMIN_KEY, INTEGRATION, REPO, Server, start_server


@pytest.fixture(scope="module")
def certs() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="atsbridge-certs-"))
    subprocess.run(["bash", str(REPO / "scripts/make-test-certs.sh"), str(directory)], check=True)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def mtls_server(certs: Path) -> Iterator[Server]:
    """A demo server that requires client certificates signed by the test CA."""
    srv = start_server(
        ["--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key"),
         "--tls-client-ca", str(certs / "ca.pem")]
    )
    yield srv
    srv.stop()
    shutil.rmtree(srv.data_dir, ignore_errors=True)


def client_files(certs: Path) -> dict[str, str]:
    return {"ca": str(certs / "ca.pem"), "client_cert": str(certs / "client.pem"),
            "client_key": str(certs / "client.key")}


def test_the_banner_says_mutual_tls(mtls_server: Server) -> None:
    assert any("(mutual TLS)" in line for line in mtls_server.output)


def test_reads_over_mutual_tls(mtls_server: Server, certs: Path) -> None:
    with Client(mtls_server.address, api_key=ADMIN_KEY, integration_id=INTEGRATION, **client_files(certs)) as c:
        assert c.ping(b"tls").payload == b"tls"
        # A streamed read moves many frames through TLS in both directions (credit, pages).
        assert len(list(c.candidates.list(page_size=7))) == 60


def test_localhost_is_verified_by_name(mtls_server: Server, certs: Path) -> None:
    address = f"localhost:{mtls_server.port}"
    with Client(address, api_key=ADMIN_KEY, integration_id=INTEGRATION, **client_files(certs)) as c:
        assert c.ping(b"name").payload == b"name"


def test_environment_variables_configure_tls(
    mtls_server: Server, certs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATSBRIDGE_CA", str(certs / "ca.pem"))
    monkeypatch.setenv("ATSBRIDGE_CLIENT_CERT", str(certs / "client.pem"))
    monkeypatch.setenv("ATSBRIDGE_CLIENT_KEY", str(certs / "client.key"))
    with Client(mtls_server.address, api_key=ADMIN_KEY, integration_id=INTEGRATION) as c:
        assert c.ping(b"env").payload == b"env"


def test_a_wrong_ca_is_refused(mtls_server: Server, certs: Path) -> None:
    files = client_files(certs) | {"ca": str(certs / "other-ca.pem")}
    with Client(mtls_server.address, api_key=ADMIN_KEY, **files) as c:  # type: ignore[arg-type]
        with pytest.raises(TLSHandshakeError) as caught:
            c.ping()
    assert caught.value.error_code == "PLATFORM.TLS_HANDSHAKE_FAILED"
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_a_missing_client_certificate_is_refused(mtls_server: Server, certs: Path) -> None:
    with Client(mtls_server.address, api_key=ADMIN_KEY, ca=str(certs / "ca.pem")) as c:
        with pytest.raises(TLSHandshakeError):
            c.ping()


def test_a_client_certificate_from_another_ca_is_refused(mtls_server: Server, certs: Path) -> None:
    files = client_files(certs) | {
        "client_cert": str(certs / "other-client.pem"), "client_key": str(certs / "other-client.key")
    }
    with Client(mtls_server.address, api_key=ADMIN_KEY, **files) as c:  # type: ignore[arg-type]
        with pytest.raises(TLSHandshakeError):
            c.ping()


def test_a_plain_client_gets_no_answer(mtls_server: Server) -> None:
    with Client(mtls_server.address, api_key=ADMIN_KEY, connect_timeout=3) as c:
        with pytest.raises(UnavailableError):
            c.ping()


def test_asyncio_speaks_mutual_tls(mtls_server: Server, certs: Path) -> None:
    async def main() -> None:
        async with AsyncClient(
            mtls_server.address, api_key=ADMIN_KEY, integration_id=INTEGRATION, **client_files(certs)
        ) as c:
            assert (await c.ping(b"aio")).payload == b"aio"
            count = 0
            async for _ in c.candidates.list(page_size=9):
                count += 1
            assert count == 60
        async with AsyncClient(mtls_server.address, api_key=ADMIN_KEY, ca=str(certs / "ca.pem")) as anonymous:
            with pytest.raises(TLSHandshakeError):
                await anonymous.ping()
        async with AsyncClient(mtls_server.address, api_key=ADMIN_KEY, ca=str(certs / "other-ca.pem")) as wrong:
            with pytest.raises(TLSHandshakeError):
                await wrong.ping()

    asyncio.run(main())


def test_the_readme_tls_example_runs(
    mtls_server: Server, certs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```py\n(.*?)```", readme, re.S)
    assert len(blocks) == 1
    code = blocks[0].replace("atsbridge.example.com:7420", mtls_server.address)
    code = code.replace("demo-key-change-me-0001", mtls_server.api_key)
    for name in ("ca.pem", "client.pem", "client.key"):
        code = code.replace(f'"{name}"', repr(str(certs / name)))
    monkeypatch.chdir(tmp_path)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "README TLS block", "exec"), {"__name__": "readme"})
    assert output.getvalue().strip()
