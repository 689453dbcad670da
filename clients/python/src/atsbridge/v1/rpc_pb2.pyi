from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
STATUS_CODE_ABORTED: StatusCode
STATUS_CODE_ALREADY_EXISTS: StatusCode
STATUS_CODE_CANCELLED: StatusCode
STATUS_CODE_DATA_LOSS: StatusCode
STATUS_CODE_DEADLINE_EXCEEDED: StatusCode
STATUS_CODE_FAILED_PRECONDITION: StatusCode
STATUS_CODE_INTERNAL: StatusCode
STATUS_CODE_INVALID_ARGUMENT: StatusCode
STATUS_CODE_NOT_FOUND: StatusCode
STATUS_CODE_OK: StatusCode
STATUS_CODE_OUT_OF_RANGE: StatusCode
STATUS_CODE_PERMISSION_DENIED: StatusCode
STATUS_CODE_RESOURCE_EXHAUSTED: StatusCode
STATUS_CODE_UNAUTHENTICATED: StatusCode
STATUS_CODE_UNAVAILABLE: StatusCode
STATUS_CODE_UNIMPLEMENTED: StatusCode
STATUS_CODE_UNKNOWN: StatusCode

class CallOpen(_message.Message):
    __slots__ = ["api_key", "idempotency_key", "integration_id", "metadata", "method", "request_id", "timeout_ms"]
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    INTEGRATION_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    api_key: str
    idempotency_key: str
    integration_id: str
    metadata: _containers.RepeatedCompositeFieldContainer[MetadataEntry]
    method: str
    request_id: str
    timeout_ms: int
    def __init__(self, method: _Optional[str] = ..., timeout_ms: _Optional[int] = ..., api_key: _Optional[str] = ..., integration_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., request_id: _Optional[str] = ..., metadata: _Optional[_Iterable[_Union[MetadataEntry, _Mapping]]] = ...) -> None: ...

class ErrorDetail(_message.Message):
    __slots__ = ["field", "reason"]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    field: str
    reason: str
    def __init__(self, field: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class GoAway(_message.Message):
    __slots__ = ["code", "last_stream_id", "message"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: StatusCode
    last_stream_id: int
    message: str
    def __init__(self, last_stream_id: _Optional[int] = ..., code: _Optional[_Union[StatusCode, str]] = ..., message: _Optional[str] = ...) -> None: ...

class MetadataEntry(_message.Message):
    __slots__ = ["key", "value"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class PingRequest(_message.Message):
    __slots__ = ["payload"]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    payload: bytes
    def __init__(self, payload: _Optional[bytes] = ...) -> None: ...

class PingResponse(_message.Message):
    __slots__ = ["payload", "server_time", "server_version"]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SERVER_TIME_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    payload: bytes
    server_time: int
    server_version: str
    def __init__(self, payload: _Optional[bytes] = ..., server_time: _Optional[int] = ..., server_version: _Optional[str] = ...) -> None: ...

class Settings(_message.Message):
    __slots__ = ["initial_credit", "max_concurrent_streams", "max_frame_size", "max_message_size"]
    INITIAL_CREDIT_FIELD_NUMBER: _ClassVar[int]
    MAX_CONCURRENT_STREAMS_FIELD_NUMBER: _ClassVar[int]
    MAX_FRAME_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    initial_credit: int
    max_concurrent_streams: int
    max_frame_size: int
    max_message_size: int
    def __init__(self, max_frame_size: _Optional[int] = ..., max_concurrent_streams: _Optional[int] = ..., initial_credit: _Optional[int] = ..., max_message_size: _Optional[int] = ...) -> None: ...

class Status(_message.Message):
    __slots__ = ["code", "details", "error_code", "message"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: StatusCode
    details: _containers.RepeatedCompositeFieldContainer[ErrorDetail]
    error_code: str
    message: str
    def __init__(self, code: _Optional[_Union[StatusCode, str]] = ..., error_code: _Optional[str] = ..., message: _Optional[str] = ..., details: _Optional[_Iterable[_Union[ErrorDetail, _Mapping]]] = ...) -> None: ...

class StatusCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
