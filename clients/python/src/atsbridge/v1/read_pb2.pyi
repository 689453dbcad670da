from atsbridge.v1 import models_pb2 as _models_pb2
from atsbridge.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
PAGE_ORDER_ID: PageOrder
PAGE_ORDER_STORAGE: PageOrder
PAGE_ORDER_UNSPECIFIED: PageOrder

class ApplicationPage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.Application]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.Application, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class ApplicationStagePage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.ApplicationStage]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.ApplicationStage, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class CandidatePage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.Candidate]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.Candidate, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class CandidateTagPage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.CandidateTag]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.CandidateTag, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class GetRequest(_message.Message):
    __slots__ = ["id", "include_deleted"]
    ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_DELETED_FIELD_NUMBER: _ClassVar[int]
    id: str
    include_deleted: bool
    def __init__(self, id: _Optional[str] = ..., include_deleted: bool = ...) -> None: ...

class JobApplicationStagePage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.JobApplicationStage]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.JobApplicationStage, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class JobHiringTeamMemberPage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.JobHiringTeamMember]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.JobHiringTeamMember, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class JobPage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.Job]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.Job, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class ListApplicationStagesRequest(_message.Message):
    __slots__ = ["page"]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: PageRequest
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ...) -> None: ...

class ListApplicationsRequest(_message.Message):
    __slots__ = ["current_stage_ids", "job_ids", "job_remote_ids", "outcomes", "page", "remote_created_after"]
    CURRENT_STAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    JOB_REMOTE_IDS_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CREATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    current_stage_ids: _containers.RepeatedScalarFieldContainer[str]
    job_ids: _containers.RepeatedScalarFieldContainer[str]
    job_remote_ids: _containers.RepeatedScalarFieldContainer[str]
    outcomes: _containers.RepeatedScalarFieldContainer[_common_pb2.ApplicationOutcome]
    page: PageRequest
    remote_created_after: int
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ..., outcomes: _Optional[_Iterable[_Union[_common_pb2.ApplicationOutcome, str]]] = ..., job_ids: _Optional[_Iterable[str]] = ..., job_remote_ids: _Optional[_Iterable[str]] = ..., current_stage_ids: _Optional[_Iterable[str]] = ..., remote_created_after: _Optional[int] = ...) -> None: ...

class ListCandidateTagsRequest(_message.Message):
    __slots__ = ["page"]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: PageRequest
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ...) -> None: ...

class ListCandidatesRequest(_message.Message):
    __slots__ = ["email", "first_name", "job_ids", "last_name", "page", "remote_created_after"]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CREATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    email: str
    first_name: str
    job_ids: _containers.RepeatedScalarFieldContainer[str]
    last_name: str
    page: PageRequest
    remote_created_after: int
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ..., email: _Optional[str] = ..., job_ids: _Optional[_Iterable[str]] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., remote_created_after: _Optional[int] = ...) -> None: ...

class ListJobApplicationStagesRequest(_message.Message):
    __slots__ = ["page"]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: PageRequest
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ...) -> None: ...

class ListJobHiringTeamMembersRequest(_message.Message):
    __slots__ = ["page"]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: PageRequest
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ["employment_types", "job_codes", "name_contains", "page", "remote_created_after", "statuses", "visibilities"]
    EMPLOYMENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    JOB_CODES_FIELD_NUMBER: _ClassVar[int]
    NAME_CONTAINS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CREATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    VISIBILITIES_FIELD_NUMBER: _ClassVar[int]
    employment_types: _containers.RepeatedScalarFieldContainer[_common_pb2.EmploymentType]
    job_codes: _containers.RepeatedScalarFieldContainer[str]
    name_contains: str
    page: PageRequest
    remote_created_after: int
    statuses: _containers.RepeatedScalarFieldContainer[_common_pb2.JobStatus]
    visibilities: _containers.RepeatedScalarFieldContainer[_common_pb2.Visibility]
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ..., statuses: _Optional[_Iterable[_Union[_common_pb2.JobStatus, str]]] = ..., employment_types: _Optional[_Iterable[_Union[_common_pb2.EmploymentType, str]]] = ..., visibilities: _Optional[_Iterable[_Union[_common_pb2.Visibility, str]]] = ..., name_contains: _Optional[str] = ..., job_codes: _Optional[_Iterable[str]] = ..., remote_created_after: _Optional[int] = ...) -> None: ...

class ListTagsRequest(_message.Message):
    __slots__ = ["page"]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: PageRequest
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ...) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ["emails", "page"]
    EMAILS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    emails: _containers.RepeatedScalarFieldContainer[str]
    page: PageRequest
    def __init__(self, page: _Optional[_Union[PageRequest, _Mapping]] = ..., emails: _Optional[_Iterable[str]] = ...) -> None: ...

class PageRequest(_message.Message):
    __slots__ = ["cursor", "ids", "ignore_unsupported_filters", "include_deleted", "order", "page_size", "remote_ids", "updated_after"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    IGNORE_UNSUPPORTED_FILTERS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_DELETED_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    REMOTE_IDS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AFTER_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    ids: _containers.RepeatedScalarFieldContainer[str]
    ignore_unsupported_filters: bool
    include_deleted: bool
    order: PageOrder
    page_size: int
    remote_ids: _containers.RepeatedScalarFieldContainer[str]
    updated_after: int
    def __init__(self, page_size: _Optional[int] = ..., cursor: _Optional[str] = ..., updated_after: _Optional[int] = ..., include_deleted: bool = ..., ids: _Optional[_Iterable[str]] = ..., remote_ids: _Optional[_Iterable[str]] = ..., ignore_unsupported_filters: bool = ..., order: _Optional[_Union[PageOrder, str]] = ...) -> None: ...

class TagPage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.Tag]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.Tag, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class UserPage(_message.Message):
    __slots__ = ["items", "next_cursor"]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_models_pb2.User]
    next_cursor: str
    def __init__(self, items: _Optional[_Iterable[_Union[_models_pb2.User, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class PageOrder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
