from atsbridge.v1 import common_pb2 as _common_pb2
from atsbridge.v1 import rpc_pb2 as _rpc_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CHANGE_KIND_CHANGED: ChangeKind
CHANGE_KIND_CREATED: ChangeKind
CHANGE_KIND_DELETED: ChangeKind
CHANGE_KIND_TOUCHED: ChangeKind
CHANGE_KIND_UNSPECIFIED: ChangeKind
COVERAGE_STATUS_SUPPORTED: CoverageStatus
COVERAGE_STATUS_UNSPECIFIED: CoverageStatus
COVERAGE_STATUS_UNSUPPORTED: CoverageStatus
DESCRIPTOR: _descriptor.FileDescriptor
INTEGRATION_STATUS_ACTIVE: IntegrationStatus
INTEGRATION_STATUS_INACTIVE: IntegrationStatus
INTEGRATION_STATUS_INVALID: IntegrationStatus
INTEGRATION_STATUS_UNSPECIFIED: IntegrationStatus
KEY_ORIGIN_CONFIG: KeyOrigin
KEY_ORIGIN_MANAGED: KeyOrigin
KEY_ORIGIN_UNSPECIFIED: KeyOrigin
KEY_ROLE_ADMIN: KeyRole
KEY_ROLE_READ: KeyRole
KEY_ROLE_UNSPECIFIED: KeyRole
KEY_ROLE_WRITE: KeyRole
SETUP_STATUS_COMPLETED: SetupStatus
SETUP_STATUS_SYNC_PENDING: SetupStatus
SETUP_STATUS_UNSPECIFIED: SetupStatus
SYNC_STATE_CANCELLED: SyncState
SYNC_STATE_FAILED: SyncState
SYNC_STATE_QUEUED: SyncState
SYNC_STATE_RUNNING: SyncState
SYNC_STATE_SUCCEEDED: SyncState
SYNC_STATE_UNSPECIFIED: SyncState
SYNC_TYPE_DELTA: SyncType
SYNC_TYPE_FULL: SyncType
SYNC_TYPE_UNSPECIFIED: SyncType

class ApiKey(_message.Message):
    __slots__ = ["created_at", "integration_ids", "last_used_at", "name", "origin", "role"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_IDS_FIELD_NUMBER: _ClassVar[int]
    LAST_USED_AT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    created_at: int
    integration_ids: _containers.RepeatedScalarFieldContainer[str]
    last_used_at: int
    name: str
    origin: KeyOrigin
    role: KeyRole
    def __init__(self, name: _Optional[str] = ..., role: _Optional[_Union[KeyRole, str]] = ..., integration_ids: _Optional[_Iterable[str]] = ..., origin: _Optional[_Union[KeyOrigin, str]] = ..., created_at: _Optional[int] = ..., last_used_at: _Optional[int] = ...) -> None: ...

class ApiKeyList(_message.Message):
    __slots__ = ["keys"]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[ApiKey]
    def __init__(self, keys: _Optional[_Iterable[_Union[ApiKey, _Mapping]]] = ...) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ["at", "error_code", "integration_id", "key_name", "method", "sequence", "status", "target_ids"]
    AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_NAME_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TARGET_IDS_FIELD_NUMBER: _ClassVar[int]
    at: int
    error_code: str
    integration_id: str
    key_name: str
    method: str
    sequence: int
    status: _rpc_pb2.StatusCode
    target_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, sequence: _Optional[int] = ..., at: _Optional[int] = ..., key_name: _Optional[str] = ..., method: _Optional[str] = ..., integration_id: _Optional[str] = ..., target_ids: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[_rpc_pb2.StatusCode, str]] = ..., error_code: _Optional[str] = ...) -> None: ...

class AuditEntryPage(_message.Message):
    __slots__ = ["entries", "next_before_sequence"]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_BEFORE_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditEntry]
    next_before_sequence: int
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditEntry, _Mapping]]] = ..., next_before_sequence: _Optional[int] = ...) -> None: ...

class ChangeEvent(_message.Message):
    __slots__ = ["committed_at", "ids", "kind", "model", "sequence"]
    COMMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    committed_at: int
    ids: _containers.RepeatedScalarFieldContainer[str]
    kind: ChangeKind
    model: _common_pb2.Model
    sequence: int
    def __init__(self, sequence: _Optional[int] = ..., model: _Optional[_Union[_common_pb2.Model, str]] = ..., kind: _Optional[_Union[ChangeKind, str]] = ..., ids: _Optional[_Iterable[str]] = ..., committed_at: _Optional[int] = ...) -> None: ...

class ChangeEventBatch(_message.Message):
    __slots__ = ["events", "start_sequence"]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    START_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[ChangeEvent]
    start_sequence: int
    def __init__(self, events: _Optional[_Iterable[_Union[ChangeEvent, _Mapping]]] = ..., start_sequence: _Optional[int] = ...) -> None: ...

class CreateApiKeyRequest(_message.Message):
    __slots__ = ["integration_ids", "name", "role"]
    INTEGRATION_IDS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    integration_ids: _containers.RepeatedScalarFieldContainer[str]
    name: str
    role: KeyRole
    def __init__(self, name: _Optional[str] = ..., role: _Optional[_Union[KeyRole, str]] = ..., integration_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateIntegrationRequest(_message.Message):
    __slots__ = ["login", "name", "password", "settings", "tenant_url"]
    LOGIN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    TENANT_URL_FIELD_NUMBER: _ClassVar[int]
    login: str
    name: str
    password: str
    settings: IntegrationSettings
    tenant_url: str
    def __init__(self, name: _Optional[str] = ..., tenant_url: _Optional[str] = ..., login: _Optional[str] = ..., password: _Optional[str] = ..., settings: _Optional[_Union[IntegrationSettings, _Mapping]] = ...) -> None: ...

class CreatedApiKey(_message.Message):
    __slots__ = ["key", "secret"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    key: ApiKey
    secret: str
    def __init__(self, key: _Optional[_Union[ApiKey, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class DeleteIntegrationResponse(_message.Message):
    __slots__ = ["deleted_records"]
    DELETED_RECORDS_FIELD_NUMBER: _ClassVar[int]
    deleted_records: int
    def __init__(self, deleted_records: _Optional[int] = ...) -> None: ...

class FieldCoverage(_message.Message):
    __slots__ = ["name", "status"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    name: str
    status: CoverageStatus
    def __init__(self, name: _Optional[str] = ..., status: _Optional[_Union[CoverageStatus, str]] = ...) -> None: ...

class Integration(_message.Message):
    __slots__ = ["created_at", "id", "last_sync_finished_at", "last_sync_started_at", "login", "name", "settings", "setup_status", "status", "status_reason", "tenant_url"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNC_FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNC_STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    LOGIN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    SETUP_STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_REASON_FIELD_NUMBER: _ClassVar[int]
    TENANT_URL_FIELD_NUMBER: _ClassVar[int]
    created_at: int
    id: str
    last_sync_finished_at: int
    last_sync_started_at: int
    login: str
    name: str
    settings: IntegrationSettings
    setup_status: SetupStatus
    status: IntegrationStatus
    status_reason: str
    tenant_url: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., tenant_url: _Optional[str] = ..., login: _Optional[str] = ..., status: _Optional[_Union[IntegrationStatus, str]] = ..., setup_status: _Optional[_Union[SetupStatus, str]] = ..., status_reason: _Optional[str] = ..., settings: _Optional[_Union[IntegrationSettings, _Mapping]] = ..., created_at: _Optional[int] = ..., last_sync_started_at: _Optional[int] = ..., last_sync_finished_at: _Optional[int] = ...) -> None: ...

class IntegrationCoverage(_message.Message):
    __slots__ = ["models", "write_actions"]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    WRITE_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelCoverage]
    write_actions: _containers.RepeatedCompositeFieldContainer[WriteActionCoverage]
    def __init__(self, models: _Optional[_Iterable[_Union[ModelCoverage, _Mapping]]] = ..., write_actions: _Optional[_Iterable[_Union[WriteActionCoverage, _Mapping]]] = ...) -> None: ...

class IntegrationList(_message.Message):
    __slots__ = ["integrations"]
    INTEGRATIONS_FIELD_NUMBER: _ClassVar[int]
    integrations: _containers.RepeatedCompositeFieldContainer[Integration]
    def __init__(self, integrations: _Optional[_Iterable[_Union[Integration, _Mapping]]] = ...) -> None: ...

class IntegrationRequest(_message.Message):
    __slots__ = ["integration_id"]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    integration_id: str
    def __init__(self, integration_id: _Optional[str] = ...) -> None: ...

class IntegrationSettings(_message.Message):
    __slots__ = ["fetch_concurrency", "max_requests_per_second", "source_name", "source_writing_enabled", "sync_interval_ms", "sync_only_created_applications"]
    FETCH_CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    MAX_REQUESTS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_WRITING_ENABLED_FIELD_NUMBER: _ClassVar[int]
    SYNC_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    SYNC_ONLY_CREATED_APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    fetch_concurrency: int
    max_requests_per_second: float
    source_name: str
    source_writing_enabled: bool
    sync_interval_ms: int
    sync_only_created_applications: bool
    def __init__(self, sync_only_created_applications: bool = ..., source_writing_enabled: bool = ..., source_name: _Optional[str] = ..., sync_interval_ms: _Optional[int] = ..., max_requests_per_second: _Optional[float] = ..., fetch_concurrency: _Optional[int] = ...) -> None: ...

class ListApiKeysRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListAuditEntriesRequest(_message.Message):
    __slots__ = ["before_sequence", "integration_id", "limit"]
    BEFORE_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    before_sequence: int
    integration_id: str
    limit: int
    def __init__(self, before_sequence: _Optional[int] = ..., limit: _Optional[int] = ..., integration_id: _Optional[str] = ...) -> None: ...

class ListIntegrationsRequest(_message.Message):
    __slots__ = ["status"]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: IntegrationStatus
    def __init__(self, status: _Optional[_Union[IntegrationStatus, str]] = ...) -> None: ...

class ListSyncRunsRequest(_message.Message):
    __slots__ = ["cursor", "integration_id", "page_size"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    integration_id: str
    page_size: int
    def __init__(self, integration_id: _Optional[str] = ..., page_size: _Optional[int] = ..., cursor: _Optional[str] = ...) -> None: ...

class ModelCoverage(_message.Message):
    __slots__ = ["fields", "model", "name", "status"]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedCompositeFieldContainer[FieldCoverage]
    model: _common_pb2.Model
    name: str
    status: CoverageStatus
    def __init__(self, model: _Optional[_Union[_common_pb2.Model, str]] = ..., name: _Optional[str] = ..., status: _Optional[_Union[CoverageStatus, str]] = ..., fields: _Optional[_Iterable[_Union[FieldCoverage, _Mapping]]] = ...) -> None: ...

class RevokeApiKeyRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RevokeApiKeyResponse(_message.Message):
    __slots__ = ["key"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: ApiKey
    def __init__(self, key: _Optional[_Union[ApiKey, _Mapping]] = ...) -> None: ...

class RotateIntegrationCredentialsRequest(_message.Message):
    __slots__ = ["integration_id", "login", "password"]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    LOGIN_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    integration_id: str
    login: str
    password: str
    def __init__(self, integration_id: _Optional[str] = ..., login: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class SyncRun(_message.Message):
    __slots__ = ["created", "deleted", "effective_requests_per_second", "error_code", "error_message", "finished_at", "id", "integration_id", "queued_at", "rate_limited_responses", "remote_requests", "requests_per_second_limit", "started_at", "state", "type", "updated"]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_REQUESTS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    QUEUED_AT_FIELD_NUMBER: _ClassVar[int]
    RATE_LIMITED_RESPONSES_FIELD_NUMBER: _ClassVar[int]
    REMOTE_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_SECOND_LIMIT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    created: int
    deleted: int
    effective_requests_per_second: float
    error_code: str
    error_message: str
    finished_at: int
    id: str
    integration_id: str
    queued_at: int
    rate_limited_responses: int
    remote_requests: int
    requests_per_second_limit: float
    started_at: int
    state: SyncState
    type: SyncType
    updated: int
    def __init__(self, id: _Optional[str] = ..., integration_id: _Optional[str] = ..., type: _Optional[_Union[SyncType, str]] = ..., state: _Optional[_Union[SyncState, str]] = ..., queued_at: _Optional[int] = ..., started_at: _Optional[int] = ..., finished_at: _Optional[int] = ..., created: _Optional[int] = ..., updated: _Optional[int] = ..., deleted: _Optional[int] = ..., error_code: _Optional[str] = ..., error_message: _Optional[str] = ..., remote_requests: _Optional[int] = ..., rate_limited_responses: _Optional[int] = ..., effective_requests_per_second: _Optional[float] = ..., requests_per_second_limit: _Optional[float] = ...) -> None: ...

class SyncRunPage(_message.Message):
    __slots__ = ["next_cursor", "runs"]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    RUNS_FIELD_NUMBER: _ClassVar[int]
    next_cursor: str
    runs: _containers.RepeatedCompositeFieldContainer[SyncRun]
    def __init__(self, runs: _Optional[_Iterable[_Union[SyncRun, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class SyncStatus(_message.Message):
    __slots__ = ["integration", "runs"]
    INTEGRATION_FIELD_NUMBER: _ClassVar[int]
    RUNS_FIELD_NUMBER: _ClassVar[int]
    integration: Integration
    runs: _containers.RepeatedCompositeFieldContainer[SyncRun]
    def __init__(self, integration: _Optional[_Union[Integration, _Mapping]] = ..., runs: _Optional[_Iterable[_Union[SyncRun, _Mapping]]] = ...) -> None: ...

class SyncStatusRequest(_message.Message):
    __slots__ = ["integration_id", "limit"]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    integration_id: str
    limit: int
    def __init__(self, integration_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class TriggerSyncRequest(_message.Message):
    __slots__ = ["integration_id", "type"]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    integration_id: str
    type: SyncType
    def __init__(self, integration_id: _Optional[str] = ..., type: _Optional[_Union[SyncType, str]] = ...) -> None: ...

class UpdateIntegrationRequest(_message.Message):
    __slots__ = ["integration_id", "name", "settings"]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    integration_id: str
    name: str
    settings: IntegrationSettings
    def __init__(self, integration_id: _Optional[str] = ..., settings: _Optional[_Union[IntegrationSettings, _Mapping]] = ..., name: _Optional[str] = ...) -> None: ...

class WatchRequest(_message.Message):
    __slots__ = ["after_sequence", "announce_start", "models"]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ANNOUNCE_START_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    announce_start: bool
    models: _containers.RepeatedScalarFieldContainer[_common_pb2.Model]
    def __init__(self, after_sequence: _Optional[int] = ..., models: _Optional[_Iterable[_Union[_common_pb2.Model, str]]] = ..., announce_start: bool = ...) -> None: ...

class WriteActionCoverage(_message.Message):
    __slots__ = ["fields", "name", "status"]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedCompositeFieldContainer[FieldCoverage]
    name: str
    status: CoverageStatus
    def __init__(self, name: _Optional[str] = ..., status: _Optional[_Union[CoverageStatus, str]] = ..., fields: _Optional[_Iterable[_Union[FieldCoverage, _Mapping]]] = ...) -> None: ...

class IntegrationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SetupStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SyncType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class SyncState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class CoverageStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class KeyRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class KeyOrigin(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
