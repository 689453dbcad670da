"""Messages as plain dicts in the unified API's JSON shape, the same as the CLI's ``--format json``
(docs/cli.md), and conversions between ``datetime`` and the wire's int64 milliseconds."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timezone
from typing import Any

from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_INT64_TYPES = (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64)


def to_millis(value: datetime | int) -> int:
    """Milliseconds since the Unix epoch. A naive ``datetime`` is taken as UTC; an ``int`` is
    already milliseconds."""
    if isinstance(value, int):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def from_millis(milliseconds: int) -> datetime:
    """An aware UTC ``datetime`` from milliseconds since the Unix epoch."""
    seconds, millis = divmod(milliseconds, 1000)
    return datetime.fromtimestamp(seconds, timezone.utc).replace(microsecond=millis * 1000)


def iso(milliseconds: int) -> str:
    """``2026-11-29T12:29:55.197Z``: ISO-8601 UTC with milliseconds, as the CLI writes times."""
    seconds, millis = divmod(milliseconds, 1000)
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % millis


def time_of(message: Message, field: str) -> datetime | None:
    """A ``*_at`` field of a message as an aware UTC ``datetime``; None when absent."""
    if not message.HasField(field):
        return None
    return from_millis(getattr(message, field))


def _prefix(enum: EnumDescriptor) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", enum.name).upper() + "_"


_enum_names: dict[str, dict[int, str]] = {}


def enum_names(enum: EnumDescriptor) -> dict[int, str]:
    """Wire number to unified name (the value name without the enum's UPPER_SNAKE prefix)."""
    names = _enum_names.get(enum.full_name)
    if names is None:
        prefix = _prefix(enum)
        names = {
            value.number: value.name[len(prefix):] if value.name.startswith(prefix) else value.name
            for value in enum.values
        }
        _enum_names[enum.full_name] = names
    return names


def enum_value(enum: EnumDescriptor, value: str | int) -> int:
    """The wire number for a unified name (``"OPEN"``), a full value name (``"JOB_STATUS_OPEN"``)
    or a number. Raises ValueError for an unknown name."""
    if isinstance(value, int):
        return value
    prefix = _prefix(enum)
    for candidate in (prefix + value.upper(), value):
        found = enum.values_by_name.get(candidate)
        if found is not None:
            return found.number
    raise ValueError(f"{value!r} is not a {enum.name}; one of {', '.join(enum_names(enum).values())}")


def _scalar(field: FieldDescriptor, value: Any) -> Any:
    kind = field.type
    if kind == FieldDescriptor.TYPE_MESSAGE:
        return to_dict(value)
    if kind == FieldDescriptor.TYPE_ENUM:
        assert field.enum_type is not None
        return enum_names(field.enum_type).get(value, value)
    if kind == FieldDescriptor.TYPE_BYTES:
        if field.name in ("remote_data", "custom_fields"):
            return _raw_json(value)
        return base64.b64encode(value).decode("ascii")
    if kind in _INT64_TYPES and field.name.endswith("_at"):
        return iso(value)
    if kind in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        if value == int(value) and abs(value) < 1e15:
            return int(value)
    return value


def _raw_json(data: bytes) -> Any:
    """``remote_data`` and ``custom_fields``: the JSON it holds; None when it is not a JSON object or array."""
    stripped = data.lstrip(b" \t\r\n")
    if not stripped or stripped[:1] not in (b"{", b"["):
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def is_repeated(field: FieldDescriptor) -> bool:
    """Whether a field is repeated (protobuf 6 deprecates ``label``; 4.25 lacks the property)."""
    value = getattr(field, "is_repeated", None)
    return bool(value) if value is not None else getattr(field, "label") == FieldDescriptor.LABEL_REPEATED


def _is_required(field: FieldDescriptor) -> bool:
    value = getattr(field, "is_required", None)
    return bool(value) if value is not None else getattr(field, "label") == FieldDescriptor.LABEL_REQUIRED


_REPEATED, _ONEOF, _REQUIRED, _OPTIONAL = range(4)
_plans: dict[str, list[tuple[str, int, FieldDescriptor]]] = {}


def _plan(descriptor: Descriptor) -> list[tuple[str, int, FieldDescriptor]]:
    plan = _plans.get(descriptor.full_name)
    if plan is None:
        in_oneof = {f.name for oneof in descriptor.oneofs for f in oneof.fields}
        plan = []
        for field in descriptor.fields:
            if is_repeated(field):
                mode = _REPEATED
            elif field.name in in_oneof:
                mode = _ONEOF
            elif _is_required(field):
                mode = _REQUIRED
            else:
                mode = _OPTIONAL
            plan.append((field.name, mode, field))
        _plans[descriptor.full_name] = plan
    return plan


def to_dict(message: Message) -> dict[str, Any]:
    """The message in the unified API's JSON shape, as ``atsbridge get --format json`` prints it:
    snake_case names, ``None`` for absent fields, enums by name (``"OPEN"``), ``*_at`` times as
    ISO-8601 UTC strings with milliseconds, ``remote_data`` as the JSON it holds, other bytes as
    base64. A oneof member appears only when set."""
    out: dict[str, Any] = {}
    descriptor: Descriptor = message.DESCRIPTOR  # type: ignore[assignment]
    for name, mode, field in _plan(descriptor):
        if mode == _REPEATED:
            out[name] = [_scalar(field, item) for item in getattr(message, name)]
        elif mode == _REQUIRED or message.HasField(name):
            out[name] = _scalar(field, getattr(message, name))
        elif mode == _OPTIONAL:
            out[name] = None
    return out
