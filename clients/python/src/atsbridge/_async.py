"""The asyncio connection: one stream pair, a reader task that feeds :class:`ProtocolCore`, and
an asyncio queue per call."""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Any, Generic, TypeVar

from google.protobuf.message import Message

from ._call import CallBase, End
from ._liveness import Liveness
from ._methods import Method
from ._protocol import ClientSettings, ConnectionLostError, ProtocolCore
from ._status import ATSBridgeError, StatusCode, make_error
from ._tls import TLSHandshakeError, describe
from .v1 import rpc_pb2

T = TypeVar("T", bound=Message)


class _AsyncSink:
    __slots__ = ("queue", "connection")

    def __init__(self, connection: "AsyncConnection") -> None:
        self.queue: asyncio.Queue[bytes | End] = asyncio.Queue()
        self.connection = connection

    def on_message(self, payload: bytes) -> None:
        self.queue.put_nowait(payload)

    def on_close(self, error: ATSBridgeError | None) -> None:
        self.queue.put_nowait(End(error))
        self.connection._notify()  # noqa: SLF001

    def on_credit(self) -> None:
        self.connection._notify()  # noqa: SLF001


class AsyncConnection:
    """One connection to the server, shared by every call of an
    :class:`~atsbridge.aio.AsyncClient`. Create it with :meth:`open`."""

    def __init__(self) -> None:
        self._core: ProtocolCore
        self._reader: asyncio.StreamReader
        self._writer: asyncio.StreamWriter
        self._task: asyncio.Task[None] | None = None
        self._waiters: list[asyncio.Future[None]] = []
        self._closed = False
        self.loop = asyncio.get_running_loop()
        self._liveness = Liveness()

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        settings: ClientSettings,
        connect_timeout: float,
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        keepalive_interval: float | None = None,
        keepalive_timeout: float = 5.0,
    ) -> "AsyncConnection":
        """Connects (with TLS when ``ssl_context`` is given), exchanges preface and SETTINGS, and
        starts the reader task."""
        self = cls()
        self._core = ProtocolCore(settings)
        self._liveness = Liveness(keepalive_interval, keepalive_timeout)
        tls: dict[str, object] = {}
        if ssl_context is not None:
            tls = {"ssl": ssl_context, "server_hostname": server_hostname or host}
        try:
            self._reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, limit=1 << 20, **tls), connect_timeout  # type: ignore[arg-type]
            )
        except ssl.SSLError as error:
            raise TLSHandshakeError(describe(error)) from None
        except (OSError, asyncio.TimeoutError) as error:
            raise ConnectionLostError(f"cannot connect to {host}:{port}: {error}") from None
        try:
            self._core.initiate()
            self._writer.write(self._core.data_to_send())
            deadline = time.monotonic() + connect_timeout
            while not self._core.ready:
                data = await asyncio.wait_for(self._reader.read(65536), max(0.0, deadline - time.monotonic()))
                if not data:
                    raise ConnectionLostError("the server closed the connection during the handshake")
                self._core.receive_data(data)
                if self._core.error is not None:
                    raise self._core.error
        except asyncio.TimeoutError:
            self._writer.close()
            raise ConnectionLostError("the server sent no preface and SETTINGS in time") from None
        except ssl.SSLError as error:
            # Under TLS 1.3 a refused client certificate arrives as an alert after the handshake.
            self._writer.close()
            raise TLSHandshakeError(describe(error)) from None
        except OSError as error:
            self._writer.close()
            raise ConnectionLostError(f"handshake failed: {error}") from None
        except BaseException:
            self._writer.close()
            raise
        self._task = asyncio.create_task(self._read_loop())
        return self

    @property
    def closed(self) -> bool:
        """True once the connection ended."""
        return self._closed

    @property
    def accepts_calls(self) -> bool:
        """False once the connection failed, closed, or the server sent GOAWAY."""
        return not self._closed and self._core.accepts_calls

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _flush(self) -> None:
        data = self._core.data_to_send()
        if data and not self._closed:
            try:
                self._writer.write(data)
            except (OSError, RuntimeError):
                self._core.connection_lost("the connection broke while sending")
                self._notify()

    async def _read_loop(self) -> None:
        reader = self._reader
        try:
            while True:
                try:
                    data = await reader.read(256 * 1024)
                except (OSError, asyncio.IncompleteReadError):
                    data = b""
                if not data:
                    self._core.connection_lost("the server closed the connection")
                else:
                    self._core.receive_data(data)
                    self._flush()
                    probe = self._liveness.probe
                    self._liveness.received(probe is not None and self._core.acked(probe))
                if self._core.error is not None:
                    break
        finally:
            self._closed = True
            self._core.connection_lost("the connection closed")
            self._notify()
            self._writer.close()

    async def _wait(self, deadline: float | None) -> None:
        if self._core.error is not None:
            raise self._core.error
        waiter = self.loop.create_future()
        self._waiters.append(waiter)
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            self.check_alive()
            raise make_error(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before the call was sent")
        try:
            await asyncio.wait_for(waiter, remaining)
        except asyncio.TimeoutError:
            self.check_alive()
            raise make_error(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before the call was sent") from None

    def check_alive(self) -> None:
        """Sends a PING unless one awaits its ACK or was sent less than a second ago; without an
        ACK within ``keepalive_timeout`` the connection is closed and its calls fail with
        :class:`ConnectionLostError` (see :meth:`atsbridge._sync.SyncConnection.check_alive`)."""
        payload = self._liveness.next_probe(closed=self._closed or self._core.error is not None)
        if payload is None:
            return
        self._core.ping(payload)
        self._flush()
        self.loop.call_later(self._liveness.timeout, self._probe_expired, payload)

    @property
    def keepalive_interval(self) -> float | None:
        """As :attr:`atsbridge._sync.SyncConnection.keepalive_interval`."""
        return self._liveness.interval

    def keepalive(self) -> None:
        """A call waited ``keepalive_interval``: checks the connection if nothing arrived."""
        if self._liveness.is_quiet:
            self.check_alive()

    def _probe_expired(self, payload: bytes) -> None:
        if not self._liveness.expired(payload) or self._closed:
            return
        self._core.connection_lost(self._liveness.dead_reason)
        self._closed = True
        self._notify()
        self._writer.transport.abort()

    async def start_call(
        self, method: Method, request: bytes, call_open: rpc_pb2.CallOpen, deadline: float | None
    ) -> "AsyncCall":
        """Opens a stream and sends the request; waits for a stream slot and send credit."""
        while not self._core.can_open_stream():
            await self._wait(deadline)
        if deadline is not None:
            call_open.timeout_ms = max(1, int((deadline - time.monotonic()) * 1000))
        sink = _AsyncSink(self)
        stream_id = self._core.open_stream(call_open, sink)
        try:
            while not self._core.has_send_credit(stream_id):
                await self._wait(deadline)
            self._core.send_message(stream_id, request, end_stream=True)
        except BaseException as error:
            code = error.status if isinstance(error, ATSBridgeError) else StatusCode.CANCELLED
            self._core.cancel(stream_id, code)
            self._flush()
            raise
        self._flush()
        return AsyncCall(self, stream_id, sink, method, deadline)

    def consumed(self, stream_id: int) -> None:
        """Grants credit as the caller takes messages."""
        self._core.consumed(stream_id)
        self._flush()

    def cancel(self, stream_id: int, code: StatusCode = StatusCode.CANCELLED, message: str = "") -> None:
        """Sends CANCEL (if the stream is still open). Safe from any thread."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._core.cancel(stream_id, code, message)
            self._flush()
            self._notify()  # a call may be waiting for the freed stream slot
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.cancel, stream_id, code, message)

    async def close(self) -> None:
        """Cancels every open call and closes the connection."""
        if self._closed:
            return
        self._core.cancel_all()
        self._flush()
        self._closed = True
        self._core.connection_lost("the client closed the connection")
        self._notify()
        self._writer.close()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - closing anyway
                pass


class AsyncCall(CallBase):
    """One call's receiving side."""

    __slots__ = ()

    async def receive(self) -> bytes | None:
        """The next message's bytes; None after STATUS OK. Raises the call's error. A task
        cancelled while waiting sends CANCEL."""
        if self.done:
            return None
        queue = self._sink.queue
        connection: AsyncConnection = self._connection  # type: ignore[assignment]
        deadline = self._deadline
        while True:
            wait = self._wait(connection.keepalive_interval)
            try:
                if not queue.empty():
                    item = queue.get_nowait()
                elif wait is None:
                    item = await queue.get()
                else:
                    item = await asyncio.wait_for(queue.get(), wait)
                break
            except asyncio.TimeoutError:
                if deadline is not None and time.monotonic() >= deadline:
                    self.cancel(StatusCode.DEADLINE_EXCEEDED)
                    connection.check_alive()  # a frozen peer must not take every later call with it
                    raise make_error(StatusCode.DEADLINE_EXCEEDED, "the call's deadline passed") from None
                connection.keepalive()
            except asyncio.CancelledError:
                self.cancel()
                raise
        return self._take(item)


class AsyncResponseStream(Generic[T]):
    """The responses of a server-streaming call, as an async iterator. Leaving an ``async with``
    block, :meth:`cancel`, cancelling the task, or dropping the iterator before its end sends
    CANCEL."""

    def __init__(self, call: AsyncCall) -> None:
        self._call = call

    def __aiter__(self) -> "AsyncResponseStream[T]":
        return self

    async def __anext__(self) -> T:
        payload = await self._call.receive()
        if payload is None:
            raise StopAsyncIteration
        return self._call.decode(payload)  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stops the call on the server (no-op once it ended)."""
        self._call.cancel()

    async def aclose(self) -> None:
        """Same as :meth:`cancel`."""
        self._call.cancel()

    async def __aenter__(self) -> "AsyncResponseStream[T]":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.cancel()

    def __del__(self) -> None:
        try:
            self._call.cancel()
        except Exception:  # noqa: BLE001 - nothing to report to at collection time
            pass
