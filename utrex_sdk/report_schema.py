"""The JSON report's published shape: `utrex report schema` prints it as JSON Schema.

The models here describe what `ValidationResult.to_dict()` writes (and `convert` adds under
`summary.conversion`); a test validates real reports against the generated schema, so the two
cannot drift apart. Scripts check `schema_version` before reading.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .validation.result import SCHEMA_VERSION


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CountByErrorId(_Strict):
    error_id: str
    level: Literal["Err", "Warn"]
    count: int = Field(ge=0)


class BaselineCounts(_Strict):
    new: int = Field(ge=0)
    still_present: int = Field(ge=0)
    resolved: int = Field(ge=0)


class Summary(BaseModel):
    """Counts and run facts. Commands add their own keys (`conversion`, `redacted`, `run`)."""

    model_config = ConfigDict(extra="allow")
    source: str | None
    findings: int = Field(ge=0)
    by_level: dict[Literal["Err", "Warn"], int]
    by_error_id: list[CountByErrorId]
    not_checked: int = Field(ge=0)
    complete: bool = Field(description="Every rule ran on every record: false when a rule is "
                                        "in `not_checked` or the run stopped early.")
    incomplete: list[str] | None = Field(
        None, description="Why the report is not complete (present when `complete` is false).")
    stopped: str | None = Field(None, description="Why the run stopped early (incomplete).")
    baseline: BaselineCounts | None = None
    conversion: dict[str, Any] | None = Field(
        None, description="`utrex convert` only: the row accounting (read = written + "
                          "rejected, per file, lookups, rejected rows by reason).")


class FindingItem(_Strict):
    error_id: str = Field(description="A spec Error ID (001, S1.320) or a documented tool id "
                                      "(fmt.*, map.*, src.*, ...).")
    level: Literal["Err", "Warn"]
    record: str | None
    line: int | None = Field(description="Line of the UTREx file, or row of the export file "
                                         "named in `source`.")
    field: str | None
    value: str | None
    message: str
    source: str | None = Field(description="The file the line or row is in.")
    keys: dict[str, str] = Field(description="The record's identifying fields.")
    description: str | None
    rule: str | None = Field(description="The rule registry id (001:S1.last_name).")
    baseline: Literal["new", "still-present"] | None = None


class NotCheckedItem(_Strict):
    error_id: str | None
    rule: str
    record: str | None
    reason: str


class ResolvedItem(_Strict):
    error_id: str | None
    level: str | None
    record: str | None
    field: str | None
    keys: dict[str, Any] | None
    message: str | None


class Report(_Strict):
    """A `utrex validate --format json` / `utrex convert --format json` report."""

    schema_version: Literal[SCHEMA_VERSION]  # type: ignore[valid-type]
    summary: Summary
    findings: list[FindingItem]
    not_checked: list[NotCheckedItem]
    resolved: list[ResolvedItem] | None = Field(
        None, description="With --baseline: findings of the earlier report that are gone.")


def report_schema() -> dict[str, Any]:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
