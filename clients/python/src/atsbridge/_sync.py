"""The blocking connection: one TCP socket (TLS over memory BIOs when asked for), a reader thread
that feeds :class:`ProtocolCore`, and a queue per call that the caller's thread drains."""

from __future__ import annotations

import queue
import socket
import ssl
import threading
import time
from typing import Generic, Iterator, TypeVar

from google.protobuf.message import Message

from ._call import CallBase, End
from ._liveness import Liveness
from ._methods import Method
from ._protocol import ClientSettings, ConnectionLostError, ProtocolCore
from ._status import ATSBridgeError, StatusCode, make_error
from ._tls import TLSChannel, TLSHandshakeError
from .v1 import rpc_pb2

T = TypeVar("T", bound=Message)


class _QueueSink:
    __slots__ = ("queue", "condition")

    def __init__(self, condition: threading.Condition) -> None:
        self.queue: queue.SimpleQueue[bytes | End] = queue.SimpleQueue()
        self.condition = condition

    def on_message(self, payload: bytes) -> None:
        self.queue.put(payload)

    def on_close(self, error: ATSBridgeError | None) -> None:
        self.queue.put(End(error))
        self.condition.notify_all()

    def on_credit(self) -> None:
        self.condition.notify_all()


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.monotonic()


class SyncConnection:
    """One connection to the server, shared by every call of a :class:`~atsbridge.Client`."""

    def __init__(
        self,
        host: str,
        port: int,
        settings: ClientSettings,
        connect_timeout: float,
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        keepalive_interval: float | None = None,
        keepalive_timeout: float = 5.0,
    ) -> None:
        self._core = ProtocolCore(settings)
        self._tls: TLSChannel | None = None
        self._liveness = Liveness(keepalive_interval, keepalive_timeout)
        self._dead_reason: str | None = None
        # Reentrant: a garbage-collected call may cancel itself while this thread holds it.
        self._condition = threading.Condition(threading.RLock())
        try:
            self._socket = socket.create_connection((host, port), timeout=connect_timeout)
        except OSError as error:
            raise ConnectionLostError(f"cannot connect to {host}:{port}: {error.strerror or error}") from None
        try:
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            deadline = time.monotonic() + connect_timeout
            if ssl_context is not None:
                # The same preface and frames follow, inside TLS.
                self._tls = TLSChannel(ssl_context, server_hostname or host)
                self._tls.handshake(self._socket, deadline)
            self._core.initiate()
            self._socket.sendall(self._seal(self._core.data_to_send()))
            while not self._core.ready:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ConnectionLostError("the server sent no preface and SETTINGS in time")
                self._socket.settimeout(remaining)
                data = self._socket.recv(65536)
                if not data:
                    raise ConnectionLostError("the server closed the connection during the handshake")
                if self._tls is not None:
                    data, reply = self._tls.decrypt(data)
                    if reply:
                        self._socket.sendall(reply)
                self._core.receive_data(data)
                if self._core.error is not None:
                    raise self._core.error
            self._socket.settimeout(None)
        except socket.timeout:
            self._socket.close()
            raise ConnectionLostError("the server sent no preface and SETTINGS in time") from None
        except EOFError:
            self._socket.close()
            raise ConnectionLostError("the server closed the connection during the handshake") from None
        except OSError as error:
            self._socket.close()
            raise ConnectionLostError(f"handshake failed: {error}") from None
        except BaseException:
            self._socket.close()
            raise
        self._closed = False
        self._reader = threading.Thread(target=self._read_loop, name="atsbridge-reader", daemon=True)
        self._reader.start()

    @property
    def closed(self) -> bool:
        """True once the connection ended (its calls all ended with it)."""
        return self._closed

    @property
    def accepts_calls(self) -> bool:
        """False once the connection failed, closed, or the server sent GOAWAY."""
        return not self._closed and self._core.accepts_calls

    def _seal(self, data: bytes) -> bytes:
        """``data`` as it goes on the wire: TLS records, or as is."""
        return self._tls.encrypt(data) if self._tls is not None and data else data

    def _flush(self) -> None:
        """Sends what the core queued. Called with the lock held, so frames keep their order (and
        TLS state is touched by one thread at a time)."""
        data = self._core.data_to_send()
        if data and not self._closed:
            try:
                self._socket.sendall(self._seal(data))
            except OSError:
                self._core.connection_lost(self._dead_reason or "the connection broke while sending")
                self._condition.notify_all()

    def _read_loop(self) -> None:
        buffer = bytearray(256 * 1024)
        view = memoryview(buffer)
        sock = self._socket
        while True:
            try:
                count = sock.recv_into(buffer)
            except OSError:
                count = 0
            with self._condition:
                if count == 0:
                    self._core.connection_lost(self._dead_reason or "the server closed the connection")
                else:
                    if self._tls is None:
                        self._core.receive_data(view[:count])
                        self._flush()
                    else:
                        self._receive_tls(view[:count])
                    probe = self._liveness.probe
                    self._liveness.received(probe is not None and self._core.acked(probe))
                if self._core.error is not None:
                    self._closed = True
                    self._condition.notify_all()
                    break
        try:
            sock.close()
        except OSError:
            pass

    def _receive_tls(self, data: memoryview) -> None:
        """Decrypts received bytes into the core. Called with the lock held."""
        try:
            plain, reply = self._tls.decrypt(data)  # type: ignore[union-attr]
            if reply:
                self._socket.sendall(reply)
        except (TLSHandshakeError, EOFError, OSError) as error:
            self._core.connection_lost(f"the connection closed: {error}")
            return
        if plain:
            self._core.receive_data(plain)
        self._flush()

    def start_call(
        self, method: Method, request: bytes, call_open: rpc_pb2.CallOpen, deadline: float | None
    ) -> "SyncCall":
        """Opens a stream and sends the request; waits for a free stream slot and send credit."""
        sink = _QueueSink(self._condition)
        with self._condition:
            while not self._core.can_open_stream():
                self._wait(deadline)
            if deadline is not None:
                call_open.timeout_ms = max(1, int(_remaining(deadline) * 1000))  # type: ignore[operator]
            stream_id = self._core.open_stream(call_open, sink)
            try:
                while not self._core.has_send_credit(stream_id):
                    self._wait(deadline)
                self._core.send_message(stream_id, request, end_stream=True)
            except ATSBridgeError as error:
                self._core.cancel(stream_id, error.status)
                self._flush()
                raise
            self._flush()
        return SyncCall(self, stream_id, sink, method, deadline)

    def _wait(self, deadline: float | None) -> None:
        if self._core.error is not None:
            raise self._core.error
        remaining = _remaining(deadline)
        if remaining is not None and remaining <= 0:
            self.check_alive()
            raise make_error(StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before the call was sent")
        self._condition.wait(remaining)

    def check_alive(self) -> None:
        """Sends a PING (§2.9) unless one is awaiting its ACK or was sent less than a second ago
        (the server limits PINGs). If the ACK does not arrive within ``keepalive_timeout``, the
        peer is taken for frozen: the connection is closed and its calls fail with
        :class:`ConnectionLostError`, so the next call opens a new connection. Called when a
        call's deadline passes, and by :meth:`keepalive`."""
        with self._condition:
            payload = self._liveness.next_probe(closed=self._closed or self._core.error is not None)
            if payload is None:
                return
            self._core.ping(payload)
            self._flush()
        timer = threading.Timer(self._liveness.timeout, self._probe_expired, args=(payload,))
        timer.daemon = True
        timer.start()

    @property
    def keepalive_interval(self) -> float | None:
        """Seconds a waiting caller lets pass without any byte received before it checks the
        connection with a PING (None: never); see :meth:`check_alive`."""
        return self._liveness.interval

    def keepalive(self) -> None:
        """A caller waited ``keepalive_interval`` for its stream: checks the connection if
        nothing at all arrived on it meanwhile."""
        if self._liveness.is_quiet:
            self.check_alive()

    def _probe_expired(self, payload: bytes) -> None:
        if not self._liveness.expired(payload) or self._closed:
            return
        self._dead_reason = self._liveness.dead_reason
        # Shut the socket down before taking the lock: a send blocked on the frozen peer holds it.
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        with self._condition:
            self._core.connection_lost(self._dead_reason)
            self._closed = True
            self._condition.notify_all()

    def consumed(self, stream_id: int) -> None:
        """Grants credit as the caller takes messages."""
        with self._condition:
            self._core.consumed(stream_id)
            self._flush()

    def cancel(self, stream_id: int, code: StatusCode = StatusCode.CANCELLED, message: str = "") -> None:
        """Sends CANCEL (if the stream is still open)."""
        with self._condition:
            self._core.cancel(stream_id, code, message)
            self._flush()
            self._condition.notify_all()  # a caller may be waiting for the freed stream slot

    def forget(self, stream_id: int) -> None:
        """Forgets a stream the server closed."""
        with self._condition:
            self._core.forget(stream_id)
            self._condition.notify_all()

    def close(self) -> None:
        """Cancels every open call and closes the socket."""
        with self._condition:
            if self._closed:
                return
            self._core.cancel_all()
            self._flush()
            self._core.connection_lost("the client closed the connection")
            self._closed = True
            self._condition.notify_all()
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class SyncCall(CallBase):
    """One call's receiving side: messages in order, then the end."""

    __slots__ = ()

    def receive(self) -> bytes | None:
        """The next message's bytes; None after STATUS OK. Raises the call's error."""
        if self.done:
            return None
        deadline = self._deadline
        connection: SyncConnection = self._connection  # type: ignore[assignment]
        while True:
            wait = self._wait(connection.keepalive_interval)
            try:
                item = self._sink.queue.get(timeout=wait)
                break
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    self.done = True
                    connection.cancel(self.stream_id, StatusCode.DEADLINE_EXCEEDED, "client deadline")
                    connection.check_alive()  # a frozen peer must not take every later call with it
                    raise make_error(StatusCode.DEADLINE_EXCEEDED, "the call's deadline passed") from None
                connection.keepalive()
        return self._take(item)


class ResponseStream(Generic[T]):
    """The responses of a server-streaming call, as an iterator.

    Credit is granted as you iterate. Leaving a ``with`` block, calling :meth:`cancel`, or
    dropping the iterator before its end sends CANCEL, so the server stops the handler.
    """

    def __init__(self, call: SyncCall) -> None:
        self._call = call

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        payload = self._call.receive()
        if payload is None:
            raise StopIteration
        return self._call.decode(payload)  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stops the call on the server (no-op once it ended)."""
        self._call.cancel()

    close = cancel

    def __enter__(self) -> "ResponseStream[T]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def __del__(self) -> None:
        try:
            self._call.cancel()
        except Exception:  # noqa: BLE001 - nothing to report to at collection time
            pass
