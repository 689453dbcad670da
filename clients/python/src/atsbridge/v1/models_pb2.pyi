from atsbridge.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Application(_message.Message):
    __slots__ = ["candidate", "candidate_id", "changed_at", "current_stage", "current_stage_id", "custom_fields", "id", "job", "job_id", "outcome", "outcome_raw", "rejected_at", "rejection_reason_name", "remote_created_at", "remote_data", "remote_deleted_at", "remote_id", "remote_updated_at", "remote_url"]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_STAGE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_RAW_FIELD_NUMBER: _ClassVar[int]
    REJECTED_AT_FIELD_NUMBER: _ClassVar[int]
    REJECTION_REASON_NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DATA_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_URL_FIELD_NUMBER: _ClassVar[int]
    candidate: ApplicationCandidate
    candidate_id: str
    changed_at: int
    current_stage: _common_pb2.StageSummary
    current_stage_id: str
    custom_fields: bytes
    id: str
    job: _common_pb2.JobSummary
    job_id: str
    outcome: _common_pb2.ApplicationOutcome
    outcome_raw: str
    rejected_at: int
    rejection_reason_name: str
    remote_created_at: int
    remote_data: bytes
    remote_deleted_at: int
    remote_id: str
    remote_updated_at: int
    remote_url: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., outcome: _Optional[_Union[_common_pb2.ApplicationOutcome, str]] = ..., outcome_raw: _Optional[str] = ..., current_stage_id: _Optional[str] = ..., job_id: _Optional[str] = ..., candidate_id: _Optional[str] = ..., remote_data: _Optional[bytes] = ..., candidate: _Optional[_Union[ApplicationCandidate, _Mapping]] = ..., current_stage: _Optional[_Union[_common_pb2.StageSummary, _Mapping]] = ..., job: _Optional[_Union[_common_pb2.JobSummary, _Mapping]] = ..., remote_created_at: _Optional[int] = ..., remote_updated_at: _Optional[int] = ..., custom_fields: _Optional[bytes] = ..., rejection_reason_name: _Optional[str] = ..., rejected_at: _Optional[int] = ..., remote_url: _Optional[str] = ...) -> None: ...

class ApplicationCandidate(_message.Message):
    __slots__ = ["email_addresses", "first_name", "id", "last_name", "phone_numbers", "remote_id", "source", "tags"]
    EMAIL_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    email_addresses: _containers.RepeatedCompositeFieldContainer[_common_pb2.EmailAddress]
    first_name: str
    id: str
    last_name: str
    phone_numbers: _containers.RepeatedCompositeFieldContainer[_common_pb2.PhoneNumber]
    remote_id: str
    source: str
    tags: _containers.RepeatedCompositeFieldContainer[_common_pb2.TagSummary]
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., email_addresses: _Optional[_Iterable[_Union[_common_pb2.EmailAddress, _Mapping]]] = ..., phone_numbers: _Optional[_Iterable[_Union[_common_pb2.PhoneNumber, _Mapping]]] = ..., source: _Optional[str] = ..., tags: _Optional[_Iterable[_Union[_common_pb2.TagSummary, _Mapping]]] = ...) -> None: ...

class ApplicationStage(_message.Message):
    __slots__ = ["changed_at", "id", "name", "remote_data", "remote_deleted_at", "remote_id"]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DATA_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    changed_at: int
    id: str
    name: str
    remote_data: bytes
    remote_deleted_at: int
    remote_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., name: _Optional[str] = ..., remote_data: _Optional[bytes] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ["applications", "changed_at", "company", "confidential", "custom_fields", "email_addresses", "first_name", "id", "last_name", "location", "phone_numbers", "remote_created_at", "remote_data", "remote_deleted_at", "remote_id", "remote_updated_at", "remote_url", "social_media", "source", "tags", "title"]
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    CONFIDENTIAL_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DATA_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_URL_FIELD_NUMBER: _ClassVar[int]
    SOCIAL_MEDIA_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[CandidateApplication]
    changed_at: int
    company: str
    confidential: bool
    custom_fields: bytes
    email_addresses: _containers.RepeatedCompositeFieldContainer[_common_pb2.EmailAddress]
    first_name: str
    id: str
    last_name: str
    location: _common_pb2.Location
    phone_numbers: _containers.RepeatedCompositeFieldContainer[_common_pb2.PhoneNumber]
    remote_created_at: int
    remote_data: bytes
    remote_deleted_at: int
    remote_id: str
    remote_updated_at: int
    remote_url: str
    social_media: _containers.RepeatedCompositeFieldContainer[_common_pb2.SocialMedia]
    source: str
    tags: _containers.RepeatedCompositeFieldContainer[_common_pb2.TagSummary]
    title: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., company: _Optional[str] = ..., title: _Optional[str] = ..., source: _Optional[str] = ..., phone_numbers: _Optional[_Iterable[_Union[_common_pb2.PhoneNumber, _Mapping]]] = ..., email_addresses: _Optional[_Iterable[_Union[_common_pb2.EmailAddress, _Mapping]]] = ..., location: _Optional[_Union[_common_pb2.Location, _Mapping]] = ..., remote_data: _Optional[bytes] = ..., applications: _Optional[_Iterable[_Union[CandidateApplication, _Mapping]]] = ..., tags: _Optional[_Iterable[_Union[_common_pb2.TagSummary, _Mapping]]] = ..., remote_created_at: _Optional[int] = ..., remote_updated_at: _Optional[int] = ..., custom_fields: _Optional[bytes] = ..., social_media: _Optional[_Iterable[_Union[_common_pb2.SocialMedia, _Mapping]]] = ..., remote_url: _Optional[str] = ..., confidential: bool = ...) -> None: ...

class CandidateApplication(_message.Message):
    __slots__ = ["changed_at", "current_stage", "id", "job", "outcome", "outcome_raw", "remote_id"]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_STAGE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_RAW_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    changed_at: int
    current_stage: _common_pb2.StageSummary
    id: str
    job: _common_pb2.JobSummary
    outcome: _common_pb2.ApplicationOutcome
    outcome_raw: str
    remote_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., outcome: _Optional[_Union[_common_pb2.ApplicationOutcome, str]] = ..., outcome_raw: _Optional[str] = ..., current_stage: _Optional[_Union[_common_pb2.StageSummary, _Mapping]] = ..., job: _Optional[_Union[_common_pb2.JobSummary, _Mapping]] = ...) -> None: ...

class CandidateTag(_message.Message):
    __slots__ = ["candidate_id", "changed_at", "id", "remote_deleted_at", "remote_id", "tag_id"]
    CANDIDATE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    TAG_ID_FIELD_NUMBER: _ClassVar[int]
    candidate_id: str
    changed_at: int
    id: str
    remote_deleted_at: int
    remote_id: str
    tag_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., candidate_id: _Optional[str] = ..., tag_id: _Optional[str] = ...) -> None: ...

class HiringTeamMember(_message.Message):
    __slots__ = ["email", "first_name", "id", "last_name", "remote_id", "roles"]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    email: str
    first_name: str
    id: str
    last_name: str
    remote_id: str
    roles: _containers.RepeatedCompositeFieldContainer[_common_pb2.JobRole]
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., email: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[_common_pb2.JobRole, _Mapping]]] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ["changed_at", "closed_at", "confidential", "custom_fields", "department", "description", "employment_type", "employment_type_raw", "experience_level", "hiring_team", "id", "job_code", "name", "opened_at", "remote_created_at", "remote_data", "remote_deleted_at", "remote_id", "remote_updated_at", "remote_url", "salary_amount", "salary_currency", "salary_period", "stages", "status", "status_raw", "visibility", "visibility_raw", "weekly_hours"]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENTIAL_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EMPLOYMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    EMPLOYMENT_TYPE_RAW_FIELD_NUMBER: _ClassVar[int]
    EXPERIENCE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    HIRING_TEAM_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JOB_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DATA_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_URL_FIELD_NUMBER: _ClassVar[int]
    SALARY_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SALARY_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    SALARY_PERIOD_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_RAW_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_RAW_FIELD_NUMBER: _ClassVar[int]
    WEEKLY_HOURS_FIELD_NUMBER: _ClassVar[int]
    changed_at: int
    closed_at: int
    confidential: bool
    custom_fields: bytes
    department: str
    description: str
    employment_type: _common_pb2.EmploymentType
    employment_type_raw: str
    experience_level: str
    hiring_team: _containers.RepeatedCompositeFieldContainer[HiringTeamMember]
    id: str
    job_code: str
    name: str
    opened_at: int
    remote_created_at: int
    remote_data: bytes
    remote_deleted_at: int
    remote_id: str
    remote_updated_at: int
    remote_url: str
    salary_amount: float
    salary_currency: str
    salary_period: str
    stages: _containers.RepeatedCompositeFieldContainer[JobStage]
    status: _common_pb2.JobStatus
    status_raw: str
    visibility: _common_pb2.Visibility
    visibility_raw: str
    weekly_hours: float
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., employment_type: _Optional[_Union[_common_pb2.EmploymentType, str]] = ..., employment_type_raw: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.JobStatus, str]] = ..., status_raw: _Optional[str] = ..., visibility: _Optional[_Union[_common_pb2.Visibility, str]] = ..., visibility_raw: _Optional[str] = ..., department: _Optional[str] = ..., experience_level: _Optional[str] = ..., salary_amount: _Optional[float] = ..., opened_at: _Optional[int] = ..., closed_at: _Optional[int] = ..., remote_updated_at: _Optional[int] = ..., remote_data: _Optional[bytes] = ..., stages: _Optional[_Iterable[_Union[JobStage, _Mapping]]] = ..., hiring_team: _Optional[_Iterable[_Union[HiringTeamMember, _Mapping]]] = ..., job_code: _Optional[str] = ..., confidential: bool = ..., weekly_hours: _Optional[float] = ..., salary_currency: _Optional[str] = ..., salary_period: _Optional[str] = ..., remote_created_at: _Optional[int] = ..., custom_fields: _Optional[bytes] = ..., remote_url: _Optional[str] = ...) -> None: ...

class JobApplicationStage(_message.Message):
    __slots__ = ["changed_at", "id", "index", "job_id", "remote_deleted_at", "remote_id", "stage_id"]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    changed_at: int
    id: str
    index: int
    job_id: str
    remote_deleted_at: int
    remote_id: str
    stage_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., index: _Optional[int] = ..., job_id: _Optional[str] = ..., stage_id: _Optional[str] = ...) -> None: ...

class JobHiringTeamMember(_message.Message):
    __slots__ = ["changed_at", "id", "job_id", "remote_deleted_at", "remote_id", "roles", "user_id"]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    changed_at: int
    id: str
    job_id: str
    remote_deleted_at: int
    remote_id: str
    roles: _containers.RepeatedCompositeFieldContainer[_common_pb2.JobRole]
    user_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., job_id: _Optional[str] = ..., user_id: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[_common_pb2.JobRole, _Mapping]]] = ...) -> None: ...

class JobStage(_message.Message):
    __slots__ = ["id", "index", "name", "remote_id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    index: int
    name: str
    remote_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., name: _Optional[str] = ..., index: _Optional[int] = ...) -> None: ...

class Tag(_message.Message):
    __slots__ = ["changed_at", "id", "name", "remote_data", "remote_deleted_at", "remote_id"]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DATA_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    changed_at: int
    id: str
    name: str
    remote_data: bytes
    remote_deleted_at: int
    remote_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., name: _Optional[str] = ..., remote_data: _Optional[bytes] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ["changed_at", "email", "first_name", "id", "last_name", "remote_data", "remote_deleted_at", "remote_id"]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DATA_FIELD_NUMBER: _ClassVar[int]
    REMOTE_DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    changed_at: int
    email: str
    first_name: str
    id: str
    last_name: str
    remote_data: bytes
    remote_deleted_at: int
    remote_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., changed_at: _Optional[int] = ..., remote_deleted_at: _Optional[int] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., email: _Optional[str] = ..., remote_data: _Optional[bytes] = ...) -> None: ...
