from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

APPLICATION_OUTCOME_DECLINED: ApplicationOutcome
APPLICATION_OUTCOME_HIRED: ApplicationOutcome
APPLICATION_OUTCOME_PENDING: ApplicationOutcome
APPLICATION_OUTCOME_UNSPECIFIED: ApplicationOutcome
DESCRIPTOR: _descriptor.FileDescriptor
EMPLOYMENT_TYPE_CONTRACT: EmploymentType
EMPLOYMENT_TYPE_FULL_TIME: EmploymentType
EMPLOYMENT_TYPE_INTERNSHIP: EmploymentType
EMPLOYMENT_TYPE_PART_TIME: EmploymentType
EMPLOYMENT_TYPE_SEASONAL: EmploymentType
EMPLOYMENT_TYPE_UNSPECIFIED: EmploymentType
HIRING_TEAM_ROLE_ADMIN: HiringTeamRole
HIRING_TEAM_ROLE_COORDINATOR: HiringTeamRole
HIRING_TEAM_ROLE_HIRING_MANAGER: HiringTeamRole
HIRING_TEAM_ROLE_INTERVIEWER: HiringTeamRole
HIRING_TEAM_ROLE_RECRUITER: HiringTeamRole
HIRING_TEAM_ROLE_SOURCER: HiringTeamRole
HIRING_TEAM_ROLE_UNSPECIFIED: HiringTeamRole
JOB_STATUS_ARCHIVED: JobStatus
JOB_STATUS_CLOSED: JobStatus
JOB_STATUS_DRAFT: JobStatus
JOB_STATUS_OPEN: JobStatus
JOB_STATUS_UNSPECIFIED: JobStatus
MODEL_APPLICATION: Model
MODEL_APPLICATION_STAGE: Model
MODEL_CANDIDATE: Model
MODEL_CANDIDATE_TAG: Model
MODEL_JOB: Model
MODEL_JOB_APPLICATION_STAGE: Model
MODEL_JOB_HIRING_TEAM_MEMBER: Model
MODEL_TAG: Model
MODEL_UNSPECIFIED: Model
MODEL_USER: Model
VISIBILITY_CONFIDENTIAL: Visibility
VISIBILITY_INTERNAL: Visibility
VISIBILITY_PUBLIC: Visibility
VISIBILITY_UNLISTED: Visibility
VISIBILITY_UNSPECIFIED: Visibility

class EmailAddress(_message.Message):
    __slots__ = ["email_address", "type", "type_raw"]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TYPE_RAW_FIELD_NUMBER: _ClassVar[int]
    email_address: str
    type: str
    type_raw: str
    def __init__(self, email_address: _Optional[str] = ..., type: _Optional[str] = ..., type_raw: _Optional[str] = ...) -> None: ...

class JobRole(_message.Message):
    __slots__ = ["remote_id", "remote_label", "unified_type"]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    REMOTE_LABEL_FIELD_NUMBER: _ClassVar[int]
    UNIFIED_TYPE_FIELD_NUMBER: _ClassVar[int]
    remote_id: str
    remote_label: str
    unified_type: HiringTeamRole
    def __init__(self, remote_id: _Optional[str] = ..., remote_label: _Optional[str] = ..., unified_type: _Optional[_Union[HiringTeamRole, str]] = ...) -> None: ...

class JobSummary(_message.Message):
    __slots__ = ["id", "name", "remote_id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    remote_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Location(_message.Message):
    __slots__ = ["city", "country", "raw", "state", "street_1", "street_2", "zip_code"]
    CITY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STREET_1_FIELD_NUMBER: _ClassVar[int]
    STREET_2_FIELD_NUMBER: _ClassVar[int]
    ZIP_CODE_FIELD_NUMBER: _ClassVar[int]
    city: str
    country: str
    raw: str
    state: str
    street_1: str
    street_2: str
    zip_code: str
    def __init__(self, city: _Optional[str] = ..., country: _Optional[str] = ..., raw: _Optional[str] = ..., state: _Optional[str] = ..., street_1: _Optional[str] = ..., street_2: _Optional[str] = ..., zip_code: _Optional[str] = ...) -> None: ...

class PhoneNumber(_message.Message):
    __slots__ = ["phone_number", "type", "type_raw"]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TYPE_RAW_FIELD_NUMBER: _ClassVar[int]
    phone_number: str
    type: str
    type_raw: str
    def __init__(self, phone_number: _Optional[str] = ..., type: _Optional[str] = ..., type_raw: _Optional[str] = ...) -> None: ...

class SocialMedia(_message.Message):
    __slots__ = ["link", "type", "username"]
    LINK_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    link: str
    type: str
    username: str
    def __init__(self, link: _Optional[str] = ..., type: _Optional[str] = ..., username: _Optional[str] = ...) -> None: ...

class StageSummary(_message.Message):
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

class TagSummary(_message.Message):
    __slots__ = ["id", "name", "remote_id"]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    remote_id: str
    def __init__(self, id: _Optional[str] = ..., remote_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class EmploymentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class JobStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Visibility(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ApplicationOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class HiringTeamRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Model(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
