"""The rule catalogue: the 2020-21 spec's Errors tables as data, plus which rules are checked.

Each row of `utrex_sdk/spec/rules/<RECORD>.toml` is one rule row of the spec, copied verbatim
(Error ID, level, field, rule text, message and description templates, notes, spec line) and
curated with what the code needs: the canonical fields it is about, the generic check and its
parameter (`check = "max_length"`, `args = { n = 10 }`, held to the kind's declared arguments
when the catalogue loads: `check_kinds.py`), the parent record a Dep row depends on (`parent`,
the record its rule text names), the reader's findings it reports when it is the field's own
validity row (`reports`, issue 15 A.2), the reference tables it needs, or why it cannot be
checked here at all (`status = "not-applicable"`, `reason = ...`). A file's `[record]` table
holds the spec's "Identifying Fields" (`identifying`, the spec's labels) and their canonical
names (`keys`: the fields a finding shows to identify the record), the fields that name a
record of that type in the records that depend on it (`parent_key`), and for the Student List,
which is a view rather than a record of the file, the record type its rules read
(`reads = "S1"`).

Implementations register against a rule's `id` (see `registry.py`); a rule's status is derived,
never declared: `implemented` when a check is registered and needs only the file,
`needs-reference-data` when it needs the state's data, `not-applicable` when the data says so,
and `not-implemented` otherwise (a test keeps that last list empty).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..catalogue import catalogue
from ..findings import Level
from .check_kinds import KINDS, RuleDataError, check_reports, check_row

Status = Literal["implemented", "needs-reference-data", "not-applicable", "not-implemented"]

GENERIC_IDS = re.compile(r"^\d{3}w?$")

NO_ERROR_ID = "val.no-error-id"
"""The Error ID a finding (or a not-checked entry) shows for a rule row whose Error ID cell the
spec leaves blank: a documented tool id (spec/findings.toml), never the internal rule id."""

RULES_EDITION = "2020-21"
"""The edition whose Errors tables the rule catalogue holds (`section`: utrex-file-spec-2020-21).
A code is judged by this edition's code tables whatever layout the input was read from: reading
a 2012-13 file must not narrow the rules' tables (issue 15, point 1)."""


class RuleSpec(BaseModel):
    """One rule row of the spec, with its curation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    record: str
    spec_line: int
    error_id: str
    level: Level
    field: str
    condition: str = ""
    rule: str
    message: str = ""
    description: str = ""
    message_corrected: str = ""
    description_corrected: str = ""
    """What is rendered where the spec's template is garbled (a placeholder that names no
    column, `[Teacher1]`); `message`/`description` keep the spec's words verbatim."""
    notes: str = ""
    fields: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    """Fields of other records the rule needs to find a record valid ("S2.is_one_percent"):
    an input that cannot carry one lists the rule as not checked rather than let it fire on
    every record (`plan.why_not`)."""
    same_as: str | None = None
    """The row that states the very same check (the spec lists S1.376 twice): it runs and
    reports once, under that row (`run_plan.same_check_elsewhere`)."""
    check: str | None = None
    args: dict[str, Any] = Field(default_factory=dict)
    reports: tuple[str, ...] = ()
    """The reader's findings of a value it could not read (`fmt.not-number`, ...) that this
    row, a record-specific validity rule (AM.909 "must be numeric between ..."), reports for
    its field: before the generic rows whose check kind reports them (`Kind.reports`)."""
    needs: tuple[str, ...] = ()
    parent: str | None = None
    matches: str | None = None
    """A hand-written row whose hit says no record of this type matches (AM.915: AC); the
    generic kinds say it in `check_kinds.Kind.matches` (`RuleSpec.matched`)."""
    status: Literal["not-applicable"] | None = None
    reason: str | None = None
    curation: str | None = None

    @property
    def section(self) -> str:
        title = "Level 2 Exceptions" if self.record == "L2" else f"{_title(self.record)}: Errors"
        return f"utrex-file-spec-{RULES_EDITION}, {title} (line {self.spec_line})"

    @property
    def matched(self) -> str | None:
        """The record type this row's hit says has no matching record, if it says that."""
        if self.matches is not None:
            return self.matches
        kind = KINDS.get(self.check) if self.check else None
        return kind.matches if kind is not None else None

    @property
    def record_type(self) -> str:
        """The record type whose records carry the fields this row is about."""
        return read_type(self.record)

    @property
    def labels(self) -> list[str]:
        """The spec's names for [ColumnName], [ColumnName2], ... : the parts of the Field column."""
        text = re.sub(r"^(Multi-field:?|\(Multi-record\)|Multi-record)\s*", "", self.field)
        parts = [re.sub(r"\(\d\)", "", p).strip() for p in text.split(",")]
        return [p for p in parts if p] or [self.field]


class RecordRules(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: str
    identifying: tuple[str, ...]
    keys: tuple[str, ...] = ()
    parent_key: tuple[str, ...] = ()
    reads: str | None = None
    rules: tuple[RuleSpec, ...]


def _title(record: str) -> str:
    spec = catalogue().records.get(record)
    names = {"SL": "Student List Record (SL)", "L2": "Level 2 Exceptions"}
    if spec is not None:
        return spec.sections.get(RULES_EDITION, spec.title)
    return names.get(record, record)


def table_name(record: str) -> str:
    """[TableName] in a message: the record's title as the spec's messages write it."""
    spec = catalogue().records.get(record)
    return spec.title if spec else {"SL": "Student Record"}.get(record, record)


def field_label(record: str, name: str) -> str:
    """A field's name as the spec prints it (its 2020-21 field table name, in title case), for a
    message placeholder the row's Field cell does not label."""
    spec = catalogue().records.get(record)
    found = next((f for f in spec.fields if f.name == name), None) if spec else None
    if found is not None and found.spec_name:
        return found.spec_name.title().replace("Id", "ID").replace("Lea ", "LEA ")
    return name.replace("_", " ").title()


def _rule_ids(record: str, rows: list[dict[str, Any]]) -> list[str]:
    """Stable, unique ids: a record-specific Error ID stands for itself when it is used once;
    generic IDs (and repeated ones) are qualified by record and field: `001:S1.last_name`."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["error_id"]] = counts.get(row["error_id"], 0) + 1
    ids, seen = [], set()
    for row in rows:
        eid = row["error_id"]
        if eid and not GENERIC_IDS.match(eid) and eid != "Dep" and counts[eid] == 1 \
                and eid != "TBD":
            base = eid
        else:
            about = row.get("fields") or [re.sub(r"[^a-z0-9]+", "_", row["field"].lower())
                                           .strip("_")]
            base = f"{eid or 'unnumbered'}:{record}.{about[0]}"
        rid, n = base, 1
        while rid in seen:
            n += 1
            rid = f"{base}#{n}"
        seen.add(rid)
        ids.append(rid)
    return ids


# The Level column says Err or Warn; one row says "Warning" (S1.396) and a few leave it blank.
# A blank level is read as Err: every such row states a requirement ("Required Grades 9-12").
_LEVELS = {"Err": "Err", "Warn": "Warn", "Warning": "Warn", "": "Err"}


def _load(text: str) -> RecordRules:
    """One record type's rules; a row that does not fit its check kind raises `RuleDataError`."""
    data = tomllib.loads(text)
    head = data["record"]
    record = head["type"]
    rows = data.get("rules", [])
    rules = tuple(
        RuleSpec(id=rid, record=record, **{**row, "level": _LEVELS[row.get("level", "")]})
        for rid, row in zip(_rule_ids(record, rows), rows, strict=True)
    )
    for rule in rules:
        check_row(rule.id, rule.check, rule.args, rule.fields, head.get("reads", record),
                  rule.parent)
        check_reports(rule.id, rule.reports, rule.fields)
        for used in rule.uses:
            other, _, name = used.partition(".")
            known = catalogue().records.get(other)
            if known is None or name not in {f.name for f in known.fields}:
                raise RuleDataError(f"rule {rule.id}: `uses` names {used!r}, which is no "
                                    f"field of the catalogue (RECORD.field)")
    return RecordRules(type=record, identifying=tuple(head.get("identifying", ())),
                       keys=tuple(head.get("keys", ())),
                       parent_key=tuple(head.get("parent_key", ())), reads=head.get("reads"),
                       rules=rules)


@cache
def rulebook() -> dict[str, RecordRules]:
    """Every record type's rules, in spec order, keyed by record type."""
    folder = resources.files("utrex_sdk") / "spec" / "rules"
    books = [_load(p.read_text(encoding="utf-8")) for p in folder.iterdir()
             if p.name.endswith(".toml")]
    order = [*catalogue().records, "SL", "L2"]
    books.sort(key=lambda b: (order.index(b.type) if b.type in order else len(order), b.type))
    return {b.type: b for b in books}


@cache
def _views() -> dict[str, str]:
    return {book.type: book.reads for book in rulebook().values() if book.reads}


def read_type(record: str) -> str:
    """The record type whose records a rule row of ``record`` reads: its own, except for a view
    of other records — the Student List (SL) is the student-level view of the S1 records."""
    return _views().get(record, record)


@cache
def all_rules() -> dict[str, RuleSpec]:
    return {r.id: r for book in rulebook().values() for r in book.rules}


def rules_for_error_id(error_id: str) -> list[RuleSpec]:
    wanted = error_id.strip().replace(" ", "")
    return [r for r in all_rules().values() if r.error_id == wanted or r.id == error_id]
