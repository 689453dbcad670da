"""Reads of every model against the demo server: lists, pages, gets, filters, the JSON shape."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from atsbridge import Client, InvalidArgumentError, NotFoundError, StatusCode, iter_delimited, time_of, to_dict
from atsbridge._export import read_delimited
from atsbridge._models import MODELS

from conftest import INTEGRATION, Server, atsbridge_binary

ALL_MODELS = list(MODELS)


def cli_records(server: Server, model: str) -> list[dict]:
    """`atsbridge get <model> --format ndjson` against the same server."""
    env = dict(os.environ, ATSBRIDGE_SERVER=server.address, ATSBRIDGE_API_KEY=server.api_key,
               ATSBRIDGE_INTEGRATION=INTEGRATION)
    out = subprocess.run(
        [str(atsbridge_binary()), "get", model, "--format", "ndjson", "--limit", "100000"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("model", ALL_MODELS)
def test_list_pages_and_get_agree_for_every_model(client: Client, model: str) -> None:
    resource = getattr(client, model)
    records = list(resource.list(page_size=7))
    ids = [r.id for r in records]
    assert ids, f"the demo has {model}"
    assert len(ids) == len(set(ids)), "no duplicate across pages"

    paged: list[str] = []
    cursor = None
    while True:
        page = resource.page(page_size=5, cursor=cursor)
        paged += [r.id for r in page.items]
        if not page.HasField("next_cursor"):
            break
        cursor = page.next_cursor
    assert sorted(paged) == sorted(ids), "unary paging with the cursor sees the same records, none missing"

    assert list(r.id for r in resource.list(page_size=1000)) == ids, "page size changes nothing"
    first = resource.get(ids[0])
    assert first == records[0]
    assert resource.get(ids[0], include_deleted=True) == first, "a live record either way"
    assert type(first) is resource.model.record_type


@pytest.mark.parametrize("model", ALL_MODELS)
def test_to_dict_equals_the_cli_json(server: Server, client: Client, model: str) -> None:
    expected = {r["id"]: r for r in cli_records(server, model)}
    actual = {r.id: to_dict(r) for r in getattr(client, model).list(page_size=100)}
    assert set(actual) == set(expected)
    for record_id, record in actual.items():
        assert record == expected[record_id], record_id


def test_resume_from_cursor_sees_the_rest(client: Client) -> None:
    everything = [c.id for c in client.candidates.list(page_size=10)]
    iterator = client.candidates.list(page_size=10)
    first = [next(iterator).id for _ in range(15)]
    cursor = iterator.cursor  # after the first whole page
    iterator.cancel()
    assert cursor is not None
    rest = [c.id for c in client.candidates.list(page_size=10, cursor=cursor)]
    assert first[:10] + rest == everything


def test_get_unknown_id_is_not_found(client: Client) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.candidates.get("1111111111111111111111zz")
    assert caught.value.status is StatusCode.NOT_FOUND
    assert caught.value.error_code and caught.value.error_code.endswith("NOT_FOUND")


def test_filters(client: Client) -> None:
    candidates = list(client.candidates.list())
    target = next(c for c in candidates if c.email_addresses)
    email = target.email_addresses[0].email_address
    assert [c.id for c in client.candidates.list(email=email.upper())] == [target.id]
    assert [c.id for c in client.candidates.list(ids=[target.id, candidates[-1].id])] == sorted(
        {target.id, candidates[-1].id}, key=[c.id for c in candidates].index
    )
    assert [c.id for c in client.candidates.list(remote_ids=[target.remote_id])] == [target.id]

    future = datetime.now(timezone.utc) + timedelta(days=1)
    assert list(client.candidates.list(updated_after=future)) == []
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    assert len(list(client.candidates.list(updated_after=yesterday))) == len(candidates)
    newest = max(c.changed_at for c in candidates)
    assert all(c.changed_at > newest - 1 for c in client.candidates.list(updated_after=newest - 1))

    jobs = list(client.jobs.list())
    open_jobs = list(client.jobs.list(statuses=["OPEN"]))
    assert open_jobs and all(j.status == 1 for j in open_jobs)
    assert len(open_jobs) == sum(1 for j in jobs if j.status == 1)
    name_part = jobs[0].name[:6].lower()
    assert all(name_part in j.name.lower() for j in client.jobs.list(name_contains=name_part))

    job = jobs[0]
    applications = list(client.applications.list(job_ids=[job.id]))
    assert all(a.job_id == job.id for a in applications)
    assert len(applications) == sum(1 for a in client.applications.list() if a.job_id == job.id)
    with_job = {c.id for c in client.candidates.list(job_ids=[job.id])}
    assert with_job == {a.candidate_id for a in applications}

    with pytest.raises(TypeError):
        client.candidates.list(no_such_filter=1)
    with pytest.raises(ValueError):
        client.jobs.list(statuses=["NOT_A_STATUS"])


def test_times_are_datetimes(client: Client) -> None:
    candidate = next(iter(client.candidates.list()))
    changed = time_of(candidate, "changed_at")
    assert changed is not None and changed.tzinfo is not None
    assert abs(changed.timestamp() * 1000 - candidate.changed_at) < 1
    assert time_of(candidate, "remote_deleted_at") is None


@pytest.mark.parametrize("format", ["ndjson", "protobuf"])
def test_export_to(client: Client, tmp_path: Path, format: str) -> None:
    path = tmp_path / f"applications.{format}"
    count = client.applications.export_to(path, format=format, page_size=13)
    records = list(client.applications.list())
    assert count == len(records)
    # Exports come in storage order: the same records, not necessarily sorted by id.
    if format == "ndjson":
        lines = path.read_text().splitlines()
        exported = sorted((json.loads(line) for line in lines), key=lambda r: r["id"])
        assert exported == sorted((to_dict(r) for r in records), key=lambda r: r["id"])
    else:
        from atsbridge.v1 import models_pb2

        exported_records = read_delimited(path.read_bytes(), models_pb2.Application)
        assert sorted(exported_records, key=lambda r: r.id) == sorted(records, key=lambda r: r.id)

    by_id = tmp_path / f"by-id.{format}"
    assert client.applications.export_to(by_id, format=format, order="ID") == count
    if format == "protobuf":
        from atsbridge.v1 import models_pb2

        assert read_delimited(by_id.read_bytes(), models_pb2.Application) == records, "order=ID keeps id order"
        assert list(iter_delimited(by_id, models_pb2.Application)) == records, "the public streaming reader"
        with open(by_id, "rb") as file:
            stream = iter_delimited(file, models_pb2.Application)
            assert next(stream) == records[0]
            assert file.tell() < by_id.stat().st_size, "it reads as it goes"
            assert [next(stream)] + list(stream) == records[1:]
        truncated = tmp_path / "truncated.pb"
        truncated.write_bytes(by_id.read_bytes()[:-3])
        with pytest.raises(ValueError):
            list(iter_delimited(truncated, models_pb2.Application))


def test_storage_order_lists_every_record_once_and_keeps_its_cursors_apart(client: Client) -> None:
    by_id = [r.id for r in client.candidates.list()]
    stored = [r.id for r in client.candidates.list(order="STORAGE", page_size=9)]
    assert len(stored) == len(set(stored)) and set(stored) == set(by_id)

    paged: list[str] = []
    first_cursor = None
    cursor = None
    while True:
        page = client.candidates.page(order="STORAGE", page_size=9, cursor=cursor)
        paged += [r.id for r in page.items]
        if not page.HasField("next_cursor"):
            break
        cursor = page.next_cursor
        first_cursor = first_cursor or cursor
    assert paged == stored, "storage-order pages resume each other in the stream's order"

    assert first_cursor is not None
    with pytest.raises(InvalidArgumentError):
        client.candidates.page(page_size=9, cursor=first_cursor)  # an id-order list
    with pytest.raises(ValueError):
        client.candidates.list(order="SIDEWAYS")


def test_protobuf_export_matches_the_cli(server: Server, client: Client, tmp_path: Path) -> None:
    from atsbridge.v1 import models_pb2

    ours, theirs = tmp_path / "py.pb", tmp_path / "cli.pb"
    client.candidates.export_to(ours, format="protobuf")
    env = dict(os.environ, ATSBRIDGE_SERVER=server.address, ATSBRIDGE_API_KEY=server.api_key,
               ATSBRIDGE_INTEGRATION=INTEGRATION)
    subprocess.run([str(atsbridge_binary()), "export", "candidates", "--out", str(theirs), "--format", "protobuf"],
                   env=env, check=True, capture_output=True, timeout=120)
    assert read_delimited(ours.read_bytes(), models_pb2.Candidate) == read_delimited(
        theirs.read_bytes(), models_pb2.Candidate
    )


def test_filters_on_fields_recru_does_not_provide_match_nothing_unless_ignored(client: Client) -> None:
    everything = len(list(client.jobs.list()))
    assert everything > 0
    assert list(client.jobs.list(job_codes=["ENG-1"])) == []
    assert len(list(client.jobs.list(job_codes=["ENG-1"], ignore_unsupported_filters=True))) == everything
    since = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for model in ("jobs", "candidates", "applications"):
        resource = getattr(client, model)
        assert list(resource.list(remote_created_after=since)) == []
        assert list(resource.list(remote_created_after=since, ignore_unsupported_filters=True))


def test_fields_recru_does_not_provide_are_none_and_types_are_unified(client: Client) -> None:
    job = to_dict(next(iter(client.jobs.list())))
    assert job["job_code"] is None and job["remote_created_at"] is None and job["custom_fields"] is None
    candidates = [to_dict(c) for c in client.candidates.list()]
    with_email = next(c for c in candidates if c["email_addresses"])
    assert with_email["remote_updated_at"] is None and with_email["social_media"] == []
    assert with_email["email_addresses"][0]["type"] in ("PERSONAL", "WORK", "OTHER")
    assert with_email["email_addresses"][0]["type_raw"]
