"""The structure of a submission, loaded once from the layout data's ``[submission]`` table.

The spec says which record comes first (the DI), which records belong to a school (those after
its SC record) and little more; the table in ``spec/layouts/<edition>.toml`` says that with its
spec lines, and adds this SDK's order within a school, which copy of a repeated DI or SC is kept
and what is left out. Three engines read it from here and nowhere else: the writer
(`fixedwidth.writer`) orders and drops records by it, the conversion's accounting takes the
writer's left-out records from it, and the validator's order check (`validation.order`) knows
from it which records belong to a school.

    >>> structure = submission()
    >>> structure.first.type, structure.school.type, structure.record_types
    ('DI', 'SC', ('DI', 'SC', 'AC', 'S1', 'S2', 'S3', 'S4', 'AM', 'I1', 'I2', 'ES'))
    >>> structure.placements["AM"]
    Placement(section=0, block=2, rank=4, group='student_number', by=('course_entry_date', 'course_section', 'period'))
"""  # noqa: E501

from __future__ import annotations

import tomllib
from functools import cache, cached_property
from typing import NamedTuple

from pydantic import model_validator

from .errors import UtrexError
from .layouts import DEFAULT_EDITION, SUBMISSION_TABLE, edition_layout, layout_text
from .models import MODELS
from .spec_data import SpecData

SCHOOLS, AFTER_SCHOOLS = 0, 1  # the two sections of a submission after its first record


class Placement(NamedTuple):
    """Where a record type goes: section, then (in a school) block, group value, rank, ``by``.

    A record's place is (section, school, block, its ``group`` value, rank, its ``by`` values),
    compared in that order; block 0 is the school's own SC record."""

    section: int
    block: int
    rank: int
    group: str | None
    by: tuple[str, ...]


class Singleton(SpecData):
    """A record type that appears once (per file, or per school) and the field that names it."""

    type: str
    key: str


class Ordered(SpecData):
    """A record type and the fields that order its records within their group."""

    type: str
    by: tuple[str, ...] = ()


class Block(SpecData):
    """Record types written together, grouped by one field's value."""

    name: str
    group: str | None = None
    records: tuple[Ordered, ...]


class LeftOutFindings(SpecData):
    """The finding ids that report what the structure leaves out."""

    no_first: str
    extra_first: str
    extra_school: str
    no_school: str


class Submission(SpecData):
    """The ``[submission]`` table: first record, school record, blocks, what is left out."""

    first: Singleton
    school: Singleton
    blocks: tuple[Block, ...]
    after_schools: Block
    left_out: LeftOutFindings

    @model_validator(mode="after")
    def _fields_exist(self) -> Submission:
        """Every type named once and every field named a field of that type's model: a typo
        here would silently order by nothing, so loading fails instead."""
        types = self.record_types
        if len(set(types)) != len(types):
            raise ValueError(f"a record type is placed twice: {types}")
        for rt in types:
            if rt not in MODELS:
                raise ValueError(f"{rt}: no such record type")
        checks = [(self.first.type, self.first.key), (self.school.type, self.school.key)]
        for block in self.blocks:
            for record in block.records:
                checks += [(record.type, self.school.key), (record.type, block.group),
                           *((record.type, f) for f in record.by)]
        for record in self.after_schools.records:
            checks += [(record.type, self.after_schools.group),
                       *((record.type, f) for f in record.by)]
        for rt, name in checks:
            if name is not None and name not in MODELS[rt].model_fields:
                raise ValueError(f"{rt} has no field {name!r}")
        return self

    @property
    def record_types(self) -> tuple[str, ...]:
        """Every record type in the order the structure writes them (for reports, too)."""
        return (self.first.type, self.school.type,
                *(r.type for b in (*self.blocks, self.after_schools) for r in b.records))

    @cached_property
    def school_records(self) -> frozenset[str]:
        """The record types that belong to the school of the SC record before them."""
        return frozenset(r.type for b in self.blocks for r in b.records)

    @cached_property
    def placements(self) -> dict[str, Placement]:
        """Where each record type other than the first and the school record goes."""
        places = {r.type: Placement(SCHOOLS, n, rank, b.group, r.by)
                  for n, b in enumerate(self.blocks, start=1)
                  for rank, r in enumerate(b.records)}
        places.update({r.type: Placement(AFTER_SCHOOLS, 0, rank, self.after_schools.group, r.by)
                       for rank, r in enumerate(self.after_schools.records)})
        return places


@cache
def submission(edition: str = DEFAULT_EDITION) -> Submission:
    """The submission structure of a named edition (``"2012-13"``)."""
    structure = Submission.model_validate(tomllib.loads(layout_text(edition))[SUBMISSION_TABLE])
    unplaced = sorted(set(edition_layout(edition).records) - set(structure.record_types))
    if unplaced:  # the writer could not place a record it can write
        raise UtrexError(f"edition {edition}: [submission] does not place {', '.join(unplaced)}")
    return structure
