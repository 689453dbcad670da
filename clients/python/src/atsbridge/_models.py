"""The nine models of the read API and how their requests are built (shared by both clients)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from google.protobuf.message import Message

from ._json import enum_value, is_repeated, to_millis
from ._methods import METHODS, Method
from .v1 import rpc_pb2, write_pb2


@dataclass(frozen=True)
class Model:
    """One model: its plural name (as in the CLI), and its list, page and get methods."""

    name: str
    list_method: Method
    page_method: Method
    get_method: Method

    @property
    def record_type(self) -> Any:
        """The record's message class, e.g. ``atsbridge.v1.models_pb2.Candidate``."""
        return self.get_method.response_type


def _model(name: str, rpc: str, plural_rpc: str) -> Model:
    return Model(
        name,
        METHODS[f"/atsbridge.v1.AtsRead/List{plural_rpc}"],
        METHODS[f"/atsbridge.v1.AtsRead/Get{rpc}Page"],
        METHODS[f"/atsbridge.v1.AtsRead/Get{rpc}"],
    )


#: The models, by their CLI names.
MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        _model("users", "User", "Users"),
        _model("jobs", "Job", "Jobs"),
        _model("candidates", "Candidate", "Candidates"),
        _model("application_stages", "ApplicationStage", "ApplicationStages"),
        _model("applications", "Application", "Applications"),
        _model("tags", "Tag", "Tags"),
        _model("candidate_tags", "CandidateTag", "CandidateTags"),
        _model("job_application_stages", "JobApplicationStage", "JobApplicationStages"),
        _model("job_hiring_team_members", "JobHiringTeamMember", "JobHiringTeamMembers"),
    )
}


def list_request(
    model: Model,
    *,
    updated_after: datetime | int | None = None,
    include_deleted: bool = False,
    ids: Iterable[str] | None = None,
    remote_ids: Iterable[str] | None = None,
    page_size: int | None = None,
    cursor: str | None = None,
    ignore_unsupported_filters: bool = False,
    order: str | int | None = None,
    **filters: Any,
) -> Message:
    """The list request of a model. ``filters`` are the request's own fields (``email``,
    ``job_ids``, ``statuses``, ``job_codes``, ``remote_created_after``, ...); enum values may be
    names (``"OPEN"``), times (``*_after``) a ``datetime`` or ms. A filter on a field the
    integration does not provide matches nothing unless ``ignore_unsupported_filters``.
    ``order`` is ``"ID"`` (the default) or ``"STORAGE"`` (fastest, no particular order)."""
    request = model.list_method.request_type()
    page = request.page
    page.SetInParent()
    if page_size is not None:
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise TypeError(f"page_size must be an int, not {page_size!r}")
        if page_size < 0:
            raise ValueError(f"page_size must not be negative, not {page_size}")
        page.page_size = page_size
    if cursor is not None:
        page.cursor = cursor
    if updated_after is not None:
        page.updated_after = to_millis(updated_after)
    if include_deleted:
        page.include_deleted = True
    if ids:
        page.ids.extend(ids)
    if remote_ids:
        page.remote_ids.extend(remote_ids)
    if ignore_unsupported_filters:
        page.ignore_unsupported_filters = True
    if order is not None:
        page.order = enum_value(page.DESCRIPTOR.fields_by_name["order"].enum_type, order)
    fields = request.DESCRIPTOR.fields_by_name
    for key, value in filters.items():
        if value is None:
            continue
        field = fields.get(key)
        if field is None or key == "page":
            allowed = ", ".join(f for f in fields if f != "page") or "none"
            raise TypeError(f"{model.name}: unknown filter {key!r} (filters: {allowed})")
        if is_repeated(field):
            values = [value] if isinstance(value, (str, int)) else list(value)
            if field.enum_type is not None:
                values = [enum_value(field.enum_type, v) for v in values]
            getattr(request, key).extend(values)
        elif key.endswith("_after"):
            setattr(request, key, to_millis(value))
        else:
            setattr(request, key, value)
    return request  # type: ignore[no-any-return]


def with_cursor(request: Message, cursor: str) -> Message:
    """A copy of a list request that resumes at ``cursor``."""
    copy = type(request)()
    copy.CopyFrom(request)
    copy.page.cursor = cursor  # type: ignore[attr-defined]
    return copy


def call_open(
    method: Method, api_key: str | None, integration_id: str | None, idempotency_key: str | None,
    metadata: dict[str, str] | None, request_id: str | None,
) -> rpc_pb2.CallOpen:
    """The CALL_OPEN payload of a call."""
    message = rpc_pb2.CallOpen(method=method.name)
    if api_key:
        message.api_key = api_key
    if integration_id:
        message.integration_id = integration_id
    if idempotency_key:
        message.idempotency_key = idempotency_key
    if request_id:
        message.request_id = request_id
    for key, value in (metadata or {}).items():
        message.metadata.add(key=key, value=value)
    return message


def _message(cls: Any, value: Any) -> Any:
    if value is None or isinstance(value, cls):
        return value
    return cls(**value)


def create_candidate_request(
    candidate: write_pb2.CandidateInput | dict[str, Any],
    *,
    job_id: str | None = None,
    stage_id: str | None = None,
    attachments: Iterable[write_pb2.AttachmentInput | dict[str, Any]] = (),
    source: str | None = None,
    gdpr_consent_until: datetime | int | None = None,
    idempotency_key: str | None = None,
) -> write_pb2.CreateCandidateRequest:
    """A CreateCandidate request (docs/writes.md)."""
    request = write_pb2.CreateCandidateRequest(candidate=_message(write_pb2.CandidateInput, candidate))
    if job_id is not None:
        request.application.job_id = job_id
    if stage_id is not None:
        request.application.stage_id = stage_id
    _common_write_fields(request, attachments, source, gdpr_consent_until, idempotency_key)
    return request


def create_application_request(
    job_id: str,
    candidate: write_pb2.CandidateInput | dict[str, Any],
    *,
    stage_id: str | None = None,
    attachments: Iterable[write_pb2.AttachmentInput | dict[str, Any]] = (),
    source: str | None = None,
    gdpr_consent_until: datetime | int | None = None,
    idempotency_key: str | None = None,
) -> write_pb2.CreateApplicationRequest:
    """A CreateApplication request (docs/writes.md)."""
    request = write_pb2.CreateApplicationRequest(
        job_id=job_id, candidate=_message(write_pb2.CandidateInput, candidate)
    )
    if stage_id is not None:
        request.stage_id = stage_id
    _common_write_fields(request, attachments, source, gdpr_consent_until, idempotency_key)
    return request


def _common_write_fields(
    request: Any, attachments: Iterable[Any], source: str | None, gdpr_consent_until: datetime | int | None,
    idempotency_key: str | None,
) -> None:
    for attachment in attachments:
        if isinstance(attachment, dict) and isinstance(attachment.get("type"), str):
            attachment = dict(attachment)
            attachment["type"] = enum_value(write_pb2.AttachmentType.DESCRIPTOR, attachment["type"])
        request.attachments.append(_message(write_pb2.AttachmentInput, attachment))
    if source is not None:
        request.source.name = source
    if gdpr_consent_until is not None:
        request.gdpr_consent.given = True
        request.gdpr_consent.expires_at = to_millis(gdpr_consent_until)
    if idempotency_key is not None:
        request.idempotency_key = idempotency_key


def add_candidate_tag_request(
    candidate_id: str, tag_name: str, *, idempotency_key: str | None = None
) -> write_pb2.AddCandidateTagRequest:
    """An AddCandidateTag request."""
    request = write_pb2.AddCandidateTagRequest(candidate_id=candidate_id, tag_name=tag_name)
    if idempotency_key is not None:
        request.idempotency_key = idempotency_key
    return request


def watch_request(
    after_sequence: int | None, models: Iterable[str | int] | None, announce_start: bool = False
) -> Any:
    """A Watch request; models by CLI name (``"candidates"``), unified name or number."""
    from .v1 import admin_pb2, common_pb2

    request = admin_pb2.WatchRequest()
    if after_sequence is not None:
        request.after_sequence = after_sequence
    if announce_start:
        request.announce_start = True
    singular = {
        "users": "USER", "jobs": "JOB", "candidates": "CANDIDATE", "application_stages": "APPLICATION_STAGE",
        "applications": "APPLICATION", "tags": "TAG", "candidate_tags": "CANDIDATE_TAG",
        "job_application_stages": "JOB_APPLICATION_STAGE", "job_hiring_team_members": "JOB_HIRING_TEAM_MEMBER",
    }
    for model in models or ():
        name = singular.get(model, model) if isinstance(model, str) else model
        request.models.append(enum_value(common_pb2.Model.DESCRIPTOR, name))  # type: ignore[arg-type]
    return request


def idempotency_key_of(request: Message) -> str | None:
    """The request's idempotency key, if it has that field set."""
    if "idempotency_key" in request.DESCRIPTOR.fields_by_name and request.HasField("idempotency_key"):
        return request.idempotency_key  # type: ignore[attr-defined, no-any-return]
    return None


