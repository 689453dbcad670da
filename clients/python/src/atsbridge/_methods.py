"""The method table, built from the service blocks compiled into the generated modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import symbol_database

from .v1 import admin_pb2, read_pb2, rpc_pb2, write_pb2


@dataclass(frozen=True)
class Method:
    """One RPC: its full name, request and response classes, and cardinality."""

    name: str
    request_type: Any
    response_type: Any
    server_streaming: bool
    #: True for methods that change nothing (safe to retry on a new connection).
    read_only: bool


def _build() -> dict[str, Method]:
    database = symbol_database.Default()
    methods: dict[str, Method] = {}
    for module in (rpc_pb2, read_pb2, write_pb2, admin_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                name = f"/{service.full_name}/{method.name}"
                read_only = service.name in ("AtsRead", "Health", "Changes") or method.name.startswith(
                    ("Get", "List")
                )
                methods[name] = Method(
                    name,
                    database.GetSymbol(method.input_type.full_name),
                    database.GetSymbol(method.output_type.full_name),
                    method.server_streaming,
                    read_only,
                )
    return methods


#: Every method of proto/atsbridge/v1, by full name (``/atsbridge.v1.AtsRead/ListCandidates``).
METHODS: dict[str, Method] = _build()


def method(name: str) -> Method:
    """The method with that full name; KeyError when the schema has none."""
    return METHODS[name]
