"""conformance/frames.json against the client's frame codec and protocol core."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import symbol_database

from atsbridge import to_dict
from atsbridge._frames import FrameDecoder, IncompleteFrameError, ProtocolError, decode_credit, decode_frames, encode_frame
from atsbridge._frames import FrameType

VECTORS = json.loads((Path(__file__).resolve().parents[3] / "conformance/frames.json").read_text())


def test_vectors_file_is_current() -> None:
    script = Path(__file__).resolve().parents[3] / "conformance/tools/build_vectors.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert VECTORS["version"] == 1
    assert len(VECTORS["frames"]) >= 20 and len(VECTORS["invalid_frames"]) >= 8 and len(VECTORS["sessions"]) >= 15


def _subset(actual: object, expected: object) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _subset(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(_subset, actual, expected))
    return actual == expected


@pytest.mark.parametrize("vector", VECTORS["frames"], ids=lambda v: v["name"])
def test_valid_frame_decodes_and_encodes(vector: dict) -> None:
    data = bytes.fromhex(vector["hex"])
    (frame,) = decode_frames(data)
    assert (frame.type, frame.flags, frame.stream_id) == (vector["type"], vector["flags"], vector["stream_id"])
    assert frame.type_name == vector["type_name"]
    assert frame.payload.hex() == vector["payload_hex"]
    assert encode_frame(vector["type"], vector["flags"], vector["stream_id"], frame.payload) == data
    if "message" in vector:
        cls = symbol_database.Default().GetSymbol(vector["message"]["type"])
        message = cls.FromString(frame.payload)
        assert _subset(to_dict(message), vector["message"]["json"]), to_dict(message)
        assert cls.FromString(message.SerializeToString()) == message
    if "credit" in vector:
        assert frame.type == FrameType.CREDIT
        assert decode_credit(frame) == vector["credit"]


@pytest.mark.parametrize("vector", VECTORS["invalid_frames"], ids=lambda v: v["name"])
def test_invalid_frame_is_refused(vector: dict) -> None:
    data = bytes.fromhex(vector["hex"])
    error = vector["error"]
    if error["kind"] == "incomplete":
        with pytest.raises(IncompleteFrameError):
            decode_frames(data, vector["max_frame_size"])
        return
    with pytest.raises(ProtocolError) as caught:
        for frame in decode_frames(data, vector["max_frame_size"]):
            if frame.type == FrameType.CREDIT:
                decode_credit(frame)
    assert caught.value.connection
    assert caught.value.status.name == error["status"]


def test_oversize_header_fails_before_payload_arrives() -> None:
    decoder = FrameDecoder(max_frame_size=16)
    decoder.feed(bytes.fromhex("00000011020000000001"))  # header only, length 17
    with pytest.raises(ProtocolError):
        decoder.next_frame()


def test_frames_split_at_every_byte() -> None:
    data = b"".join(bytes.fromhex(v["hex"]) for v in VECTORS["frames"])
    decoder = FrameDecoder()
    frames = []
    for i in range(len(data)):
        decoder.feed(data[i : i + 1])
        while (frame := decoder.next_frame()) is not None:
            frames.append(frame)
    assert [f.encode().hex() for f in frames] == [v["hex"] for v in VECTORS["frames"]]


def test_oversize_message_is_skipped_not_buffered() -> None:
    decoder = FrameDecoder(max_frame_size=1000, max_message_size=10)
    decoder.feed(encode_frame(FrameType.MESSAGE, 0, 1, b"x" * 11)[:12])
    frame = decoder.next_frame()
    assert frame is not None and frame.oversize and frame.payload == b""
    assert decoder.buffered == 0
    decoder.feed(b"x" * 9 + encode_frame(FrameType.PING, 0, 0, bytes(8)))
    frame = decoder.next_frame()
    assert frame is not None and frame.type == FrameType.PING
