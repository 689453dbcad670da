"""Writes records to a file as NDJSON or varint-delimited protobuf (the CLI's export formats)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from ._json import to_dict


def encode_varint(value: int) -> bytes:
    """An unsigned protobuf varint."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def iter_delimited(source: str | os.PathLike[str] | IO[bytes], message_type: Any) -> Iterator[Any]:
    """The messages of a varint-delimited protobuf file (``export_to(..., format="protobuf")``,
    ``atsbridge export --format protobuf``), one at a time: ``parseDelimitedFrom`` in a loop,
    reading as it goes, so a large export is never held in memory whole. ``source`` is a path or
    a binary file object; a truncated last record raises :class:`ValueError`.

    >>> for application in iter_delimited("applications.pb", models_pb2.Application): ...
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            yield from iter_delimited(file, message_type)
        return
    while True:
        length = shift = 0
        while True:
            byte = source.read(1)
            if not byte:
                if shift:
                    raise ValueError("the file ends inside a record's length")
                return
            length |= (byte[0] & 0x7F) << shift
            shift += 7
            if not byte[0] & 0x80:
                break
            if shift > 63:
                raise ValueError("a record's length is not a varint")
        data = source.read(length)
        if len(data) != length:
            raise ValueError(f"the file ends inside a record ({len(data)} of {length} bytes)")
        yield message_type.FromString(data)


def read_delimited(data: bytes, message_type: Any) -> list[Any]:
    """Decodes a varint-delimited file's bytes into a list of messages (see
    :func:`iter_delimited`, which streams from a file)."""
    return list(iter_delimited(io.BytesIO(data), message_type))


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
