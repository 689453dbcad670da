#!/usr/bin/env python3
"""Writes conformance/frames.json. Each vector's bytes are built here with struct and the
protobuf classes generated from proto/; each expectation is written by hand from the section of
docs/protocol.md cited beside it (never from an implementation's behaviour).

    python3 conformance/tools/build_vectors.py          # rewrite frames.json
    python3 conformance/tools/build_vectors.py --check  # fail when frames.json differs
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

repo = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(repo / "clients/python/src"))

from atsbridge.v1 import rpc_pb2, read_pb2  # noqa: E402

SETTINGS, CALL_OPEN, MESSAGE, STATUS, CANCEL, CREDIT, PING, GOAWAY = range(8)
TYPE_NAMES = ["SETTINGS", "CALL_OPEN", "MESSAGE", "STATUS", "CANCEL", "CREDIT", "PING", "GOAWAY"]
END_STREAM = ACK = 0x1
DEFAULT_MAX_FRAME = 4 * 1024 * 1024 + 64 * 1024  # §1.2
PING_METHOD = "/atsbridge.v1.Health/Ping"
LIST_CANDIDATES = "/atsbridge.v1.AtsRead/ListCandidates"


def frame(type: int, stream: int, payload: bytes = b"", flags: int = 0) -> bytes:
    """§2.1: u32 length, u8 type, u8 flags, u32 stream id, big-endian, then the payload."""
    return struct.pack(">IBBI", len(payload), type, flags, stream) + payload


def header_only(length: int, type: int, stream: int, flags: int = 0) -> bytes:
    return struct.pack(">IBBI", length, type, flags, stream)


def call_open(stream: int, method: str, **fields) -> bytes:
    return frame(CALL_OPEN, stream, rpc_pb2.CallOpen(method=method, **fields).SerializeToString())


def ping_request(stream: int, payload: bytes = b"") -> bytes:
    msg = rpc_pb2.PingRequest(payload=payload) if payload else rpc_pb2.PingRequest()
    return frame(MESSAGE, stream, msg.SerializeToString(), END_STREAM)


def credit(stream: int, count: int) -> bytes:
    return frame(CREDIT, stream, struct.pack(">I", count))


def frame_vector(name: str, type: int, stream: int, payload: bytes, flags: int = 0, message=None, credit=None):
    vector = {
        "name": name,
        "hex": frame(type, stream, payload, flags).hex(),
        "type": type,
        "type_name": TYPE_NAMES[type],
        "flags": flags,
        "stream_id": stream,
        "payload_hex": payload.hex(),
    }
    if message is not None:
        proto_type, proto_json = message
        vector["message"] = {"type": proto_type, "json": proto_json}
    if credit is not None:
        vector["credit"] = credit
    return vector


def frames() -> list[dict]:
    out = []
    out.append(frame_vector("settings_empty", SETTINGS, 0, b"", message=("atsbridge.v1.Settings", {})))
    out.append(frame_vector(
        "settings_client_initial_credit", SETTINGS, 0,
        rpc_pb2.Settings(initial_credit=32).SerializeToString(),
        message=("atsbridge.v1.Settings", {"initial_credit": 32}),
    ))
    server = {"max_frame_size": DEFAULT_MAX_FRAME, "max_concurrent_streams": 100,
              "initial_credit": 1, "max_message_size": 4 * 1024 * 1024}
    out.append(frame_vector(
        "settings_server_defaults", SETTINGS, 0, rpc_pb2.Settings(**server).SerializeToString(),
        message=("atsbridge.v1.Settings", server),
    ))
    out.append(frame_vector(
        "call_open_ping", CALL_OPEN, 1, rpc_pb2.CallOpen(method=PING_METHOD).SerializeToString(),
        message=("atsbridge.v1.CallOpen", {"method": PING_METHOD, "timeout_ms": None, "api_key": None}),
    ))
    fields = {"method": LIST_CANDIDATES, "timeout_ms": 5000, "api_key": "demo-key-change-me-0001",
              "integration_id": "demo", "request_id": "req-1"}
    out.append(frame_vector(
        "call_open_list_candidates", CALL_OPEN, 3, rpc_pb2.CallOpen(
            **fields, metadata=[rpc_pb2.MetadataEntry(key="x-trace", value="abc")]).SerializeToString(),
        message=("atsbridge.v1.CallOpen", {**fields, "idempotency_key": None,
                                           "metadata": [{"key": "x-trace", "value": "abc"}]}),
    ))
    out.append(frame_vector(
        "call_open_large_stream_id", CALL_OPEN, 0xFFFFFFFF,
        rpc_pb2.CallOpen(method=PING_METHOD).SerializeToString(),
        message=("atsbridge.v1.CallOpen", {"method": PING_METHOD}),
    ))
    out.append(frame_vector(
        "message_ping_request_end_stream", MESSAGE, 1,
        rpc_pb2.PingRequest(payload=b"\x01\x02\x03").SerializeToString(), END_STREAM,
        message=("atsbridge.v1.PingRequest", {"payload": "AQID"}),
    ))
    out.append(frame_vector(
        "message_empty_end_stream", MESSAGE, 1, b"", END_STREAM,
        message=("atsbridge.v1.PingRequest", {"payload": None}),
    ))
    # §2.2: unknown flags MUST be ignored; 0x80 is not END_STREAM.
    out.append(frame_vector(
        "message_unknown_flag_is_not_end_stream", MESSAGE, 5,
        read_pb2.ListCandidatesRequest(page=read_pb2.PageRequest(page_size=500)).SerializeToString(), 0x80,
        message=("atsbridge.v1.ListCandidatesRequest", {"page": {"page_size": 500, "cursor": None}, "email": None}),
    ))
    out.append(frame_vector(
        "status_ok", STATUS, 1, rpc_pb2.Status(code=rpc_pb2.STATUS_CODE_OK).SerializeToString(),
        message=("atsbridge.v1.Status", {"code": "OK", "error_code": None, "message": None, "details": []}),
    ))
    out.append(frame_vector(
        "status_invalid_argument_with_details", STATUS, 7, rpc_pb2.Status(
            code=rpc_pb2.STATUS_CODE_INVALID_ARGUMENT, error_code="PLATFORM.INPUT_INVALID",
            message="candidate.email_address is not a valid email address",
            details=[rpc_pb2.ErrorDetail(field="candidate.email_address", reason="invalid")]).SerializeToString(),
        message=("atsbridge.v1.Status", {
            "code": "INVALID_ARGUMENT", "error_code": "PLATFORM.INPUT_INVALID",
            "message": "candidate.email_address is not a valid email address",
            "details": [{"field": "candidate.email_address", "reason": "invalid"}]}),
    ))
    out.append(frame_vector(
        "status_unauthenticated", STATUS, 9, rpc_pb2.Status(
            code=rpc_pb2.STATUS_CODE_UNAUTHENTICATED, error_code="PLATFORM.AUTHENTICATION_INVALID").SerializeToString(),
        message=("atsbridge.v1.Status", {"code": "UNAUTHENTICATED", "error_code": "PLATFORM.AUTHENTICATION_INVALID"}),
    ))
    # §2.7: CANCEL's Status MAY be empty.
    out.append(frame_vector("cancel_empty", CANCEL, 3, b""))
    out.append(frame_vector(
        "cancel_with_status", CANCEL, 3, rpc_pb2.Status(code=rpc_pb2.STATUS_CODE_CANCELLED).SerializeToString(),
        message=("atsbridge.v1.Status", {"code": "CANCELLED"}),
    ))
    out.append(frame_vector("credit_16", CREDIT, 1, struct.pack(">I", 16), credit=16))
    out.append(frame_vector("credit_1", CREDIT, 0x01020304, struct.pack(">I", 1), credit=1))
    # §2.8: a grant up to 2^31-1 is valid on its own.
    out.append(frame_vector("credit_max", CREDIT, 1, struct.pack(">I", 2**31 - 1), credit=2**31 - 1))
    out.append(frame_vector("ping", PING, 0, bytes.fromhex("0001020304050607")))
    out.append(frame_vector("ping_ack", PING, 0, bytes.fromhex("0001020304050607"), ACK))
    out.append(frame_vector(
        "goaway_idle", GOAWAY, 0, rpc_pb2.GoAway(last_stream_id=7, code=rpc_pb2.STATUS_CODE_OK,
                                                  message="idle").SerializeToString(),
        message=("atsbridge.v1.GoAway", {"last_stream_id": 7, "code": "OK", "message": "idle"}),
    ))
    out.append(frame_vector(
        "goaway_protocol_error", GOAWAY, 0, rpc_pb2.GoAway(
            last_stream_id=0, code=rpc_pb2.STATUS_CODE_INVALID_ARGUMENT).SerializeToString(),
        message=("atsbridge.v1.GoAway", {"last_stream_id": 0, "code": "INVALID_ARGUMENT", "message": None}),
    ))
    # §5: the header of a CALL_OPEN with a 95-byte payload on stream 1.
    payload = rpc_pb2.CallOpen(method=LIST_CANDIDATES, timeout_ms=5000, api_key="k" * 39,
                               integration_id="Int3gr4t10n").SerializeToString()
    assert len(payload) == 95, len(payload)
    vector = frame_vector(
        "call_open_spec_example_header", CALL_OPEN, 1, payload,
        message=("atsbridge.v1.CallOpen", {"method": LIST_CANDIDATES, "timeout_ms": 5000,
                                           "integration_id": "Int3gr4t10n"}))
    assert vector["hex"].startswith("0000005f010000000001")
    out.append(vector)
    return out


def invalid_frames() -> list[dict]:
    exhausted = {"kind": "connection", "status": "RESOURCE_EXHAUSTED"}
    incomplete = {"kind": "incomplete"}
    invalid = {"kind": "connection", "status": "INVALID_ARGUMENT"}
    return [
        # §2.1: the length is checked as soon as the header is read, before the payload: the hex
        # holds only the header, and the error is due without any payload byte.
        {"name": "length_over_max_frame_size_header_only", "hex": header_only(17, MESSAGE, 1).hex(),
         "max_frame_size": 16, "error": exhausted},
        {"name": "length_over_default_max_frame_size", "hex": header_only(DEFAULT_MAX_FRAME + 1, MESSAGE, 1).hex(),
         "max_frame_size": DEFAULT_MAX_FRAME, "error": exhausted},
        {"name": "length_u32_max", "hex": header_only(0xFFFFFFFF, SETTINGS, 0).hex(),
         "max_frame_size": DEFAULT_MAX_FRAME, "error": exhausted},
        {"name": "length_over_limit_on_unknown_type", "hex": header_only(1000, 0x2A, 0).hex(),
         "max_frame_size": 999, "error": exhausted},
        # §2.1: frames other than MESSAGE carry at most 64 KiB, whatever the max_frame_size.
        {"name": "settings_over_64_kib_header_only", "hex": header_only(64 * 1024 + 1, SETTINGS, 0).hex(),
         "max_frame_size": DEFAULT_MAX_FRAME, "error": exhausted},
        {"name": "call_open_over_64_kib_header_only", "hex": header_only(64 * 1024 + 1, CALL_OPEN, 1).hex(),
         "max_frame_size": DEFAULT_MAX_FRAME, "error": exhausted},
        # A header cut short, or a payload shorter than the header's length: a receiver waits for
        # more bytes; at the end of the input the frame is incomplete.
        {"name": "header_truncated", "hex": frame(PING, 0, bytes(8))[:9].hex(),
         "max_frame_size": DEFAULT_MAX_FRAME, "error": incomplete},
        {"name": "payload_truncated", "hex": frame(PING, 0, bytes(8))[:14].hex(),
         "max_frame_size": DEFAULT_MAX_FRAME, "error": incomplete},
        {"name": "length_at_limit_payload_missing", "hex": header_only(16, MESSAGE, 1).hex(),
         "max_frame_size": 16, "error": incomplete},
        # §2.8 and §4: a CREDIT grant of 0, or over 2^31-1, is a connection error INVALID_ARGUMENT.
        {"name": "credit_zero", "hex": credit(1, 0).hex(), "max_frame_size": DEFAULT_MAX_FRAME, "error": invalid},
        {"name": "credit_over_2_31_minus_1", "hex": credit(1, 2**31).hex(),
         "max_frame_size": DEFAULT_MAX_FRAME, "error": invalid},
    ]


def sessions() -> list[dict]:
    unknown_type = 0x2A
    return [
        {"name": "health_ping_without_key",
         "description": "§3.5: /atsbridge.v1.Health/Ping needs no key; a unary call ends with STATUS OK (§3.1).",
         "client_hex": [call_open(1, PING_METHOD).hex(), ping_request(1, b"hi").hex()],
         "expect": {"stream_status": {"stream_id": 1, "code": "OK", "frame": "STATUS"}}},
        {"name": "connection_ping_answered",
         "description": "§2.9: the peer MUST answer a PING with a PING ACK carrying the same 8 bytes.",
         "client_hex": [frame(PING, 0, bytes.fromhex("a1b2c3d4e5f60718")).hex()],
         "expect": {"pong": "a1b2c3d4e5f60718"}},
        {"name": "unknown_method",
         "description": "§4: unknown method is a stream error UNIMPLEMENTED.",
         "client_hex": [call_open(1, "/atsbridge.v1.Nope/Nothing").hex(), ping_request(1).hex()],
         "expect": {"stream_status": {"stream_id": 1, "code": "UNIMPLEMENTED", "frame": "STATUS"}}},
        {"name": "read_without_key",
         "description": "§3.5: a key missing is UNAUTHENTICATED, for every method but Health/Ping.",
         "client_hex": [call_open(1, LIST_CANDIDATES, integration_id="demo").hex(),
                        frame(MESSAGE, 1, b"", END_STREAM).hex()],
         "expect": {"stream_status": {"stream_id": 1, "code": "UNAUTHENTICATED", "frame": "STATUS"}}},
        {"name": "read_with_unknown_key",
         "description": "§3.5: an unknown key is UNAUTHENTICATED.",
         "client_hex": [call_open(1, LIST_CANDIDATES, integration_id="demo",
                                  api_key="no-such-key-0000000000000000").hex(),
                        frame(MESSAGE, 1, b"", END_STREAM).hex()],
         "expect": {"stream_status": {"stream_id": 1, "code": "UNAUTHENTICATED", "frame": "STATUS"}}},
        {"name": "undecodable_call_open",
         "description": "§4: an undecodable CALL_OPEN is a stream error INVALID_ARGUMENT "
                        "(here the required `method` is missing).",
         "client_hex": [frame(CALL_OPEN, 1, rpc_pb2.CallOpen(timeout_ms=1000).SerializePartialToString()).hex()],
         "expect": {"stream_status": {"stream_id": 1, "code": "INVALID_ARGUMENT", "frame": "STATUS"}}},
        {"name": "undecodable_request_message",
         "description": "§4: an undecodable request message is a stream error INVALID_ARGUMENT "
                        "(a field tag with wire type 7 does not exist).",
         "client_hex": [call_open(1, PING_METHOD).hex(), frame(MESSAGE, 1, b"\x0f\x01", END_STREAM).hex()],
         "expect": {"stream_status": {"stream_id": 1, "code": "INVALID_ARGUMENT", "frame": "STATUS"}}},
        {"name": "call_open_id_not_increasing",
         "description": "§2.4, §4: a CALL_OPEN whose id is not above every earlier id is a connection "
                        "error INVALID_ARGUMENT (GOAWAY, then close).",
         "client_hex": [call_open(5, PING_METHOD).hex(), ping_request(5).hex(),
                        call_open(3, PING_METHOD).hex(), ping_request(3).hex()],
         "expect": {"goaway": "INVALID_ARGUMENT"}},
        {"name": "call_open_id_reused",
         "description": "§2.4, §4: reusing a stream id is not above every earlier id: connection error "
                        "INVALID_ARGUMENT.",
         "client_hex": [call_open(1, PING_METHOD).hex(), ping_request(1).hex(),
                        call_open(1, PING_METHOD).hex(), ping_request(1).hex()],
         "expect": {"goaway": "INVALID_ARGUMENT"}},
        {"name": "message_on_never_opened_stream",
         "description": "§4: MESSAGE on a stream never opened is a connection error INVALID_ARGUMENT.",
         "client_hex": [ping_request(9).hex()],
         "expect": {"goaway": "INVALID_ARGUMENT"}},
        {"name": "credit_on_never_opened_stream",
         "description": "§4: CREDIT on a stream never opened is a connection error INVALID_ARGUMENT.",
         "client_hex": [credit(9, 4).hex()],
         "expect": {"goaway": "INVALID_ARGUMENT"}},
        {"name": "cancel_on_never_opened_stream",
         "description": "§4: CANCEL on a stream never opened is a connection error INVALID_ARGUMENT.",
         "client_hex": [frame(CANCEL, 9).hex()],
         "expect": {"goaway": "INVALID_ARGUMENT"}},
        {"name": "credit_zero_on_open_stream",
         "description": "§2.8, §4: a CREDIT of 0 is a connection error INVALID_ARGUMENT. The stream is "
                        "open (its request message is not sent yet).",
         "client_hex": [call_open(1, PING_METHOD).hex(), credit(1, 0).hex()],
         "expect": {"goaway": "INVALID_ARGUMENT"}},
        {"name": "credit_overflow_on_open_stream",
         "description": "§2.8, §4: a CREDIT that takes the stream's credit over 2^31-1 is a connection "
                        "error INVALID_ARGUMENT (the client's SETTINGS gave the stream 32 already).",
         "client_hex": [call_open(1, PING_METHOD).hex(), credit(1, 2**31 - 1).hex()],
         "expect": {"goaway": "INVALID_ARGUMENT"}},
        {"name": "frame_length_over_max_frame_size",
         "description": "§2.1, §4: a header whose length exceeds the server's max_frame_size is a "
                        "connection error RESOURCE_EXHAUSTED, detected before the payload: no payload "
                        "byte is sent. The length is 2^32-1, above any max_frame_size a server "
                        "announces (the demo server announces 16 MiB + 64 KiB, from its "
                        "max_message_bytes).",
         "client_hex": [call_open(1, PING_METHOD).hex(), header_only(0xFFFFFFFF, MESSAGE, 1).hex()],
         "expect": {"goaway": "RESOURCE_EXHAUSTED"}},
        {"name": "unknown_type_on_stream_0_ignored",
         "description": "§4: an unknown frame type on stream 0 is ignored; the PING after it is "
                        "answered.",
         "client_hex": [frame(unknown_type, 0, b"future").hex(), frame(PING, 0, bytes.fromhex("0102030405060708")).hex()],
         "expect": {"pong": "0102030405060708"}},
        {"name": "unknown_type_on_open_stream_resets_it",
         "description": "§2.7, §4: an unknown frame type on an open stream resets the stream: CANCEL "
                        "with Status INVALID_ARGUMENT.",
         "client_hex": [call_open(1, PING_METHOD).hex(), frame(unknown_type, 1, b"future").hex()],
         "expect": {"stream_status": {"stream_id": 1, "code": "INVALID_ARGUMENT", "frame": "CANCEL"}}},
        {"name": "unknown_flags_ignored",
         "description": "§2.2: unknown flags MUST be ignored; a request MESSAGE with flags 0x81 is "
                        "END_STREAM and the call succeeds.",
         "client_hex": [call_open(1, PING_METHOD).hex(),
                        frame(MESSAGE, 1, b"", END_STREAM | 0x80).hex()],
         "expect": {"stream_status": {"stream_id": 1, "code": "OK", "frame": "STATUS"}}},
        {"name": "cancel_then_ping",
         "description": "§2.7, §4: CANCEL closes a stream (or is ignored if the stream already "
                        "closed); the connection goes on and answers a PING.",
         "client_hex": [call_open(1, PING_METHOD).hex(), ping_request(1).hex(), frame(CANCEL, 1).hex(),
                        frame(PING, 0, bytes.fromhex("1111111111111111")).hex()],
         "expect": {"pong": "1111111111111111"}},
        {"name": "wrong_preface",
         "description": "§1.1: a server that reads anything else as its first 8 bytes MUST close "
                        "the connection at once without answering (no GOAWAY, no STATUS).",
         "handshake": False,
         "client_hex": [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".hex()],
         "expect": {"close": True}},
        {"name": "call_open_before_settings",
         "description": "§1.2, §4: a server MUST NOT process a CALL_OPEN that arrives before the "
                        "client's SETTINGS; it closes the connection instead.",
         "handshake": False,
         "client_hex": [b"ATSBRPC\x01".hex(), call_open(1, PING_METHOD).hex(), ping_request(1).hex()],
         "expect": {"close": True}},
    ]


def main() -> int:
    document = {"version": 1, "frames": frames(), "invalid_frames": invalid_frames(), "sessions": sessions()}
    text = json.dumps(document, indent=1) + "\n"
    path = repo / "conformance/frames.json"
    if "--check" in sys.argv:
        if path.read_text() != text:
            print("conformance/frames.json is out of date; run conformance/tools/build_vectors.py", file=sys.stderr)
            return 1
        return 0
    path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
