"""Writes records to a file as NDJSON or varint-delimited protobuf (the CLI's export formats)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Iterable

from ._json import to_dict


def encode_varint(value: int) -> bytes:
    """An unsigned protobuf varint."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_delimited(data: bytes, message_type: Any) -> list[Any]:
    """Decodes a varint-delimited file's bytes into messages (``parseDelimitedFrom`` in a loop)."""
    out = []
    offset = 0
    while offset < len(data):
        shift = length = 0
        while True:
            byte = data[offset]
            offset += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        out.append(message_type.FromString(data[offset : offset + length]))
        offset += length
    return out


class ExportWriter:
    """A file being exported to; ``write_page`` appends records, ``count`` counts them."""

    def __init__(self, path: Path, format: str) -> None:
        if format not in ("ndjson", "protobuf"):
            raise ValueError(f"format {format!r} is not 'ndjson' or 'protobuf'")
        self.path = path
        self.format = format
        self.count = 0
        self._file: IO[bytes] | None = None

    def __enter__(self) -> "ExportWriter":
        self._file = open(self.path, "wb")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._file is not None
        self._file.close()

    def write_page(self, records: Iterable[Any]) -> None:
        """Appends the records of one page."""
        assert self._file is not None
        chunks: list[bytes] = []
        if self.format == "protobuf":
            for record in records:
                data = record.SerializeToString()
                chunks.append(encode_varint(len(data)))
                chunks.append(data)
        else:
            for record in records:
                chunks.append(json.dumps(to_dict(record), ensure_ascii=False, separators=(",", ":")).encode())
                chunks.append(b"\n")
        self.count += len(chunks) // 2
        self._file.write(b"".join(chunks))
