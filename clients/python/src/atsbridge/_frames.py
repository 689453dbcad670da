"""The frame layer of docs/protocol.md (§1-§2): preface, 10-byte headers, and an incremental
decoder that checks a frame's length against the receiver's limit before buffering its payload.

Pure functions and one small class; no sockets, so the conformance vectors test it directly.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from ._status import ATSBridgeError, StatusCode

#: The 8 bytes each side sends first: "ATSBRPC" and protocol version 1.
PREFACE = b"ATSBRPC\x01"
#: Length of a frame header.
HEADER_SIZE = 10
#: Default ``max_frame_size`` (4 MiB + 64 KiB) when the peer's SETTINGS omit it.
DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024 + 64 * 1024
#: Default ``max_message_size`` (4 MiB).
DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024
#: The largest payload of a frame other than MESSAGE (§2.1).
MAX_CONTROL_PAYLOAD_SIZE = 64 * 1024
#: Largest credit a stream may hold (§2.8).
MAX_CREDIT = 2**31 - 1

#: MESSAGE flag: the sender sends no more messages on the stream.
FLAG_END_STREAM = 0x1
#: PING flag: this PING answers one.
FLAG_ACK = 0x1

_HEADER = struct.Struct(">IBBI")
_U32 = struct.Struct(">I")


class FrameType(enum.IntEnum):
    """Frame types of §2.2."""

    SETTINGS = 0x0
    CALL_OPEN = 0x1
    MESSAGE = 0x2
    STATUS = 0x3
    CANCEL = 0x4
    CREDIT = 0x5
    PING = 0x6
    GOAWAY = 0x7


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame. ``type`` is an int so that unknown types survive decoding (§4 says how to treat
    them)."""

    type: int
    flags: int
    stream_id: int
    payload: bytes
    #: A MESSAGE over the receiver's ``max_message_size``: its payload was skipped, not read.
    oversize: bool = False

    @property
    def type_name(self) -> str | None:
        """The name of a known type, None for an unknown one."""
        try:
            return FrameType(self.type).name
        except ValueError:
            return None

    def encode(self) -> bytes:
        """Header and payload."""
        return encode_frame(self.type, self.flags, self.stream_id, self.payload)


class ProtocolError(ATSBridgeError):
    """A violation of docs/protocol.md by the peer. ``connection`` tells whether it ends the
    connection (§4) or only one stream."""

    connection: bool

    def __init__(self, status: StatusCode, message: str, connection: bool = True) -> None:
        super().__init__(status, message, "PLATFORM.PROTOCOL_VIOLATION")
        self.connection = connection


def encode_header(length: int, type: int, flags: int, stream_id: int) -> bytes:
    """The 10-byte big-endian header."""
    return _HEADER.pack(length, type, flags, stream_id)


def encode_frame(type: int, flags: int, stream_id: int, payload: bytes = b"") -> bytes:
    """A whole frame: header and payload."""
    return _HEADER.pack(len(payload), type, flags, stream_id) + payload


def encode_credit(count: int) -> bytes:
    """The u32 payload of a CREDIT frame."""
    return _U32.pack(count)


def decode_credit(frame: Frame) -> int:
    """The count of a CREDIT frame. A count of 0 or above 2^31-1, or a payload that is not 4
    bytes, is a connection error INVALID_ARGUMENT (§2.8, §4)."""
    if len(frame.payload) != 4:
        raise ProtocolError(StatusCode.INVALID_ARGUMENT, "CREDIT payload is not 4 bytes")
    count: int = _U32.unpack(frame.payload)[0]
    if count == 0 or count > MAX_CREDIT:
        raise ProtocolError(StatusCode.INVALID_ARGUMENT, "CREDIT grant of 0 or over 2^31-1")
    return count


class FrameDecoder:
    """Splits received bytes into frames.

    ``feed`` appends bytes; ``next_frame`` returns a whole frame or None while one is
    incomplete. A header whose length exceeds ``max_frame_size`` raises a connection
    :class:`ProtocolError` RESOURCE_EXHAUSTED as soon as the header is complete, before any of the
    payload is buffered (§2.1).
    """

    __slots__ = ("max_frame_size", "max_message_size", "_buffer", "_offset", "_skip")

    def __init__(self, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE, max_message_size: int | None = None) -> None:
        self.max_frame_size = max_frame_size
        #: MESSAGE payloads over this are skipped, not buffered (a stream error, §4).
        self.max_message_size = max_message_size
        self._buffer = bytearray()
        self._offset = 0
        self._skip = 0

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Appends received bytes."""
        if self._skip:
            skipped = min(self._skip, len(data))
            self._skip -= skipped
            data = memoryview(data)[skipped:]
        if self._offset and self._offset == len(self._buffer):
            self._buffer.clear()
            self._offset = 0
        self._buffer += data

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned as frames."""
        return len(self._buffer) - self._offset

    def pending_need(self) -> int:
        """How many more bytes complete the frame being received (at least 1)."""
        available = len(self._buffer) - self._offset
        if available < HEADER_SIZE:
            return HEADER_SIZE - available
        length: int = _U32.unpack_from(self._buffer, self._offset)[0]
        return max(1, HEADER_SIZE + length - available)

    def next_frame(self) -> Frame | None:
        """The next whole frame, or None when more bytes are needed."""
        buffer = self._buffer
        offset = self._offset
        available = len(buffer) - offset
        if available < HEADER_SIZE:
            return None
        length, type, flags, stream_id = _HEADER.unpack_from(buffer, offset)
        if length > self.max_frame_size:
            raise ProtocolError(
                StatusCode.RESOURCE_EXHAUSTED,
                f"frame of {length} bytes exceeds max_frame_size {self.max_frame_size}",
            )
        if type != FrameType.MESSAGE and length > MAX_CONTROL_PAYLOAD_SIZE:
            raise ProtocolError(
                StatusCode.RESOURCE_EXHAUSTED,
                f"a frame other than MESSAGE of {length} bytes exceeds {MAX_CONTROL_PAYLOAD_SIZE} bytes",
            )
        if self.max_message_size is not None and type == FrameType.MESSAGE and length > self.max_message_size:
            # Skip the payload as it arrives instead of buffering it.
            start = offset + HEADER_SIZE
            present = min(length, len(buffer) - start)
            del buffer[offset : start + present]
            self._skip = length - present
            return Frame(type, flags, stream_id, b"", oversize=True)
        end = offset + HEADER_SIZE + length
        if len(buffer) < end:
            return None
        payload = bytes(buffer[offset + HEADER_SIZE : end])
        if end == len(buffer):
            buffer.clear()
            self._offset = 0
        elif end > 1 << 20:
            del buffer[:end]
            self._offset = 0
        else:
            self._offset = end
        return Frame(type, flags, stream_id, payload)


def decode_frames(data: bytes, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> list[Frame]:
    """Every frame in ``data``. Raises :class:`ProtocolError` for a frame over
    ``max_frame_size`` and :class:`IncompleteFrameError` when bytes remain that do not make a
    whole frame."""
    decoder = FrameDecoder(max_frame_size)
    decoder.feed(data)
    frames = []
    while (frame := decoder.next_frame()) is not None:
        frames.append(frame)
    if decoder.buffered:
        raise IncompleteFrameError(decoder.buffered)
    return frames


class IncompleteFrameError(ValueError):
    """Bytes end inside a frame (a receiver waits for more; at end of input it is an error)."""

    def __init__(self, remaining: int) -> None:
        super().__init__(f"{remaining} bytes do not make a whole frame")
        self.remaining = remaining
