"""Fixed-width layouts, loaded from the data files in ``spec/layouts/``.

A layout says, for one edition of the spec, where each field of each record type sits in the line
and how it is written (justification, padding, implied decimals). The codec reads nothing else, so
a new edition is a new TOML file, not new code. Loading checks the data hard — width against the
columns, no gaps or overlaps, literals of the right length — because a wrong column here corrupts
every file written with it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .errors import UtrexError
from .spec_data import SpecData, named

Kind = Literal["literal", "text", "code", "number", "decimal", "date", "mmdd", "datetime"]

EDITIONS: dict[str, str] = {"2012-13": "2012_13.toml"}
DEFAULT_EDITION = "2012-13"
SUBMISSION_TABLE = "submission"  # the file's structure, not a record (`utrex_sdk.submission`)


class FieldLayout(SpecData):
    """One field's place and form in a fixed-width record."""

    name: str
    spec_name: str
    start: int
    end: int
    width: int
    kind: Kind
    required: bool
    value: str | None = None
    scale: int = 0
    specials: tuple[str, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FieldLayout:
        if self.start < 1 or self.end < self.start:
            raise ValueError(f"{self.name}: columns {self.start}-{self.end} are not a range")
        if self.width != self.end - self.start + 1:
            raise ValueError(
                f"{self.name}: width {self.width} disagrees with columns {self.start}-{self.end}"
            )
        if (self.kind == "literal") != (self.value is not None):
            raise ValueError(f"{self.name}: a literal needs a value, and only a literal has one")
        if self.value is not None and len(self.value) != self.width:
            raise ValueError(f"{self.name}: literal {self.value!r} is not {self.width} wide")
        if self.scale and self.kind != "decimal":
            raise ValueError(f"{self.name}: only a decimal field has a scale")
        if self.specials and self.kind not in ("number", "decimal"):
            raise ValueError(f"{self.name}: only number/decimal fields have special values")
        if any(len(s) > self.width for s in self.specials):
            raise ValueError(f"{self.name}: a special value is wider than the field")
        return self

    @property
    def columns(self) -> str:
        return f"{self.start:03d}-{self.end:03d}"


class RecordLayout(SpecData):
    """The layout of one record type: its fields in column order, covering every column."""

    record_type: str
    section: str
    fields: tuple[FieldLayout, ...]

    @model_validator(mode="after")
    def _contiguous(self) -> RecordLayout:
        expected = 1
        for f in self.fields:
            if f.start != expected:
                raise ValueError(
                    f"{self.record_type}.{f.name} starts at column {f.start}; "
                    f"the previous field ended at {expected - 1}"
                )
            expected = f.end + 1
        first = self.fields[0]
        if first.kind != "literal" or first.value != f"{self.record_type}=":
            raise ValueError(f"{self.record_type}: the first field must be the record id literal")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.record_type}: duplicate field names")
        return self

    @property
    def width(self) -> int:
        return self.fields[-1].end

    def field(self, name: str) -> FieldLayout:
        return named(self.fields, name)


class EditionLayout(BaseModel):
    """Every record layout of one edition of the spec."""

    model_config = ConfigDict(frozen=True)

    edition: str
    source: str
    records: dict[str, RecordLayout]


def parse_layout_toml(text: str) -> EditionLayout:
    """Build an edition's layouts from TOML text (the format of ``spec/layouts/*.toml``)."""
    data = tomllib.loads(text)
    records = {
        rt: RecordLayout(record_type=rt, section=body["section"], fields=body["fields"])
        for rt, body in data.items()
        if isinstance(body, dict) and rt != SUBMISSION_TABLE
    }
    return EditionLayout(edition=data["edition"], source=data["source"], records=records)


@cache
def edition_layout(edition: str = DEFAULT_EDITION) -> EditionLayout:
    """The layouts of a named edition (``"2012-13"``)."""
    return parse_layout_toml(layout_text(edition))


def layout_text(edition: str) -> str:
    """The text of a named edition's layout file."""
    if edition not in EDITIONS:
        raise UtrexError(
            f"unknown edition {edition!r}; known editions: {', '.join(sorted(EDITIONS))}"
        )
    return (
        resources.files("utrex_sdk")
        .joinpath("spec").joinpath("layouts").joinpath(EDITIONS[edition])
        .read_text(encoding="utf-8")
    )
