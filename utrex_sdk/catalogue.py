"""The canonical field catalogue and code tables, loaded from ``spec/fields/*.toml``.

The catalogue is the union of every edition's fields for each record type: the 2012-13 fixed-width
layouts and the 2020-21 field catalogue (with its SIF XPath mappings). The pydantic models are
built from it, so adding a field to the data adds it to the model. Code tables carry, per value,
the editions that allow it, so the validator can judge a code by the edition in force while the
model accepts any code some edition allows.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .spec_data import SpecData, named

FieldType = Literal["text", "integer", "decimal", "date", "month_day", "datetime", "code"]
PiiKind = Literal["name", "birth_date", "government_id", "contact", "free_text"]
"""What personal data a field holds (a field's ``pii`` key): what ``--redact`` replaces."""
Shape = Literal["us_phone"]
"""A usual written form a mapping reads without a transform (a field's ``shape`` key):
``us_phone`` takes "(801) 555-9648", "801.555.9648" or "+1 801 555 9648" as 8015559648."""


class CodeValue(SpecData):
    """One code of a table: its meaning and the editions that allow it (None: the table's)."""

    code: str
    meaning: str
    editions: tuple[str, ...] | None = None


class CodeTable(SpecData):
    """A closed list of codes, as the spec tabulates it, with where each edition says so."""

    name: str
    title: str
    source: dict[str, str]
    values: tuple[CodeValue, ...]
    note: str | None = None

    def codes(self, edition: str | None = None) -> tuple[str, ...]:
        """The codes allowed in ``edition``, or in any edition when ``edition`` is None."""
        return tuple(
            v.code
            for v in self.values
            if edition is None or edition in (v.editions or tuple(self.source))
        )

    def meaning(self, code: str) -> str | None:
        return next((v.meaning for v in self.values if v.code == code), None)


class FieldSpec(SpecData):
    """One canonical field: its type, where each edition names it, and what it holds."""

    name: str
    type: FieldType
    editions: tuple[str, ...]
    description: str
    spec_name: str | None = None
    sif_xpath: str | None = None
    codes: str | None = None
    pattern: str | None = None
    scale: int = 0
    specials: tuple[str, ...] = ()
    note: str | None = None
    pii: PiiKind | None = None
    shape: Shape | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type == "code" and not (self.codes or self.pattern):
            raise ValueError(f"{self.name}: a code field needs a code table or a pattern")
        if self.scale and self.type != "decimal":
            raise ValueError(f"{self.name}: only a decimal has a scale")
        if self.specials and self.type not in ("integer", "decimal"):
            raise ValueError(f"{self.name}: only integer/decimal fields have special values")
        return self


class RecordSpec(SpecData):
    """A record type: its model's name, its spec sections and its canonical fields."""

    type: str
    model: str
    title: str
    sections: dict[str, str]
    fields: tuple[FieldSpec, ...] = Field(default=())

    def field(self, name: str) -> FieldSpec:
        return named(self.fields, name)


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True)

    records: dict[str, RecordSpec]
    codes: dict[str, CodeTable]

    @model_validator(mode="after")
    def _references(self) -> Catalogue:
        for rec in self.records.values():
            names = [f.name for f in rec.fields]
            if len(set(names)) != len(names):
                raise ValueError(f"{rec.type}: duplicate field names")
            for f in rec.fields:
                if f.codes and f.codes not in self.codes:
                    raise ValueError(f"{rec.type}.{f.name}: no code table {f.codes!r}")
        return self


def _load_file(text: str) -> tuple[RecordSpec | None, dict[str, CodeTable]]:
    data = tomllib.loads(text)
    tables = {name: CodeTable(name=name, **body) for name, body in data.get("codes", {}).items()}
    record = None
    if "record" in data:
        record = RecordSpec(**data["record"], fields=data.get("fields", []))
    return record, tables


@cache
def catalogue() -> Catalogue:
    """The catalogue shipped with the SDK."""
    records: dict[str, RecordSpec] = {}
    codes: dict[str, CodeTable] = {}
    folder = resources.files("utrex_sdk").joinpath("spec").joinpath("fields")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        record, tables = _load_file(entry.read_text(encoding="utf-8"))
        for name, table in tables.items():
            if name in codes and codes[name] != table:
                raise ValueError(f"code table {name!r} is defined twice, differently")
            codes[name] = table
        if record is not None:
            records[record.type] = record
    return Catalogue(records=records, codes=codes)
