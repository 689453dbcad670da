"""Fixtures: a real `atsbridge serve --demo` for the whole session (and fresh ones for tests that
kill their server), clients, and the server's /metrics."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

from atsbridge import Client

REPO = Path(__file__).resolve().parents[3]
ADMIN_KEY = "py-admin-key-0123456789abcdef"
READ_KEY = "py-read-key-0123456789abcdef"
WRITE_KEY = "py-write-key-0123456789abcdef"
SCOPED_KEY = "py-scoped-key-0123456789abcdef"  # read, limited to another integration
INTEGRATION = "demo"


def atsbridge_binary() -> Path:
    """$ATSBRIDGE_BIN, else the newer of .build/debug/atsbridge and .build/release/atsbridge."""
    if os.environ.get("ATSBRIDGE_BIN"):
        path = Path(os.environ["ATSBRIDGE_BIN"])
        if not path.is_absolute():
            path = REPO / path
        if not path.exists():
            pytest.exit(f"ATSBRIDGE_BIN={path} does not exist", returncode=2)
        return path
    found = [p for p in (REPO / ".build/debug/atsbridge", REPO / ".build/release/atsbridge") if p.exists()]
    if not found:
        pytest.exit("no atsbridge binary: build it (swift build) or set ATSBRIDGE_BIN", returncode=2)
    return max(found, key=lambda p: p.stat().st_mtime)


@dataclass
class Server:
    """A running `atsbridge serve --demo`."""

    process: subprocess.Popen[str]
    host: str
    port: int
    metrics_url: str
    api_key: str
    data_dir: Path
    output: list[str] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def client(self, key: str | None = ADMIN_KEY, **options: object) -> Client:
        return Client(self.address, api_key=key, integration_id=INTEGRATION, **options)  # type: ignore[arg-type]

    def metrics(self) -> dict[str, float]:
        """Every sample of /metrics, keyed by `name{labels}` as printed."""
        with urllib.request.urlopen(self.metrics_url, timeout=10) as response:
            text = response.read().decode()
        samples: dict[str, float] = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                samples[key] = float(value)
        return samples

    def metric(self, name: str, **labels: str) -> float:
        """The sum of the samples of `name` whose labels include `labels`."""
        total = 0.0
        for key, value in self.metrics().items():
            metric, _, rest = key.partition("{")
            if metric != name:
                continue
            have = dict(re.findall(r'(\w+)="([^"]*)"', rest))
            if all(have.get(k) == v for k, v in labels.items()):
                total += value
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(extra: list[str] | None = None, size: str = "small") -> Server:
    """Starts a demo server on free ports and waits (at most 180 s) for its banner."""
    data_dir = Path(tempfile.mkdtemp(prefix="atsbridge-pytest-"))
    command = [
        str(atsbridge_binary()), "serve", "--demo", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
        "--data-dir", str(data_dir / "demo"), "--demo-api-key", ADMIN_KEY, "--demo-size", size,
        "--api-key", f"reader:read:{READ_KEY}", "--api-key", f"writer:write:{WRITE_KEY}:{INTEGRATION}",
        "--api-key", f"scoped:read:{SCOPED_KEY}:other-integration", "--log-level", "warning", *(extra or []),
    ]
    process = subprocess.Popen(
        command, cwd=data_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    output: list[str] = []
    found: dict[str, str] = {}
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if m := re.search(r"listening on (\S+):(\d+)", line):
                found["host"], found["port"] = m.group(1), m.group(2)
            if m := re.search(r"metrics: (http://\S+)", line):
                found["metrics"] = m.group(1)
            if m := re.search(r"API key: (\S+)", line):
                found["key"] = m.group(1)
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(180) or "key" not in found:
        process.kill()
        raise RuntimeError("atsbridge serve --demo did not start:\n" + "".join(output[-40:]))
    return Server(process, found["host"], int(found["port"]), found["metrics"], found["key"], data_dir, output)


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fails a test that runs over 120 s instead of letting it hang CI."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("the test ran over 120 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """The session's demo server (small sandbox: 60 candidates, 90 applications)."""
    srv = start_server()
    yield srv
    srv.stop()
    shutil.rmtree(srv.data_dir, ignore_errors=True)


@pytest.fixture()
def fresh_server() -> Iterator[Server]:
    """A demo server of the test's own, for tests that kill or stop it."""
    srv = start_server()
    yield srv
    if srv.process.poll() is None:
        srv.process.kill()
        srv.process.wait(10)
    shutil.rmtree(srv.data_dir, ignore_errors=True)


@pytest.fixture()
def client(server: Server) -> Iterator[Client]:
    with server.client() as c:
        yield c


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:  # type: ignore[no-untyped-def]
    """Polls `predicate` until it is true or `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
