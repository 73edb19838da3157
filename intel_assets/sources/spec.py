"""How a tool's export object is described: which files, how to read them, which fields.

A raw table is declared, not coded: a reader turns each file into numbered records (JSON
text), and each column says where in the record its value lives and what type it must have.
The same declaration yields the DuckDB table, the validation and the documentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal[
    "string",  # ids stay strings even where a tool sends numbers (int64 ids exceed 2^53)
    "integer",
    "float",
    "decimal",  # money sent as decimal strings or plain decimals
    "boolean",  # true/false, "true"/"false", 1/0, "yes"/"no", any case
    "epoch_s",  # Unix seconds
    "epoch_ms",  # Unix milliseconds
    "timestamp",  # ISO 8601 with or without zone; no zone means UTC
    "date",  # YYYY-MM-DD
    "ymd",  # an object {year, month, day}
    "json",  # a nested value kept whole, as JSON text
]

DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "float": "DOUBLE",
    "decimal": "DECIMAL(20, 6)",
    "boolean": "BOOLEAN",
    "epoch_s": "TIMESTAMP",
    "epoch_ms": "TIMESTAMP",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "ymd": "DATE",
    "json": "JSON",
}


@dataclass(frozen=True)
class Record:
    """One record read from a file: its position there and its JSON text, or why it failed."""

    row_number: int
    text: str | None
    error: str | None = None


# A reader takes one file and yields its records in order. It raises `UnreadableFile` when
# the file as a whole cannot be read (not a zip, not JSON at all, a broken Avro header).
Reader = Callable[[Path], Iterator[Record]]


class UnreadableFile(ValueError):
    """A file that cannot be read at all; nothing from it is loaded."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: cannot be read: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Column:
    """A column of a raw table: where its value sits in a record and what type it must have.

    `path` is dotted (`properties.time`, `items.data[0].price.unit_amount`); a key that
    itself contains dots or odd characters is written in double quotes
    (`properties."$insert_id"`).
    """

    name: str
    path: str
    kind: Kind = "string"
    required: bool = False
    description: str = ""
    minimum: float | None = None  # numeric kinds: smaller values are quarantined
    maximum: float | None = None

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.kind]


@dataclass(frozen=True)
class RawObject:
    """One object a tool exports (Mixpanel events, HubSpot contacts, Stripe invoices)."""

    tool: str
    name: str
    family: str
    reader: Reader
    patterns: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str
    # Records only a business has (companies, deals): a consumer business may deliver none.
    business_only: bool = False

    @property
    def table(self) -> str:
        return f"{self.tool}_{self.name}"

    @property
    def asset_path(self) -> list[str]:
        return ["raw", self.tool, self.name]

    def files(self, folder: Path) -> list[Path]:
        """Every file of this object in a landing folder, in a stable order."""
        found = {path for pattern in self.patterns for path in folder.glob(pattern)}
        return sorted(path for path in found if path.is_file())
