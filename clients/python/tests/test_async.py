"""AsyncClient: the same behaviour with asyncio (no plugin: each test runs its own loop)."""

from __future__ import annotations

import asyncio
import gc
import json
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

from atsbridge import (
    AsyncClient,
    DeadlineExceededError,
    InvalidArgumentError,
    NotFoundError,
    UnauthenticatedError,
    UnavailableError,
    to_dict,
)
from atsbridge.v1 import models_pb2
from atsbridge._export import read_delimited

from conftest import ADMIN_KEY, INTEGRATION, WRITE_KEY, Server, wait_until

LIST = "/atsbridge.v1.AtsRead/ListCandidates"


def run(server: Server, body: Callable[[AsyncClient], Awaitable[Any]], key: str = ADMIN_KEY, **options: Any) -> Any:
    async def main() -> Any:
        async with AsyncClient(server.address, api_key=key, integration_id=INTEGRATION, **options) as client:
            return await asyncio.wait_for(body(client), 60)

    return asyncio.run(main())


def test_reads(server: Server) -> None:
    async def body(client: AsyncClient) -> None:
        assert (await client.ping(b"abc")).payload == b"abc"
        ids = [c.id async for c in client.candidates.list(page_size=7)]
        assert len(ids) == len(set(ids)) >= 60
        for model in ("users", "jobs", "applications", "tags", "candidate_tags", "application_stages",
                      "job_application_stages", "job_hiring_team_members"):
            resource = getattr(client, model)
            records = [r async for r in resource.list(page_size=5)]
            assert records and await resource.get(records[-1].id) == records[-1]
            page = await resource.page(page_size=2)
            assert list(page.items) == records[:2]
        with pytest.raises(NotFoundError):
            await client.jobs.get("1111111111111111111111zz")

    run(server, body)


def test_twenty_concurrent_streams(server: Server) -> None:
    async def body(client: AsyncClient) -> None:
        async def one() -> list[str]:
            return [c.id async for c in client.candidates.list(page_size=1)]

        expected = await one()
        connection = client._connection
        results = await asyncio.gather(*(one() for _ in range(20)))
        assert results == [expected] * 20
        assert client._connection is connection

    run(server, body)


def test_cancel_by_task_cancellation_break_and_context(server: Server) -> None:
    cancelled = lambda: server.metric("atsbridge_rpc_calls_total", method=LIST, code="CANCELLED")  # noqa: E731
    before = cancelled()

    async def body(client: AsyncClient) -> None:
        async def consume_slowly() -> None:
            async for _ in client.candidates.list(page_size=1):
                await asyncio.sleep(10)

        task = asyncio.create_task(consume_slowly())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.to_thread(wait_until, lambda: cancelled() == before + 1)

        async with client.candidates.list(page_size=1) as records:
            await records.__anext__()
        await asyncio.to_thread(wait_until, lambda: cancelled() == before + 2)

        async for _ in client.candidates.list(page_size=1):
            break
        gc.collect()
        await asyncio.to_thread(wait_until, lambda: cancelled() == before + 3)
        assert (await client.ping()).server_version

    run(server, body, initial_credit=4)
    assert cancelled() == before + 3


def test_deadlines(server: Server) -> None:
    async def body(client: AsyncClient) -> None:
        with pytest.raises(DeadlineExceededError):
            async for _ in client.watch(timeout=0.3):
                pass
        with pytest.raises(DeadlineExceededError):
            await client.candidates.page(timeout=1e-6)
        assert await client.ping()

    run(server, body)


def test_writes_and_errors(server: Server, tmp_path: Path) -> None:
    async def body(client: AsyncClient) -> None:
        job = await client.jobs.list(statuses=["OPEN"]).__anext__()
        tag = uuid.uuid4().hex[:10]
        candidate = {"first_name": "Async", "last_name": f"P{tag}", "email_address": f"py-a-{tag}@example.com"}
        key = f"py-{uuid.uuid4()}"
        first = await client.create_application(job.id, candidate, idempotency_key=key)
        again = await client.create_application(job.id, candidate, idempotency_key=key)
        assert again.application.id == first.application.id
        with pytest.raises(InvalidArgumentError):
            await client.create_candidate({"first_name": "x"}, job_id=job.id)
        created = await client.create_candidate(
            {**candidate, "email_address": f"py-b-{tag}@example.com"}, job_id=job.id)
        name = [t.name async for t in client.tags.list()][0]
        assert (await client.add_candidate_tag(created.candidate.id, name)).tag.name == name

        path = tmp_path / "apps.ndjson"
        count = await client.applications.export_to(path)
        records = [a async for a in client.applications.list()]
        assert count == len(records)
        # Exports come in storage order: the same records, not necessarily sorted by id.
        exported = sorted((json.loads(x) for x in path.read_text().splitlines()), key=lambda r: r["id"])
        assert exported == sorted((to_dict(a) for a in records), key=lambda r: r["id"])
        path = tmp_path / "apps.pb"
        assert await client.applications.export_to(path, format="protobuf") == count
        exported_records = read_delimited(path.read_bytes(), models_pb2.Application)
        assert sorted(exported_records, key=lambda a: a.id) == sorted(records, key=lambda a: a.id)

    run(server, body, key=WRITE_KEY)


def test_auth_and_unavailable(server: Server) -> None:
    async def body(client: AsyncClient) -> None:
        with pytest.raises(UnauthenticatedError):
            await client.candidates.page()
        assert await client.ping()

    run(server, body, key="wrong-key-0000000000000000")

    async def nothing_there() -> None:
        async with AsyncClient("127.0.0.1:1", connect_timeout=2) as client:
            with pytest.raises(UnavailableError):
                await client.ping()

    asyncio.run(nothing_there())


def test_server_killed_mid_stream(fresh_server: Server) -> None:
    import os
    import signal

    async def body(client: AsyncClient) -> None:
        records = client.candidates.list(page_size=1)
        await records.__anext__()
        os.killpg(fresh_server.process.pid, signal.SIGKILL)
        with pytest.raises(UnavailableError):
            async for _ in records:
                pass
        with pytest.raises(UnavailableError):
            await client.ping()

    run(fresh_server, body, initial_credit=2)
