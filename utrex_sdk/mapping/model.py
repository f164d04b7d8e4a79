"""The mapping file format, as pydantic models: what a district writes to describe its export.

A mapping is TOML (``mappings/README.md`` documents it with examples). It names the export's
files (``[sources.NAME]``), says which record type each feeds (``[[records]]``) and, per canonical
field, where the value comes from: a column, a constant, several columns joined, a value looked up
in another file, or a value computed the way the spec defines it. Crosswalks translate local codes
("Male", "K", "Yes") into the spec's codes.

The models only check the *shape* of a mapping (keys, types, one source per field). What needs
the field catalogue or the files — a field name, a code, a column — is checked by `load` and the
engine, which know both and can say which key is wrong and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..layouts import DEFAULT_EDITION

Constant = str | int | float | bool | dt.datetime | dt.date
Policy = Literal["error", "blank", "keep"]
OnInvalid = Literal["reject", "blank"]
COMPUTES = ("180-day-equivalent", "tenths-of-days")


def _column_shorthand(value: Any) -> Any:
    """A bare string in place of a rule names a column: ``gender = "Sex"``."""
    if isinstance(value, str):
        return {"column": value}
    if not isinstance(value, dict | FieldRule):
        raise ValueError(f"expected a column name (a string) or a table such as "
                         f"{{ column = \"...\" }}, not {value!r}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Replace(_Strict):
    """One replacement: a literal ``from`` text, or a regular expression ``pattern`` (Python
    syntax; ``to`` may name its groups as ``\\1`` or ``\\g<name>``)."""

    from_: str | None = Field(None, alias="from", min_length=1,
                              description="Literal text to replace (every occurrence).")
    pattern: str | None = Field(
        None, min_length=1, description="A regular expression (Python `re` syntax) to replace "
                                        "(every match).")
    to: str = Field("", description="The replacement; with `pattern`, `\\1` or `\\g<name>` "
                                    "insert a group.")

    @model_validator(mode="after")
    def _one_kind(self) -> Replace:
        if (self.from_ is None) == (self.pattern is None):
            raise ValueError("give exactly one of `from` (literal text) and `pattern` (a "
                             "regular expression)")
        if self.pattern is not None:
            try:
                re.compile(self.pattern).sub(self.to, "")
            except (re.error, IndexError) as err:
                raise ValueError(f"`pattern` '{self.pattern}' with `to` '{self.to}' is not a "
                                 f"usable regular expression: {err}") from None
        return self


class When(_Strict):
    """A condition on another column of the row: the field keeps its value only when it holds.

    With neither ``in`` nor ``matches`` the condition is that the column has a value."""

    column: str = Field(description="The column tested (of the block's source or a join).")
    source: str | None = Field(None, description="The source the column is in, when the "
                                                 "block joins several.")
    in_: list[str] | None = Field(None, alias="in", description="The column holds one of these "
                                  "(case and spacing ignored).")
    matches: str | None = Field(None, description="The column's whole value matches this "
                                                  "regular expression.")

    @model_validator(mode="after")
    def _one_test(self) -> When:
        if self.in_ is not None and self.matches is not None:
            raise ValueError("give at most one of `in` and `matches`")
        if self.matches is not None:
            try:
                re.compile(self.matches)
            except re.error as err:
                raise ValueError(f"`matches` '{self.matches}' is not a valid regular "
                                 f"expression: {err}") from None
        return self


class FieldRule(_Strict):
    """Where one canonical field's value comes from, and how it is cleaned up on the way.

    Exactly one of ``column``, ``value``, ``concat``, ``lookup`` or ``compute`` says where the
    value comes from (for ``lookup``, ``column`` names the column of the looked-up file). The
    other keys are steps applied in this order (`transforms.STEPS`, mappings/README.md):
    ``when``, ``trim``, ``replace``, ``digits``, ``slice``, ``split`` with
    ``contains`` or ``part``, ``zero_pad``, ``crosswalk``, ``upper``/``lower``, ``default``,
    then the conversion to the field's type (``date`` formats for dates).
    """

    column: str | None = Field(
        None, description="Column name (matched ignoring case, spaces and punctuation). With "
                          "`lookup`: the column of the looked-up source to take.")
    source: str | None = Field(
        None, description="Which source the column is in, when the record joins several.")
    value: Constant | None = Field(None, description="A constant value.")
    concat: list[Rule] | None = Field(
        None, description="Join several values into one, e.g. course and section.")
    separator: str = Field("", description="Put between the `concat` parts.")
    lookup: str | None = Field(
        None, description="Source to look the value up in: the row whose `match` equals this "
                          "row's `key`.")
    key: Rule | None = Field(None, description="With `lookup`: this row's value to look up.")
    match: Rule | None = Field(
        None, description="With `lookup`: the looked-up source's column compared with `key` "
                          "(default: the same column name as `key`).")
    missing: Literal["error", "blank"] = Field(
        "error", description="With `lookup`: no row matches -> an error, or a blank with a "
                             "warning.")
    compute: Literal["180-day-equivalent", "tenths-of-days"] | None = Field(
        None, description="A value the spec defines by a formula: `180-day-equivalent` is "
                          "ROUND(days * 180 / session_days) (2012-13 spec, Note 5); "
                          "`tenths-of-days` is `days` in one-tenth increments (2020-21 I2 "
                          "Number of Days), never rounded.")
    days: Rule | None = Field(
        None, description="With `compute`: the student's days (in membership or attendance), "
                          "or the days of a discipline action.")
    session_days: Rule | None = Field(
        None, description="With `compute`: the days the school was in session.")
    when: When | None = Field(
        None, description="Keep the value only when another column has a value (or holds one "
                          "of `in`, or `matches`); otherwise the field is blank.")
    trim: bool | Literal["collapse"] = Field(
        False, description="`true`: strip spaces from both ends; `\"collapse\"`: also turn "
                           "every run of spaces inside into one space.")
    replace: list[Replace] | None = Field(
        None, description="Replacements, in order: literal (`from`) or regular expression "
                          "(`pattern`), each with `to`.")
    digits: bool = Field(
        False, description="Keep only the digits: phone numbers, SSNs, ZIP codes.")
    slice: list[int] | None = Field(
        None, min_length=1, max_length=2,
        description="Part of the value: [first, last] characters, counted from 1, both "
                    "included; [first] to the end; negative numbers count from the end.")
    split: str | list[str] | None = Field(
        None, description="Cut a multi-value cell into parts at this separator (or any of "
                          "these); then `contains` or `part`.")
    contains: str | list[str] | None = Field(
        None, description="With `split`: the value is Y when one of the parts is one of these "
                          "(case and spacing ignored), else blank.")
    part: int | None = Field(
        None, description="With `split`: take this part, counted from 1 (negative: from the "
                          "end); blank when there are fewer parts.")
    on_invalid: OnInvalid | None = Field(
        None, description="A value this field cannot hold (too wide, not a code, not a date, "
                          "not a number): `reject` the row, or `blank` the field with a "
                          "warning. Default: the block's, the mapping's, else `blank` for an "
                          "optional field and `reject` for a required one.")
    zero_pad: int | None = Field(
        None, ge=1, le=20,
        description="Restore leading zeros a spreadsheet stripped: an all-digit value shorter "
                    "than this is padded with zeros on the left.")
    crosswalk: str | dict[str, str] | None = Field(
        None, description="Translate values: the name of a `[crosswalks]` table or a built-in "
                          "(yes-no, yes-blank, gender, grade-level), or an inline table.")
    unknown: Policy = Field(
        "error", description="A value the crosswalk does not list: `error`, `blank` (with a "
                             "warning), or `keep` it unchanged.")
    upper: bool = Field(False, description="Upper-case the text (after the crosswalk).")
    lower: bool = Field(False, description="Lower-case the text (after the crosswalk).")
    default: Constant | None = Field(None, description="Used when the value is blank.")
    date: str | list[str] | None = Field(
        None, description="Date formats tried in order: strptime patterns such as `%m/%d/%Y`, "
                          "`iso`, or `excel` (serial day numbers).")
    optional: bool = Field(
        False, description="The column may be absent from the file; the field is then blank.")

    @model_validator(mode="after")
    def _one_origin(self) -> FieldRule:
        origins = [name for name in ("column", "value", "concat", "compute")
                   if getattr(self, name) is not None]
        if self.lookup is not None:
            if self.column is None or self.key is None:
                raise ValueError("a `lookup` needs `key` (this row's value) and `column` (the "
                                 "column to take from the looked-up source)")
            origins = [o for o in origins if o != "column"] + ["lookup"]
        elif self.key is not None or self.match is not None:
            raise ValueError("`key` and `match` belong to a `lookup`")
        if len(origins) != 1:
            raise ValueError(
                "give exactly one of `column`, `value`, `concat`, `lookup` or `compute`"
                + (f" (found {', '.join(f'`{o}`' for o in origins)})" if origins else ""))
        if self.compute == "180-day-equivalent" and (self.days is None
                                                     or self.session_days is None):
            raise ValueError(f"`compute = \"{self.compute}\"` needs `days` and `session_days`")
        if self.compute == "tenths-of-days" and (self.days is None
                                                 or self.session_days is not None):
            raise ValueError(f"`compute = \"{self.compute}\"` needs `days` (and no "
                             "`session_days`)")
        if self.compute is None and (self.days is not None or self.session_days is not None):
            raise ValueError("`days` and `session_days` belong to a `compute`")
        if self.split is None and (self.contains is not None or self.part is not None):
            raise ValueError("`contains` and `part` work on the parts of a `split`")
        if self.split is not None and (self.contains is None) == (self.part is None):
            raise ValueError("`split` needs exactly one of `contains` (a Y flag) and `part` "
                             "(one of the parts)")
        if self.part == 0:
            raise ValueError("`part` counts from 1 (or from -1 at the end), not 0")
        if self.slice is not None and 0 in self.slice:
            raise ValueError("`slice` counts characters from 1 (or from -1 at the end), not 0")
        if self.upper and self.lower:
            raise ValueError("give at most one of `upper` and `lower`")
        return self


Rule = Annotated[
    FieldRule,
    BeforeValidator(_column_shorthand, json_schema_input_type=str | FieldRule),
]
FieldRule.model_rebuild()


class SourceSpec(_Strict):
    """One export file (or several, by a glob pattern) and how to read it."""

    file: str = Field(description="File name or glob pattern, relative to the input folder.")
    sheet: str | None = Field(None, description="Sheet of an .xlsx workbook (default: first).")
    encoding: str | None = Field(
        None, description="Text encoding (default: detected; UTF-8, UTF-16, Windows-1252).")
    delimiter: str | None = Field(None, min_length=1, max_length=1,
                                  description="Delimiter (default: sniffed among , tab | ;).")
    header_row: int = Field(1, ge=1, description="The row holding the column names.")


class Join(_Strict):
    """Bring another source's row alongside each row: its columns become usable by name."""

    source: str = Field(description="The source to join.")
    on: Rule = Field(description="This row's value to match.")
    match: Rule | None = Field(
        None, description="The joined source's column to match (default: same name as `on`).")
    missing: Literal["error", "blank"] = Field(
        "error", description="No row matches -> an error, or blanks with a warning.")


class Where(_Strict):
    """Keep only rows whose column holds (or does not hold) one of some values."""

    column: str
    source: str | None = Field(
        None, description="The source the column is in: the block's own (the default) or one "
                          "of its joins, e.g. a course's Status in a joined course file.")
    in_: list[str] | None = Field(None, alias="in")
    not_in: list[str] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Where:
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("give exactly one of `in` and `not_in`")
        return self


class RecordBlock(_Strict):
    """One record type fed by one source: a record per row (or one record, with no source)."""

    type: str = Field(description="Record type, e.g. S1.")
    source: str | None = Field(
        None, description="The source whose rows become records; none: one record of "
                          "constants.")
    join: list[Join] = Field(default_factory=list)
    where: Where | None = None
    on_invalid: OnInvalid | None = Field(
        None, description="A value that cannot be used: reject the row (listed in "
                          "--rejects), or blank the field with a warning. Default: the "
                          "mapping's `on_invalid`, else per field: `blank` for an optional "
                          "field, `reject` for a required one.")
    fields: dict[str, Rule] = Field(default_factory=dict)


class Mapping(_Strict):
    """A whole mapping file."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="UTREx mapping file")

    version: Literal[1] = 1
    edition: str = Field(DEFAULT_EDITION, description="The fixed-width layout edition.")
    date_formats: list[str] = Field(
        default_factory=lambda: ["iso"],
        description="Date formats for every date field that gives none.")
    on_invalid: OnInvalid | None = Field(
        None, description="The default of every block's `on_invalid`. Unset: `blank` for an "
                          "optional field (with a warning), `reject` for a required one.")
    constants: dict[str, Constant] = Field(
        default_factory=dict,
        description="Values for every record type that has the field, unless a record maps it.")
    district: dict[str, Constant] = Field(
        default_factory=dict, description="The DI record's values (lea_number, school_year, "
                                          "which_month, sis_as_of).")
    sources: dict[str, SourceSpec] = Field(default_factory=dict)
    crosswalks: dict[str, dict[str, str] | str] = Field(
        default_factory=dict,
        description="Named crosswalks: an inline table, or a CSV file (from,to) beside the "
                    "mapping.")
    records: list[RecordBlock] = Field(default_factory=list)
    adapter: dict[str, Constant | list[str]] = Field(
        default_factory=dict,
        description="Settings for the adapter that reads this mapping, checked by that adapter "
                    "(the aspire adapter's are in mappings/aspire/README.md); the csv adapter "
                    "takes none.")
