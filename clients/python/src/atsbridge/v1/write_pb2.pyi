from atsbridge.v1 import common_pb2 as _common_pb2
from atsbridge.v1 import models_pb2 as _models_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ATTACHMENT_TYPE_COVER_LETTER: AttachmentType
ATTACHMENT_TYPE_CV: AttachmentType
ATTACHMENT_TYPE_OTHER: AttachmentType
ATTACHMENT_TYPE_UNSPECIFIED: AttachmentType
DESCRIPTOR: _descriptor.FileDescriptor

class AddCandidateTagRequest(_message.Message):
    __slots__ = ["candidate_id", "idempotency_key", "tag_name"]
    CANDIDATE_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    TAG_NAME_FIELD_NUMBER: _ClassVar[int]
    candidate_id: str
    idempotency_key: str
    tag_name: str
    def __init__(self, candidate_id: _Optional[str] = ..., tag_name: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class AddCandidateTagResponse(_message.Message):
    __slots__ = ["already_assigned", "tag", "warnings"]
    ALREADY_ASSIGNED_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    already_assigned: bool
    tag: _common_pb2.TagSummary
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    def __init__(self, tag: _Optional[_Union[_common_pb2.TagSummary, _Mapping]] = ..., already_assigned: bool = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ...) -> None: ...

class ApplicationInput(_message.Message):
    __slots__ = ["job_id", "stage_id"]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    stage_id: str
    def __init__(self, job_id: _Optional[str] = ..., stage_id: _Optional[str] = ...) -> None: ...

class AttachmentInput(_message.Message):
    __slots__ = ["content_type", "data", "data_url", "name", "type"]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    DATA_URL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    data: bytes
    data_url: str
    name: str
    type: AttachmentType
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[AttachmentType, str]] = ..., data: _Optional[bytes] = ..., data_url: _Optional[str] = ..., content_type: _Optional[str] = ...) -> None: ...

class CandidateInput(_message.Message):
    __slots__ = ["company", "email_address", "first_name", "last_name", "location", "phone_number", "title"]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    company: str
    email_address: str
    first_name: str
    last_name: str
    location: _common_pb2.Location
    phone_number: str
    title: str
    def __init__(self, first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., email_address: _Optional[str] = ..., phone_number: _Optional[str] = ..., location: _Optional[_Union[_common_pb2.Location, _Mapping]] = ..., company: _Optional[str] = ..., title: _Optional[str] = ...) -> None: ...

class CreateApplicationRequest(_message.Message):
    __slots__ = ["attachments", "candidate", "gdpr_consent", "idempotency_key", "job_id", "source", "stage_id"]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    GDPR_CONSENT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[AttachmentInput]
    candidate: CandidateInput
    gdpr_consent: GdprConsent
    idempotency_key: str
    job_id: str
    source: SourceInput
    stage_id: str
    def __init__(self, job_id: _Optional[str] = ..., stage_id: _Optional[str] = ..., candidate: _Optional[_Union[CandidateInput, _Mapping]] = ..., attachments: _Optional[_Iterable[_Union[AttachmentInput, _Mapping]]] = ..., source: _Optional[_Union[SourceInput, _Mapping]] = ..., gdpr_consent: _Optional[_Union[GdprConsent, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateApplicationResponse(_message.Message):
    __slots__ = ["application", "warnings"]
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    application: _models_pb2.Application
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    def __init__(self, application: _Optional[_Union[_models_pb2.Application, _Mapping]] = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ...) -> None: ...

class CreateCandidateRequest(_message.Message):
    __slots__ = ["application", "attachments", "candidate", "gdpr_consent", "idempotency_key", "source"]
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    GDPR_CONSENT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    application: ApplicationInput
    attachments: _containers.RepeatedCompositeFieldContainer[AttachmentInput]
    candidate: CandidateInput
    gdpr_consent: GdprConsent
    idempotency_key: str
    source: SourceInput
    def __init__(self, candidate: _Optional[_Union[CandidateInput, _Mapping]] = ..., application: _Optional[_Union[ApplicationInput, _Mapping]] = ..., attachments: _Optional[_Iterable[_Union[AttachmentInput, _Mapping]]] = ..., source: _Optional[_Union[SourceInput, _Mapping]] = ..., gdpr_consent: _Optional[_Union[GdprConsent, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateCandidateResponse(_message.Message):
    __slots__ = ["candidate", "warnings"]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    candidate: _models_pb2.Candidate
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    def __init__(self, candidate: _Optional[_Union[_models_pb2.Candidate, _Mapping]] = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ...) -> None: ...

class GdprConsent(_message.Message):
    __slots__ = ["expires_at", "given"]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    GIVEN_FIELD_NUMBER: _ClassVar[int]
    expires_at: int
    given: bool
    def __init__(self, given: bool = ..., expires_at: _Optional[int] = ...) -> None: ...

class SourceInput(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Warning(_message.Message):
    __slots__ = ["message"]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: str
    def __init__(self, message: _Optional[str] = ...) -> None: ...

class AttachmentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
