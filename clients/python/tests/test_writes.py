"""The three writes, with and without idempotency keys, and their errors."""

from __future__ import annotations

import uuid

import pytest

from atsbridge import (
    AlreadyExistsError,
    Client,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    StatusCode,
)

from conftest import READ_KEY, WRITE_KEY, Server


def person() -> dict[str, str]:
    tag = uuid.uuid4().hex[:10]
    return {"first_name": "Test", "last_name": f"Person{tag}", "email_address": f"py-{tag}@example.com"}


@pytest.fixture()
def writer(server: Server):  # type: ignore[no-untyped-def]
    with server.client(WRITE_KEY) as c:
        yield c


def open_job(client: Client):  # type: ignore[no-untyped-def]
    return next(iter(client.jobs.list(statuses=["OPEN"])))


def test_create_application_with_idempotency_key_writes_once(writer: Client) -> None:
    job = open_job(writer)
    candidate = person()
    key = f"py-{uuid.uuid4()}"
    before = len(list(writer.applications.list(job_ids=[job.id])))
    first = writer.create_application(job.id, candidate, source="pytest", idempotency_key=key)
    again = writer.create_application(job.id, candidate, source="pytest", idempotency_key=key)
    assert first.application.id and again.application.id == first.application.id
    assert first.application.job_id == job.id
    after = list(writer.applications.list(job_ids=[job.id]))
    assert len(after) == before + 1, "a retry with the same key writes nothing"
    assert writer.applications.get(first.application.id).candidate_id == first.application.candidate_id

    with pytest.raises(InvalidArgumentError):
        writer.create_application(job.id, {**candidate, "first_name": "Other"}, idempotency_key=key)


def test_create_application_without_key_is_not_repeated(writer: Client) -> None:
    job = open_job(writer)
    candidate = person()
    created = writer.create_application(job.id, candidate)
    assert created.application.candidate.email_addresses[0].email_address == candidate["email_address"]
    with pytest.raises(AlreadyExistsError) as caught:
        writer.create_application(job.id, candidate)
    assert caught.value.error_code == "ATS.APPLICATION_ALREADY_EXISTS"


def test_create_candidate_reads_its_own_write(writer: Client) -> None:
    job = open_job(writer)
    created = writer.create_candidate(person(), job_id=job.id, idempotency_key=f"py-{uuid.uuid4()}")
    candidate = writer.candidates.get(created.candidate.id)
    assert [a.job.id for a in candidate.applications] == [job.id]


def test_add_candidate_tag(writer: Client) -> None:
    candidate = writer.create_candidate(person(), job_id=open_job(writer).id).candidate
    name = next(t.name for t in writer.tags.list() if t.name not in {x.name for x in candidate.tags})
    added = writer.add_candidate_tag(candidate.id, name, idempotency_key=f"py-{uuid.uuid4()}")
    assert added.tag.name == name and not added.already_assigned
    assert writer.add_candidate_tag(candidate.id, name).already_assigned
    assert name in {t.name for t in writer.candidates.get(candidate.id).tags}
    with pytest.raises(NotFoundError):
        writer.add_candidate_tag(candidate.id, f"no such tag {uuid.uuid4().hex}")


def test_write_errors(server: Server, writer: Client) -> None:
    job = open_job(writer)
    with pytest.raises(InvalidArgumentError) as caught:
        writer.create_application(job.id, {**person(), "email_address": "not-an-email"})
    assert caught.value.error_code == "PLATFORM.INPUT_INVALID"
    assert "@" not in caught.value.message, "no candidate data in messages"

    with pytest.raises(NotFoundError):
        writer.create_application("1111111111111111111111zz", person())

    closed = [j for j in writer.jobs.list() if j.status == 2]
    if closed:
        with pytest.raises(FailedPreconditionError) as precondition:
            writer.create_application(closed[0].id, person())
        assert precondition.value.error_code == "ATS.JOB_CLOSED"

    with server.client(READ_KEY) as reader:
        with pytest.raises(PermissionDeniedError) as denied:
            reader.create_application(job.id, person())
        assert denied.value.status is StatusCode.PERMISSION_DENIED
