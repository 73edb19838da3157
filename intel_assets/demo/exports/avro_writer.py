"""A column-wise Avro object container writer for flat records, vectorised with numpy.

fastavro encodes one record at a time (tens of microseconds for a thirty-field record here),
which makes half a million Currents events take longer than a demo export may. Flat records of
strings, ints, longs, booleans and their `["null", T]` unions are simple enough to encode a
field at a time for every record at once: each field becomes a block of bytes per record
padded to a common width, the blocks are laid side by side, and one boolean mask keeps each
record's used bytes in order. The files are ordinary Avro
containers (magic, `avro.schema` metadata, sync markers, uncompressed blocks) that any reader,
fastavro included, reads back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MAGIC = b"Obj\x01"
BLOCK_RECORDS = 4_000

Encoded = tuple[np.ndarray, np.ndarray]  # (bytes per record, concatenated bytes)


@dataclass(frozen=True)
class Block:
    """Some bytes of every record, padded to a common width: row i holds record i's bytes in
    its first `valid[i].sum()` columns; `valid` None means every row uses the full width."""

    data: np.ndarray  # (records, width) uint8
    valid: np.ndarray | None = None  # (records, width) bool


# A part of every record: the same bytes for each record, or a block.
Part = bytes | Block


def _varints(values: np.ndarray) -> Block:
    """Avro's variable-length encoding of unsigned values (already zig-zagged)."""
    values = np.asarray(values, dtype=np.uint64)
    bits = np.zeros(len(values), dtype=np.int64)
    remaining = values.copy()
    while (remaining > 0).any():
        bits += remaining > 0
        remaining >>= np.uint64(7)
    width = max(1, int(bits.max(initial=1)))
    groups = np.stack(
        [(values >> np.uint64(7 * j)) & np.uint64(0x7F) for j in range(width)], axis=1
    )
    lengths = np.maximum(bits, 1)
    more = np.arange(width)[None, :] < (lengths - 1)[:, None]
    data = (groups | np.where(more, np.uint64(0x80), np.uint64(0))).astype(np.uint8)
    if (lengths == width).all():
        return Block(data)
    return Block(data, np.arange(width)[None, :] < lengths[:, None])


def _zigzag(values: np.ndarray) -> np.ndarray:
    signed = np.asarray(values, dtype=np.int64)
    return ((signed << 1) ^ (signed >> 63)).astype(np.uint64)


def _ragged(lengths: np.ndarray, data: np.ndarray) -> Block:
    """A block from a buffer of consecutive per-record byte strings; the boolean mask places
    every byte at once, in row-major order, which is the buffer's order."""
    width = int(lengths.max(initial=0))
    if (lengths == width).all():
        return Block(data.reshape(len(lengths), width))
    valid = np.arange(width)[None, :] < lengths[:, None]
    padded = np.zeros(valid.shape, dtype=np.uint8)
    padded[valid] = data
    return Block(padded, valid)


def _interleave(parts: list[Part], n: int) -> Encoded:
    """Per record, the bytes of every part in order: the blocks side by side, then only the
    used bytes of each row, which a boolean mask takes in record order."""
    blocks = [
        Block(np.broadcast_to(np.frombuffer(part, np.uint8), (n, len(part))))
        if isinstance(part, bytes) else part
        for part in parts
    ]
    data = np.hstack([block.data for block in blocks])
    if all(block.valid is None for block in blocks):
        return np.full(n, data.shape[1], dtype=np.int64), data.ravel()
    valid = np.hstack([
        np.ones(block.data.shape, dtype=bool) if block.valid is None else block.valid
        for block in blocks
    ])
    return valid.sum(axis=1), data[valid]


def _utf8(values: np.ndarray) -> Block:
    """The UTF-8 bytes of each string (no length prefix)."""
    text = "".join(values)
    data = text.encode("utf-8")
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if len(data) != len(text):
        lengths = np.fromiter((len(v.encode("utf-8")) for v in values), dtype=np.int64,
                              count=len(values))
    return _ragged(lengths, np.frombuffer(data, dtype=np.uint8))


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return _long(len(data)) + data


def _spread(present: np.ndarray, part: Part) -> Block:
    """A part of the present rows spread over all rows; absent rows use none of its bytes."""
    if isinstance(part, bytes):
        part = Block(np.broadcast_to(np.frombuffer(part, np.uint8),
                                     (int(present.sum()), len(part))))
    data = np.zeros((len(present), part.data.shape[1]), dtype=np.uint8)
    data[present] = part.data
    valid = np.zeros(data.shape, dtype=bool)
    valid[present] = True if part.valid is None else part.valid
    return Block(data, valid)


def _scalar(base: Any, value: object) -> bytes:
    if base == "string" and isinstance(value, str):
        return _string(value)
    if base == "boolean" and isinstance(value, bool):
        return bytes([int(value)])
    if base in ("int", "long") and isinstance(value, int) and not isinstance(value, bool):
        return _long(value)
    raise ValueError(f"{value!r} is not an Avro {base}")


def _parts(kind: Any, values: np.ndarray | object | None, n: int) -> list[Part]:
    """A field's encoding as parts; `values` is an array, one value for every record, or
    None for a null field."""
    nullable = isinstance(kind, list)
    base = kind[1] if nullable else kind
    if values is not None and not isinstance(values, np.ndarray):
        return [(b"\x02" if nullable else b"") + _scalar(base, values)]
    if values is None:
        if not nullable:
            raise ValueError(f"a required {base} field has no values")
        return [b"\x00"]
    if nullable:
        present = np.asarray(pd.notna(values), dtype=bool)
        if not present.any():
            return [b"\x00"]
        if isinstance(base, dict):
            raise ValueError("only null values are written for complex union branches")
        chosen = np.asarray(values, dtype=object)
        if present.all():
            return [b"\x02", *_parts(base, chosen, n)]
        branch = Block(np.where(present, 2, 0).astype(np.uint8)[:, None])
        inner = _parts(base, chosen[present], int(present.sum()))
        return [branch, *[_spread(present, part) for part in inner]]
    if base == "string":
        values = np.asarray(values, dtype=object)
        if n and (values == values[0]).all():
            return [_string(values[0])]
        text = _utf8(values)
        lengths = text.data.shape[1] if text.valid is None else text.valid.sum(axis=1)
        return [_varints(_zigzag(np.broadcast_to(lengths, (n,)))), text]
    if base in ("int", "long"):
        return [_varints(_zigzag(np.asarray(values, dtype=np.int64)))]
    if base == "boolean":
        flags = np.asarray(values, dtype=bool)
        if n and (flags == flags[0]).all():
            return [bytes([int(flags[0])])]
        return [Block(flags.astype(np.uint8)[:, None])]
    raise ValueError(f"no column encoding for Avro type {base!r}")


def encode(schema: dict, columns: dict[str, Any], n: int) -> Encoded:
    """Every record's bytes: `columns` by field name, each an array or one value for all
    records; a missing column is all null."""
    merged: list[Part] = []
    for field in schema["fields"]:
        for part in _parts(field["type"], columns.get(field["name"]), n):
            if isinstance(part, bytes) and merged and isinstance(merged[-1], bytes):
                merged[-1] += part
            else:
                merged.append(part)
    if not merged:
        return np.zeros(n, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    return _interleave(merged, n)


def _long(value: int) -> bytes:
    """One zig-zag varint, for the few numbers of a header or block."""
    value = (value << 1) ^ (value >> 63)
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _metadata(schema: dict) -> bytes:
    """The header after the magic and before the sync marker: the `avro.schema` map entry."""
    text = json.dumps(schema, separators=(",", ":")).encode()
    key = b"avro.schema"
    return _long(1) + _long(len(key)) + key + _long(len(text)) + text + _long(0)


class Container:
    """Encodes the records once, then writes any contiguous range of them as one file."""

    def __init__(self, schema: dict, columns: dict[str, Any], n: int) -> None:
        self.metadata = _metadata(schema)
        self.lengths, self.data = encode(schema, columns, n)
        self.offsets = np.concatenate([[0], np.cumsum(self.lengths)])

    def write(self, path: Path, start: int, stop: int, sync: bytes) -> None:
        if len(sync) != 16:
            raise ValueError("an Avro sync marker has 16 bytes")
        chunks = [MAGIC, self.metadata, sync]
        for first in range(start, stop, BLOCK_RECORDS):
            last = min(first + BLOCK_RECORDS, stop)
            body = self.data[self.offsets[first]:self.offsets[last]]
            chunks += [_long(last - first), _long(len(body)), body.tobytes(), sync]
        path.write_bytes(b"".join(chunks))
