"""The installed package: its protobuf backend, typing marker, method table and errors."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

from google.protobuf.internal import api_implementation

import atsbridge
from atsbridge import ATSBridgeError, NotFoundError, StatusCode
from atsbridge._methods import METHODS
from atsbridge._status import make_error

PROTO = Path(__file__).resolve().parents[3] / "proto/atsbridge/v1"


def test_protobuf_uses_the_upb_c_backend() -> None:
    assert api_implementation.Type() == "upb"


def test_package_is_typed() -> None:
    assert (Path(atsbridge.__file__).parent / "py.typed").exists()
    assert (Path(atsbridge.__file__).parent / "v1/models_pb2.pyi").exists()


def test_every_rpc_of_proto_is_in_the_method_table() -> None:
    declared = set()
    for proto in PROTO.glob("*.proto"):
        text = proto.read_text()
        for service, body in re.findall(r"service (\w+) \{(.*?)\n\}", text, re.S):
            for method in re.findall(r"rpc (\w+)\(", body):
                declared.add(f"/atsbridge.v1.{service}/{method}")
    assert declared == set(METHODS)
    assert METHODS["/atsbridge.v1.AtsRead/ListCandidates"].server_streaming
    assert not METHODS["/atsbridge.v1.AtsWrite/CreateApplication"].read_only


def test_status_codes_and_error_classes() -> None:
    assert [c.value for c in StatusCode] == list(range(17))
    error = make_error(5, "no such candidate", "PLATFORM.NOT_FOUND")
    assert isinstance(error, NotFoundError) and isinstance(error, ATSBridgeError)
    assert str(error) == "NOT_FOUND PLATFORM.NOT_FOUND: no such candidate"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is NotFoundError and copy.error_code == "PLATFORM.NOT_FOUND"
    assert make_error(99).status is StatusCode.UNKNOWN


def test_to_dict_names_touched_events_and_sync_pacing() -> None:
    from atsbridge import to_dict
    from atsbridge.v1 import admin_pb2

    event = admin_pb2.ChangeEvent(sequence=1, kind=admin_pb2.CHANGE_KIND_TOUCHED, ids=["a"])
    assert to_dict(event)["kind"] == "TOUCHED"
    run = admin_pb2.SyncRun(
        id="r", remote_requests=10, rate_limited_responses=2, effective_requests_per_second=2.5
    )
    shown = to_dict(run)
    assert shown["remote_requests"] == 10 and shown["rate_limited_responses"] == 2
    assert shown["effective_requests_per_second"] == 2.5 and shown["requests_per_second_limit"] is None
