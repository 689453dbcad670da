"""When to PING a connection that may have gone silent: shared by the blocking and the asyncio
connections, which differ only in how they send, wait and close."""

from __future__ import annotations

import os
import time


class Liveness:
    """PING bookkeeping of one connection (protocol.md §2.9): at most one PING awaiting its ACK,
    at most one a second (the server limits PINGs), and the connection taken for dead when the
    ACK does not arrive within ``timeout``."""

    def __init__(self, interval: float | None = None, timeout: float = 5.0) -> None:
        #: Seconds a call may wait with nothing received before the connection is checked;
        #: ``None`` checks only when a call's deadline passes.
        self.interval = interval
        #: Seconds a PING's ACK may take.
        self.timeout = timeout
        self.last_received = time.monotonic()
        self.probe: bytes | None = None
        self._probe_sent = float("-inf")

    def received(self, acked: bool) -> None:
        """Bytes arrived; ``acked`` when they held the ACK of the PING in flight."""
        self.last_received = time.monotonic()
        if acked:
            self.probe = None

    def next_probe(self, closed: bool = False) -> bytes | None:
        """The payload of a PING to send now, or ``None`` when the connection is ``closed``,
        when one awaits its ACK, or when one was sent less than a second ago."""
        now = time.monotonic()
        if closed or self.probe is not None or now - self._probe_sent < 1.0:
            return None
        self.probe, self._probe_sent = os.urandom(8), now
        return self.probe

    @property
    def is_quiet(self) -> bool:
        """Whether nothing arrived for the keepalive interval."""
        return self.interval is not None and time.monotonic() - self.last_received >= self.interval

    def expired(self, payload: bytes) -> bool:
        """Whether the PING with ``payload`` is still unanswered at its timeout."""
        return self.probe is payload

    @property
    def dead_reason(self) -> str:
        return f"no answer to a PING within {self.timeout:g} s: the connection is dead"
