"""The blocking client: :class:`Client`."""

from __future__ import annotations

import os
import ssl
import threading
import time
from datetime import datetime
from pathlib import Path
from types import EllipsisType
from typing import Any, Generic, Iterable, Iterator, TypeVar

from google.protobuf.message import Message

from . import _models
from ._export import ExportWriter
from ._methods import METHODS, Method
from ._protocol import ClientSettings, ConnectionLostError, NotProcessedError
from ._status import ATSBridgeError, StatusCode, make_error
from ._sync import ResponseStream, SyncCall, SyncConnection
from ._tls import make_context
from .v1 import admin_pb2, rpc_pb2, write_pb2

T = TypeVar("T", bound=Message)

#: Default server address, as the CLI's.
DEFAULT_ADDRESS = "127.0.0.1:7420"


def parse_address(address: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` too) as a host and a port."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"server address {address!r} is not HOST:PORT")
    return host.strip("[]") or "127.0.0.1", int(port)


class ClientOptions:
    """Settings shared by :class:`Client` and :class:`~atsbridge.aio.AsyncClient`."""

    def __init__(
        self,
        address: str | None,
        api_key: str | None,
        integration_id: str | None,
        timeout: float | None,
        connect_timeout: float,
        initial_credit: int,
        tls: bool | None = None,
        ca: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        server_hostname: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        keepalive_interval: float | None = 30.0,
        keepalive_timeout: float = 5.0,
    ) -> None:
        _check_timeout("timeout", timeout)
        if connect_timeout is None or connect_timeout <= 0:
            raise ValueError(f"connect_timeout must be positive, not {connect_timeout!r}")
        if keepalive_interval is not None and keepalive_interval <= 0:
            raise ValueError(f"keepalive_interval must be positive or None, not {keepalive_interval!r}")
        if keepalive_timeout is None or keepalive_timeout <= 0:
            raise ValueError(f"keepalive_timeout must be positive, not {keepalive_timeout!r}")
        self.keepalive_interval = keepalive_interval
        self.keepalive_timeout = keepalive_timeout
        self.ssl_context = make_context(tls, ca, client_cert, client_key, ssl_context)
        self.server_hostname = server_hostname
        self.address = address or os.environ.get("ATSBRIDGE_SERVER") or DEFAULT_ADDRESS
        self.host, self.port = parse_address(self.address)
        self.api_key = api_key if api_key is not None else os.environ.get("ATSBRIDGE_API_KEY")
        self.integration_id = (
            integration_id if integration_id is not None else os.environ.get("ATSBRIDGE_INTEGRATION")
        )
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        if not 1 <= initial_credit <= 2**31 - 1:
            raise ValueError("initial_credit must be from 1 to 2^31-1")
        self.settings = ClientSettings(initial_credit=initial_credit)

    def deadline(self, timeout: float | None | EllipsisType) -> float | None:
        """The monotonic deadline for a call's timeout (``...`` means the client's default). A
        negative timeout is a ValueError."""
        seconds = self.timeout if timeout is ... else timeout
        _check_timeout("timeout", seconds)
        return None if seconds is None else time.monotonic() + seconds


def _check_timeout(name: str, seconds: object) -> None:
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))):
        raise TypeError(f"{name} must be a number of seconds or None, not {seconds!r}")
    if seconds is not None and seconds < 0:  # type: ignore[operator]
        raise ValueError(f"{name} must not be negative, not {seconds!r}")


def is_retryable(
    method: Method, request: Message, error: ATSBridgeError, idempotency_key: str | None = None
) -> bool:
    """Whether a failed call may run again on a new connection: the server did not process it,
    or it is safe to repeat (a read, or a write with an idempotency key, in the request or in
    the call's ``idempotency_key``) and the connection broke."""
    if isinstance(error, NotProcessedError):
        return True
    if isinstance(error, ConnectionLostError):
        return method.read_only or bool(idempotency_key) or _models.idempotency_key_of(request) is not None
    return False


def _resume_request(
    request: Message, received: bool, page_cursor: str | None, error: ConnectionLostError
) -> Message:
    """The request that continues a list whose connection dropped: the same one if no page
    arrived, else one from the last page's cursor. After the last page (no cursor) nothing is
    left to fetch, but the end was not confirmed: the drop is raised, as the list cannot tell
    it finished."""
    if not received:
        return request
    if page_cursor is None:
        raise ConnectionLostError(
            f"{error.message} after the last page, before the server confirmed the end of the list"
        ) from error
    return _models.with_cursor(request, page_cursor)


class Client:
    """A blocking client of an ATSBridge server.

    One TCP connection, opened on the first call, carries every call (threads may share the
    client); it is reopened by the next call after it dropped. Server streams are iterators that
    grant credit as you consume them.

    >>> with Client("127.0.0.1:7420", api_key="demo-key-change-me-0001", integration_id="demo") as c:
    ...     for candidate in c.candidates.list(page_size=500):
    ...         print(candidate.id)

    ``address``, ``api_key`` and ``integration_id`` default to ``$ATSBRIDGE_SERVER``,
    ``$ATSBRIDGE_API_KEY`` and ``$ATSBRIDGE_INTEGRATION``. ``timeout`` (seconds, default 30) is
    each unary call's deadline; streams have none unless given one. ``connect_timeout`` bounds
    the TCP connect and the handshake; a connection that cannot be made is not retried.

    Dead connections: when a call's deadline passes, or a call has waited ``keepalive_interval``
    seconds (default 30, ``None`` for never) with nothing received on the connection, the client
    sends a PING; without its answer within ``keepalive_timeout`` seconds (default 5) the
    connection is closed, its calls fail with :class:`~atsbridge.ConnectionLostError` and the
    next call opens a new one.

    TLS: ``tls=True`` (or ``$ATSBRIDGE_TLS=1``) connects with TLS, trusting the system's CAs or
    ``ca`` (a PEM file, ``$ATSBRIDGE_CA``); ``client_cert`` and ``client_key`` (``$ATSBRIDGE_CLIENT_CERT``,
    ``$ATSBRIDGE_CLIENT_KEY``) answer servers that require a client certificate. A CA or a
    client certificate implies TLS. ``server_hostname`` is the name to verify when it is not the
    address's host; ``ssl_context`` replaces all of these with a context of your own. A refused
    handshake raises :class:`~atsbridge.TLSHandshakeError` and is not retried.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        api_key: str | None = None,
        integration_id: str | None = None,
        timeout: float | None = 30.0,
        connect_timeout: float = 10.0,
        initial_credit: int = 32,
        tls: bool | None = None,
        ca: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        server_hostname: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        keepalive_interval: float | None = 30.0,
        keepalive_timeout: float = 5.0,
    ) -> None:
        self.options = ClientOptions(
            address, api_key, integration_id, timeout, connect_timeout, initial_credit,
            tls, ca, client_cert, client_key, server_hostname, ssl_context, keepalive_interval, keepalive_timeout,
        )
        self._lock = threading.Lock()
        self._connection: SyncConnection | None = None
        self._old: list[SyncConnection] = []
        self._closed = False
        for name, model in _models.MODELS.items():
            setattr(self, name, Resource(self, model))

    users: "Resource"
    jobs: "Resource"
    candidates: "Resource"
    application_stages: "Resource"
    applications: "Resource"
    tags: "Resource"
    candidate_tags: "Resource"
    job_application_stages: "Resource"
    job_hiring_team_members: "Resource"

    # Connection

    def _current(self) -> SyncConnection:
        with self._lock:
            if self._closed:
                raise make_error(StatusCode.CANCELLED, "the client is closed")
            connection = self._connection
            if connection is None or not connection.accepts_calls:
                self._old = [c for c in self._old if not c.closed]
                if connection is not None:
                    self._old.append(connection)  # its running calls finish on it
                    self._connection = None
                connection = SyncConnection(
                    self.options.host, self.options.port, self.options.settings, self.options.connect_timeout,
                    self.options.ssl_context, self.options.server_hostname,
                    self.options.keepalive_interval, self.options.keepalive_timeout,
                )
                self._connection = connection
            return connection

    def close(self) -> None:
        """Cancels every open call and closes the connection."""
        with self._lock:
            self._closed = True
            connections = [c for c in [self._connection, *self._old] if c is not None]
            self._connection, self._old = None, []
        for connection in connections:
            connection.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Generic calls

    def _start(
        self, connection: SyncConnection, method: Method, request: Message, deadline: float | None,
        idempotency_key: str | None, metadata: dict[str, str] | None, request_id: str | None,
        integration_id: str | None,
    ) -> SyncCall:
        call_open = _models.call_open(
            method, self.options.api_key, integration_id or self.options.integration_id, idempotency_key,
            metadata, request_id,
        )
        return connection.start_call(method, request.SerializeToString(), call_open, deadline)

    def call(
        self,
        method: str | Method,
        request: Message,
        *,
        timeout: float | None | EllipsisType = ...,
        idempotency_key: str | None = None,
        metadata: dict[str, str] | None = None,
        request_id: str | None = None,
        integration_id: str | None = None,
    ) -> Any:
        """Calls a unary method (``"/atsbridge.v1.AtsRead/GetCandidate"``) and returns its
        response. Retried once on a new connection when that is safe (see :func:`is_retryable`)."""
        spec = METHODS[method] if isinstance(method, str) else method
        if spec.server_streaming:
            raise TypeError(f"{spec.name} is server-streaming; use stream()")
        deadline = self.options.deadline(timeout)
        for attempt in range(2):
            # A connection that cannot be made (refused, no handshake within connect_timeout, not
            # an ATSBridge server, TLS refused) fails the call at once: trying again cannot help.
            connection = self._current()
            try:
                call = self._start(
                    connection, spec, request, deadline, idempotency_key, metadata, request_id, integration_id
                )
                try:
                    payload = call.receive()
                    if payload is None:
                        raise make_error(StatusCode.INTERNAL, f"{spec.name} ended without a response")
                    response = call.decode(payload)
                    if call.receive() is not None:
                        call.cancel(StatusCode.INTERNAL)
                        raise make_error(StatusCode.INTERNAL, f"{spec.name} sent a second response")
                finally:
                    call.cancel()
                return response
            except ATSBridgeError as error:
                if attempt == 0 and is_retryable(spec, request, error, idempotency_key) and not self._closed:
                    continue
                raise
        raise AssertionError("unreachable")

    def stream(
        self,
        method: str | Method,
        request: Message,
        *,
        timeout: float | None = None,
        metadata: dict[str, str] | None = None,
        request_id: str | None = None,
        integration_id: str | None = None,
    ) -> ResponseStream[Any]:
        """Calls a server-streaming method; iterate the result. ``timeout`` (seconds) bounds the
        whole stream; default none."""
        spec = METHODS[method] if isinstance(method, str) else method
        if not spec.server_streaming:
            raise TypeError(f"{spec.name} is unary; use call()")
        deadline = self.options.deadline(timeout)
        try:
            call = self._start(self._current(), spec, request, deadline, None, metadata, request_id, integration_id)
        except NotProcessedError:
            call = self._start(self._current(), spec, request, deadline, None, metadata, request_id, integration_id)
        return ResponseStream(call)

    # Conveniences

    def ping(self, payload: bytes = b"", *, timeout: float | None | EllipsisType = ...) -> rpc_pb2.PingResponse:
        """``Health/Ping``: needs no key; returns the echoed payload, server time and version."""
        request = rpc_pb2.PingRequest(payload=payload) if payload else rpc_pb2.PingRequest()
        return self.call("/atsbridge.v1.Health/Ping", request, timeout=timeout)  # type: ignore[no-any-return]

    def watch(
        self, *, after_sequence: int | None = None, models: Iterable[str] | None = None,
        timeout: float | None = None, announce_start: bool = False,
    ) -> "EventIterator":
        """The change stream: :class:`~atsbridge.v1.admin_pb2.ChangeEvent` objects after
        ``after_sequence`` (absent: from now on), then live, until you stop iterating (which
        cancels the call). With ``announce_start=True`` the server first tells where the stream
        starts: :meth:`EventIterator.read_start_sequence` returns it (and
        ``EventIterator.start_sequence`` holds it once known), the resume point to save before
        any event arrives."""
        request = _models.watch_request(after_sequence, models, announce_start)
        return EventIterator(self.stream("/atsbridge.v1.Changes/Watch", request, timeout=timeout))

    def create_candidate(
        self,
        candidate: write_pb2.CandidateInput | dict[str, Any],
        *,
        job_id: str | None = None,
        stage_id: str | None = None,
        attachments: Iterable[write_pb2.AttachmentInput | dict[str, Any]] = (),
        source: str | None = None,
        gdpr_consent_until: datetime | int | None = None,
        idempotency_key: str | None = None,
        timeout: float | None | EllipsisType = ...,
    ) -> write_pb2.CreateCandidateResponse:
        """Creates a candidate with one application to ``job_id`` (docs/writes.md). With an
        ``idempotency_key`` a retry returns the first result; without one it is never retried."""
        request = _models.create_candidate_request(
            candidate, job_id=job_id, stage_id=stage_id, attachments=attachments, source=source,
            gdpr_consent_until=gdpr_consent_until, idempotency_key=idempotency_key,
        )
        return self.call("/atsbridge.v1.AtsWrite/CreateCandidate", request, timeout=timeout)  # type: ignore[no-any-return]

    def create_application(
        self,
        job_id: str,
        candidate: write_pb2.CandidateInput | dict[str, Any],
        *,
        stage_id: str | None = None,
        attachments: Iterable[write_pb2.AttachmentInput | dict[str, Any]] = (),
        source: str | None = None,
        gdpr_consent_until: datetime | int | None = None,
        idempotency_key: str | None = None,
        timeout: float | None | EllipsisType = ...,
    ) -> write_pb2.CreateApplicationResponse:
        """Applies a (new or existing) candidate to a job: ``job_id`` is an ATSBridge id or
        ``remote:<RECRU project id>``; ``candidate`` needs first_name, last_name, email_address."""
        request = _models.create_application_request(
            job_id, candidate, stage_id=stage_id, attachments=attachments, source=source,
            gdpr_consent_until=gdpr_consent_until, idempotency_key=idempotency_key,
        )
        return self.call("/atsbridge.v1.AtsWrite/CreateApplication", request, timeout=timeout)  # type: ignore[no-any-return]

    def add_candidate_tag(
        self, candidate_id: str, tag_name: str, *, idempotency_key: str | None = None,
        timeout: float | None | EllipsisType = ...,
    ) -> write_pb2.AddCandidateTagResponse:
        """Assigns an existing RECRU tag (by name) to a candidate; NOT_FOUND for an unknown tag."""
        request = _models.add_candidate_tag_request(candidate_id, tag_name, idempotency_key=idempotency_key)
        return self.call("/atsbridge.v1.AtsWrite/AddCandidateTag", request, timeout=timeout)  # type: ignore[no-any-return]


class EventIterator:
    """Change events, flattened from the stream's batches. ``cancel()`` or a ``with`` block ends
    the call.

    ``start_sequence`` is None until a batch announcing the stream's start arrives (only when
    the watch asked for ``announce_start``): then the sequence the stream resumes after."""

    def __init__(self, stream: ResponseStream[admin_pb2.ChangeEventBatch]) -> None:
        self._stream = stream
        self._pending: list[admin_pb2.ChangeEvent] = []
        self.start_sequence: int | None = None

    def __iter__(self) -> "EventIterator":
        return self

    def __next__(self) -> admin_pb2.ChangeEvent:
        while not self._pending:
            self._take(next(self._stream))
        return self._pending.pop()

    def _take(self, batch: admin_pb2.ChangeEventBatch) -> None:
        if batch.HasField("start_sequence"):
            self.start_sequence = batch.start_sequence
        self._pending = list(batch.events)
        self._pending.reverse()

    def read_start_sequence(self) -> int:
        """Waits for the announcement of a ``watch(announce_start=True)`` and returns
        ``start_sequence`` (events after it stay queued for iteration). Raises the call's error,
        or :class:`RuntimeError` if the stream ended without announcing its start."""
        while self.start_sequence is None:
            if self._pending:
                raise RuntimeError("the watch did not announce its start (pass announce_start=True)")
            try:
                self._take(next(self._stream))
            except StopIteration:
                raise RuntimeError("the watch ended without announcing its start") from None
        return self.start_sequence

    def cancel(self) -> None:
        """Ends the call on the server."""
        self._stream.cancel()

    def __enter__(self) -> "EventIterator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


class RecordIterator(Generic[T]):
    """Records of a list, across every page. ``cursor`` is the resume cursor after the last page
    whose records were all returned (pass it as ``cursor=`` to continue later; None once the
    last page was returned). If the connection drops mid-list, the list resumes from that
    cursor on a new connection (once per drop); a drop before the first page restarts the list.
    A drop after the last page but before the server confirmed the end raises
    :class:`~atsbridge.ConnectionLostError`: there is nothing left to resume, and the list's
    outcome is unconfirmed. ``cancel()``, leaving a ``with`` block or dropping the iterator ends
    the call."""

    def __init__(self, client: Client, model: _models.Model, request: Message, timeout: float | None) -> None:
        self._client = client
        self._model = model
        self._request = request
        self._timeout = timeout
        self._stream: ResponseStream[Any] = client.stream(model.list_method, request, timeout=timeout)
        self._items: list[Any] = []
        self._index = 0
        self._received = False  # whether a page arrived (and was, or is being, handed out)
        self._page_cursor: str | None = None  # next_cursor of the last page received
        self.cursor: str | None = None

    def __iter__(self) -> "RecordIterator[T]":
        return self

    def __next__(self) -> T:
        while self._index >= len(self._items):
            if self._received:
                self.cursor = self._page_cursor
            self._items = self._next_page().items
            self._index = 0
        item = self._items[self._index]
        self._index += 1
        return item  # type: ignore[no-any-return]

    def pages(self) -> Iterator[Any]:
        """The remaining pages themselves (each with ``items`` and ``next_cursor``)."""
        while True:
            try:
                page = self._next_page()
            except StopIteration:
                return
            self.cursor = self._page_cursor
            yield page

    def _next_page(self) -> Any:
        """The next page; only called once the previous one was handed out whole."""
        try:
            page = next(self._stream)
        except ConnectionLostError as error:
            request = _resume_request(self._request, self._received, self._page_cursor, error)
            self._stream = self._client.stream(self._model.list_method, request, timeout=self._timeout)
            page = next(self._stream)
        self._received = True
        self._page_cursor = page.next_cursor if page.HasField("next_cursor") else None
        return page

    def cancel(self) -> None:
        """Ends the call on the server."""
        self._stream.cancel()

    def __enter__(self) -> "RecordIterator[T]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


class Resource:
    """Reads of one model: ``client.candidates.list(...)``, ``.get(id)``, ``.page(...)``,
    ``.export_to(path)``."""

    def __init__(self, client: Client, model: _models.Model) -> None:
        self._client = client
        self.model = model

    def list(
        self,
        *,
        updated_after: datetime | int | None = None,
        include_deleted: bool = False,
        ids: Iterable[str] | None = None,
        remote_ids: Iterable[str] | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
        timeout: float | None = None,
        **filters: Any,
    ) -> RecordIterator[Any]:
        """Every matching record, across pages. ``updated_after`` is a ``datetime`` (naive means
        UTC) or ms; ``filters`` are the model's own (candidates: ``email``, ``job_ids``,
        ``first_name``, ``last_name``; jobs: ``statuses``, ``employment_types``,
        ``visibilities``, ``name_contains``, ``job_codes``; applications: ``outcomes``,
        ``job_ids``, ``job_remote_ids``, ``current_stage_ids``; users: ``emails``; jobs,
        candidates and applications: ``remote_created_after``). Enum filters take names such as
        ``"OPEN"``. A filter on a field the integration does not provide (``job_codes``,
        ``remote_created_after`` for RECRU) matches nothing unless
        ``ignore_unsupported_filters=True``, which ignores it. ``order="STORAGE"`` returns the
        records in the order the server reads fastest (for bulk reads; cursors then resume only
        that order); the default is id order."""
        request = _models.list_request(
            self.model, updated_after=updated_after, include_deleted=include_deleted, ids=ids,
            remote_ids=remote_ids, page_size=page_size, cursor=cursor, **filters,
        )
        return RecordIterator(self._client, self.model, request, timeout)

    def page(
        self,
        *,
        updated_after: datetime | int | None = None,
        include_deleted: bool = False,
        ids: Iterable[str] | None = None,
        remote_ids: Iterable[str] | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
        timeout: float | None | EllipsisType = ...,
        **filters: Any,
    ) -> Any:
        """One page (``items`` and ``next_cursor``), with the same filters as :meth:`list`."""
        request = _models.list_request(
            self.model, updated_after=updated_after, include_deleted=include_deleted, ids=ids,
            remote_ids=remote_ids, page_size=page_size, cursor=cursor, **filters,
        )
        return self._client.call(self.model.page_method, request, timeout=timeout)

    def get(
        self, id: str, *, include_deleted: bool = False, timeout: float | None | EllipsisType = ...
    ) -> Any:
        """One record by ATSBridge id; raises :class:`~atsbridge.NotFoundError` if absent, or if it
        was deleted in RECRU and ``include_deleted`` is false (as lists hide it)."""
        from .v1 import read_pb2

        request = read_pb2.GetRequest(id=id, include_deleted=True) if include_deleted else read_pb2.GetRequest(id=id)
        return self._client.call(self.model.get_method, request, timeout=timeout)

    def export_to(self, path: str | os.PathLike[str], format: str = "ndjson", **list_options: Any) -> int:
        """Writes every matching record to ``path`` and returns the count. ``format`` is
        ``"ndjson"`` (the CLI's JSON shape, one record a line) or ``"protobuf"`` (each record as a
        varint length and its bytes, as ``atsbridge export --format protobuf`` writes). Records
        come in the order the server reads fastest unless ``order="ID"`` is given.

        A dropped connection resumes from the last page's cursor, as :meth:`list` does. The file
        is truncated first and neither synced (no fsync) nor given a resume point, unlike
        ``atsbridge export``: if ``export_to`` raises, the file is incomplete; run it again."""
        list_options.setdefault("order", "STORAGE")
        writer = ExportWriter(Path(path), format)  # checks the format before anything is sent
        with self.list(**list_options) as records, writer:
            for page in records.pages():
                writer.write_page(page.items)
            return writer.count
