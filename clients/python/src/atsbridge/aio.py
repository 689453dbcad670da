"""The asyncio client: :class:`AsyncClient`, the same shape as :class:`~atsbridge.Client` with
``await`` and ``async for``."""

from __future__ import annotations

import asyncio
import os
import ssl
from datetime import datetime
from pathlib import Path
from types import EllipsisType
from typing import Any, AsyncIterator, Generic, Iterable, TypeVar

from google.protobuf.message import Message

from . import _models
from ._async import AsyncCall, AsyncConnection, AsyncResponseStream
from ._export import ExportWriter
from ._methods import METHODS, Method
from ._protocol import ConnectionLostError, NotProcessedError
from ._status import ATSBridgeError, StatusCode, make_error
from .client import ClientOptions, _resume_request, is_retryable
from .v1 import admin_pb2, read_pb2, rpc_pb2, write_pb2

T = TypeVar("T", bound=Message)


class AsyncClient:
    """An asyncio client of an ATSBridge server; see :class:`~atsbridge.Client` for the options.

    >>> async with AsyncClient("127.0.0.1:7420", api_key=key, integration_id="demo") as c:
    ...     async for candidate in c.candidates.list():
    ...         print(candidate.id)

    Use it from one event loop. Server streams are async iterators.
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
        self._connection: AsyncConnection | None = None
        self._old: list[AsyncConnection] = []
        self._connecting: asyncio.Lock | None = None
        self._closed = False
        for name, model in _models.MODELS.items():
            setattr(self, name, AsyncResource(self, model))

    users: "AsyncResource"
    jobs: "AsyncResource"
    candidates: "AsyncResource"
    application_stages: "AsyncResource"
    applications: "AsyncResource"
    tags: "AsyncResource"
    candidate_tags: "AsyncResource"
    job_application_stages: "AsyncResource"
    job_hiring_team_members: "AsyncResource"

    async def _current(self) -> AsyncConnection:
        if self._closed:
            raise make_error(StatusCode.CANCELLED, "the client is closed")
        connection = self._connection
        if connection is not None and connection.accepts_calls:
            return connection
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            connection = self._connection
            if connection is None or not connection.accepts_calls:
                self._old = [c for c in self._old if not c.closed]
                if connection is not None:
                    self._old.append(connection)
                    self._connection = None
                connection = await AsyncConnection.open(
                    self.options.host, self.options.port, self.options.settings, self.options.connect_timeout,
                    self.options.ssl_context, self.options.server_hostname,
                    self.options.keepalive_interval, self.options.keepalive_timeout,
                )
                self._connection = connection
            return connection

    async def close(self) -> None:
        """Cancels every open call and closes the connection."""
        self._closed = True
        connections = [c for c in [self._connection, *self._old] if c is not None]
        self._connection, self._old = None, []
        for connection in connections:
            await connection.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _start(
        self, connection: AsyncConnection, method: Method, request: Message, deadline: float | None,
        idempotency_key: str | None, metadata: dict[str, str] | None, request_id: str | None,
        integration_id: str | None,
    ) -> AsyncCall:
        call_open = _models.call_open(
            method, self.options.api_key, integration_id or self.options.integration_id, idempotency_key,
            metadata, request_id,
        )
        return await connection.start_call(method, request.SerializeToString(), call_open, deadline)

    async def call(
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
        """Calls a unary method and returns its response (retried once when safe)."""
        spec = METHODS[method] if isinstance(method, str) else method
        if spec.server_streaming:
            raise TypeError(f"{spec.name} is server-streaming; use stream()")
        deadline = self.options.deadline(timeout)
        for attempt in range(2):
            connection = await self._current()  # a connection that cannot be made is not retried
            try:
                call = await self._start(
                    connection, spec, request, deadline, idempotency_key, metadata, request_id, integration_id
                )
                try:
                    payload = await call.receive()
                    if payload is None:
                        raise make_error(StatusCode.INTERNAL, f"{spec.name} ended without a response")
                    response = call.decode(payload)
                    if await call.receive() is not None:
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

    async def stream(
        self,
        method: str | Method,
        request: Message,
        *,
        timeout: float | None = None,
        metadata: dict[str, str] | None = None,
        request_id: str | None = None,
        integration_id: str | None = None,
    ) -> AsyncResponseStream[Any]:
        """Calls a server-streaming method; ``async for`` over the result."""
        spec = METHODS[method] if isinstance(method, str) else method
        if not spec.server_streaming:
            raise TypeError(f"{spec.name} is unary; use call()")
        deadline = self.options.deadline(timeout)
        try:
            call = await self._start(
                await self._current(), spec, request, deadline, None, metadata, request_id, integration_id
            )
        except NotProcessedError:
            call = await self._start(
                await self._current(), spec, request, deadline, None, metadata, request_id, integration_id
            )
        return AsyncResponseStream(call)

    async def ping(self, payload: bytes = b"", *, timeout: float | None | EllipsisType = ...) -> rpc_pb2.PingResponse:
        """``Health/Ping``: needs no key."""
        request = rpc_pb2.PingRequest(payload=payload) if payload else rpc_pb2.PingRequest()
        return await self.call("/atsbridge.v1.Health/Ping", request, timeout=timeout)  # type: ignore[no-any-return]

    def watch(
        self, *, after_sequence: int | None = None, models: Iterable[str] | None = None,
        timeout: float | None = None, announce_start: bool = False,
    ) -> "AsyncEventIterator":
        """The change stream as an async iterator of ChangeEvent (see
        :meth:`atsbridge.Client.watch`; ``await events.read_start_sequence()`` with
        ``announce_start=True``)."""
        request = _models.watch_request(after_sequence, models, announce_start)
        return AsyncEventIterator(self, request, timeout)

    async def create_candidate(
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
        """Creates a candidate with one application (see :meth:`atsbridge.Client.create_candidate`)."""
        request = _models.create_candidate_request(
            candidate, job_id=job_id, stage_id=stage_id, attachments=attachments, source=source,
            gdpr_consent_until=gdpr_consent_until, idempotency_key=idempotency_key,
        )
        return await self.call("/atsbridge.v1.AtsWrite/CreateCandidate", request, timeout=timeout)  # type: ignore[no-any-return]

    async def create_application(
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
        """Applies a candidate to a job (see :meth:`atsbridge.Client.create_application`)."""
        request = _models.create_application_request(
            job_id, candidate, stage_id=stage_id, attachments=attachments, source=source,
            gdpr_consent_until=gdpr_consent_until, idempotency_key=idempotency_key,
        )
        return await self.call("/atsbridge.v1.AtsWrite/CreateApplication", request, timeout=timeout)  # type: ignore[no-any-return]

    async def add_candidate_tag(
        self, candidate_id: str, tag_name: str, *, idempotency_key: str | None = None,
        timeout: float | None | EllipsisType = ...,
    ) -> write_pb2.AddCandidateTagResponse:
        """Assigns an existing RECRU tag to a candidate."""
        request = _models.add_candidate_tag_request(candidate_id, tag_name, idempotency_key=idempotency_key)
        return await self.call("/atsbridge.v1.AtsWrite/AddCandidateTag", request, timeout=timeout)  # type: ignore[no-any-return]


class AsyncEventIterator:
    """Change events as an async iterator; the call opens on the first ``__anext__`` (or
    :meth:`read_start_sequence`). ``start_sequence`` as in :class:`atsbridge.client.EventIterator`."""

    def __init__(self, client: AsyncClient, request: admin_pb2.WatchRequest, timeout: float | None) -> None:
        self._client = client
        self._request = request
        self._timeout = timeout
        self._stream: AsyncResponseStream[admin_pb2.ChangeEventBatch] | None = None
        self._pending: list[admin_pb2.ChangeEvent] = []
        self.start_sequence: int | None = None

    def __aiter__(self) -> "AsyncEventIterator":
        return self

    async def __anext__(self) -> admin_pb2.ChangeEvent:
        while not self._pending:
            await self._next_batch()
        return self._pending.pop()

    async def _next_batch(self) -> None:
        if self._stream is None:
            self._stream = await self._client.stream("/atsbridge.v1.Changes/Watch", self._request, timeout=self._timeout)
        batch = await self._stream.__anext__()
        if batch.HasField("start_sequence"):
            self.start_sequence = batch.start_sequence
        self._pending = list(batch.events)
        self._pending.reverse()

    async def read_start_sequence(self) -> int:
        """Waits for the announcement of a ``watch(announce_start=True)`` and returns
        ``start_sequence``; see :meth:`atsbridge.client.EventIterator.read_start_sequence`."""
        while self.start_sequence is None:
            if self._pending:
                raise RuntimeError("the watch did not announce its start (pass announce_start=True)")
            try:
                await self._next_batch()
            except StopAsyncIteration:
                raise RuntimeError("the watch ended without announcing its start") from None
        return self.start_sequence

    def cancel(self) -> None:
        """Ends the call on the server."""
        if self._stream is not None:
            self._stream.cancel()

    async def __aenter__(self) -> "AsyncEventIterator":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.cancel()


class AsyncRecordIterator(Generic[T]):
    """Records of a list across pages, as an async iterator (see
    :class:`atsbridge.client.RecordIterator`, also for what a dropped connection does). The call
    opens on the first ``__anext__``."""

    def __init__(self, client: AsyncClient, model: _models.Model, request: Message, timeout: float | None) -> None:
        self._client = client
        self._model = model
        self._request = request
        self._timeout = timeout
        self._stream: AsyncResponseStream[Any] | None = None
        self._items: list[Any] = []
        self._index = 0
        self._received = False
        self._page_cursor: str | None = None
        self.cursor: str | None = None

    def __aiter__(self) -> "AsyncRecordIterator[T]":
        return self

    async def __anext__(self) -> T:
        while self._index >= len(self._items):
            if self._received:
                self.cursor = self._page_cursor
            self._items = (await self._next_page()).items
            self._index = 0
        item = self._items[self._index]
        self._index += 1
        return item  # type: ignore[no-any-return]

    async def pages(self) -> AsyncIterator[Any]:
        """The remaining pages themselves."""
        while True:
            try:
                page = await self._next_page()
            except StopAsyncIteration:
                return
            self.cursor = self._page_cursor
            yield page

    async def _next_page(self) -> Any:
        if self._stream is None:
            self._stream = await self._client.stream(self._model.list_method, self._request, timeout=self._timeout)
        try:
            page = await self._stream.__anext__()
        except ConnectionLostError as error:
            request = _resume_request(self._request, self._received, self._page_cursor, error)
            self._stream = await self._client.stream(self._model.list_method, request, timeout=self._timeout)
            page = await self._stream.__anext__()
        self._received = True
        self._page_cursor = page.next_cursor if page.HasField("next_cursor") else None
        return page

    def cancel(self) -> None:
        """Ends the call on the server."""
        if self._stream is not None:
            self._stream.cancel()

    async def __aenter__(self) -> "AsyncRecordIterator[T]":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.cancel()


class AsyncResource:
    """Reads of one model, the async twin of :class:`atsbridge.client.Resource`."""

    def __init__(self, client: AsyncClient, model: _models.Model) -> None:
        self._client = client
        self.model = model

    def list(self, *, timeout: float | None = None, **options: Any) -> AsyncRecordIterator[Any]:
        """Every matching record across pages; the options and filters of
        :meth:`atsbridge.client.Resource.list`."""
        request = _models.list_request(self.model, **options)
        return AsyncRecordIterator(self._client, self.model, request, timeout)

    async def page(self, *, timeout: float | None | EllipsisType = ..., **options: Any) -> Any:
        """One page (``items`` and ``next_cursor``)."""
        request = _models.list_request(self.model, **options)
        return await self._client.call(self.model.page_method, request, timeout=timeout)

    async def get(
        self, id: str, *, include_deleted: bool = False, timeout: float | None | EllipsisType = ...
    ) -> Any:
        """One record by ATSBridge id; raises :class:`~atsbridge.NotFoundError` if absent, or if it
        was deleted in RECRU and ``include_deleted`` is false (as lists hide it)."""
        request = read_pb2.GetRequest(id=id, include_deleted=True) if include_deleted else read_pb2.GetRequest(id=id)
        return await self._client.call(self.model.get_method, request, timeout=timeout)

    async def export_to(self, path: str | os.PathLike[str], format: str = "ndjson", **list_options: Any) -> int:
        """Writes every matching record to ``path`` (``"ndjson"`` or ``"protobuf"``); returns the
        count, in the order the server reads fastest unless ``order="ID"`` is given. File writes
        are small and buffered; they run on the loop. No fsync and no resume point, as
        :meth:`atsbridge.client.Resource.export_to`: after an error, run it again."""
        list_options.setdefault("order", "STORAGE")
        writer = ExportWriter(Path(path), format)
        records = self.list(**list_options)
        with writer:
            async with records:
                async for page in records.pages():
                    writer.write_page(page.items)
            return writer.count


__all__ = ["AsyncClient", "AsyncResource", "AsyncRecordIterator", "AsyncEventIterator", "ATSBridgeError"]
