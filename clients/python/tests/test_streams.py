"""Streams on one connection: cancel, deadlines, concurrency, flow control (checked with the
server's /metrics)."""

from __future__ import annotations

import threading
import time

import pytest

import asyncio

from atsbridge import AsyncClient, CancelledError, Client, DeadlineExceededError

from conftest import ADMIN_KEY, INTEGRATION, Server, wait_until

LIST = "/atsbridge.v1.AtsRead/ListCandidates"
WATCH = "/atsbridge.v1.Changes/Watch"


def test_cancel_mid_stream_reaches_the_server(server: Server) -> None:
    before = server.metric("atsbridge_rpc_calls_total", method=LIST, code="CANCELLED")
    with server.client(initial_credit=4) as client:
        records = client.candidates.list(page_size=1)
        assert next(records).id
        records.cancel()
        assert wait_until(lambda: server.metric("atsbridge_rpc_calls_total", method=LIST, code="CANCELLED") == before + 1)

        # Breaking out of a with block cancels too.
        with client.candidates.list(page_size=1) as records:
            next(records)
        assert wait_until(lambda: server.metric("atsbridge_rpc_calls_total", method=LIST, code="CANCELLED") == before + 2)

        # And so does dropping the iterator.
        for _ in client.candidates.list(page_size=1):
            break
        assert wait_until(lambda: server.metric("atsbridge_rpc_calls_total", method=LIST, code="CANCELLED") == before + 3)
        assert client.ping().server_version  # the connection goes on


def test_slow_consumer_holds_the_server_back(server: Server) -> None:
    credit = 4
    sent = lambda: server.metric("atsbridge_rpc_messages_sent_total", method=LIST)  # noqa: E731
    with server.client(initial_credit=credit) as client:
        total = len(list(client.candidates.list()))
        start = sent()
        records = client.candidates.list(page_size=1)  # a page per candidate
        next(records)
        # Let the server run as far as it can: its count settles at the credit granted.
        last = -1.0
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            now = sent()
            if now == last and now - start >= 1:
                break
            last = now
            time.sleep(0.2)
        assert 1 <= sent() - start <= credit, "the server sends no more than the credit granted"
        assert sum(1 for _ in records) == total - 1
        assert wait_until(lambda: sent() - start == total)


def test_twenty_concurrent_streams_on_one_connection(client: Client) -> None:
    expected = [c.id for c in client.candidates.list(page_size=1)]
    connection = client._connection
    streams = [client.candidates.list(page_size=1) for _ in range(20)]
    seen: list[list[str]] = [[] for _ in streams]
    for _ in range(len(expected)):  # round-robin: every stream needs credit top-ups
        for index, stream in enumerate(streams):
            seen[index].append(next(stream).id)
    for stream in streams:
        with pytest.raises(StopIteration):
            next(stream)
    assert all(ids == expected for ids in seen)
    assert client._connection is connection


def test_twenty_threads_share_the_connection(client: Client) -> None:
    expected = sorted(c.id for c in client.candidates.list())
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(sorted(c.id for c in client.candidates.list(page_size=3)))
            client.ping()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert results == [expected] * 20


def test_stream_deadline(server: Server, client: Client) -> None:
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        for _ in client.watch(timeout=0.5):
            pass
    assert 0.4 < time.monotonic() - started < 5


def test_unary_deadline_is_local_too(client: Client) -> None:
    with pytest.raises(DeadlineExceededError):
        client.candidates.page(page_size=1000, timeout=1e-6)
    assert client.ping().server_version


def test_watch_sees_a_write_and_stops_on_cancel(server: Server, client: Client) -> None:
    before = server.metric("atsbridge_rpc_calls_total", method=WATCH, code="CANCELLED")
    events = client.watch(models=["candidate_tags", "candidates"])
    candidate = next(iter(client.candidates.list()))
    tags = [t.name for t in client.tags.list()]
    missing = next(t for t in tags if t not in {x.name for x in candidate.tags})
    client.add_candidate_tag(candidate.id, missing)
    first = next(events)
    assert first.sequence > 0 and first.ids
    events.cancel()
    assert wait_until(lambda: server.metric("atsbridge_rpc_calls_total", method=WATCH, code="CANCELLED") == before + 1)


def test_closing_the_client_cancels_its_calls(server: Server) -> None:
    before = server.metric("atsbridge_rpc_calls_total", method=WATCH, code="CANCELLED")
    client = server.client()
    events = client.watch()
    client.close()
    with pytest.raises(CancelledError):
        next(events)
    with pytest.raises(CancelledError):
        client.ping()
    assert wait_until(lambda: server.metric("atsbridge_rpc_calls_total", method=WATCH, code="CANCELLED") == before + 1)


def tag_something(client: Client) -> None:
    """Adds a tag the candidate does not have yet: a change event."""
    tags = [t.name for t in client.tags.list()]
    for candidate in client.candidates.list():
        missing = [t for t in tags if t not in {x.name for x in candidate.tags}]
        if missing:
            client.add_candidate_tag(candidate.id, missing[0])
            return
    raise AssertionError("every candidate has every tag")


def test_watch_from_now_announces_its_start(client: Client) -> None:
    with client.watch(announce_start=True) as events:
        assert events.start_sequence is None
        start = events.read_start_sequence()
        assert isinstance(start, int) and events.start_sequence == start
        tag_something(client)
        first = next(events)
        assert first.sequence > start, "the events come after the announced start"
    with client.watch(after_sequence=start, announce_start=True) as again:
        assert again.read_start_sequence() == start
        assert next(again).sequence == first.sequence, "resuming at the start sees the same first event"
    with client.watch(after_sequence=0, timeout=5) as plain:
        next(plain)
        assert plain.start_sequence is None, "no announcement unless asked for"


def test_asyncio_watch_announces_its_start(server: Server, client: Client) -> None:
    async def main() -> tuple[int, int]:
        async with AsyncClient(server.address, api_key=ADMIN_KEY, integration_id=INTEGRATION) as aclient:
            events = aclient.watch(announce_start=True)
            start = await asyncio.wait_for(events.read_start_sequence(), 10)
            await asyncio.get_running_loop().run_in_executor(None, tag_something, client)
            first = await asyncio.wait_for(events.__anext__(), 10)
            events.cancel()
            return start, first.sequence

    start, first = asyncio.run(main())
    assert first > start
