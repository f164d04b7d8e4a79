"""Canonical pydantic models, one per record type, built from the field catalogue.

A model holds typed values — ``datetime.date``, ``Decimal``, ``int``, ``str`` and ``Literal`` code
sets — for the union of every edition's fields, so the same record can be written as a 2012-13
fixed-width line or checked against the 2020-21 rules. Every field is optional at the model level:
whether a blank is allowed depends on the edition, the collection and other fields, which is the
validator's business (the state's rule ``001 Must be present``), not the type's.

Values are normalised the way the fixed-width format reads them back: trailing blanks are dropped
and a blank string is ``None``, so ``parse(serialize(record)) == record``.

    >>> from utrex_sdk.models import SchoolRecord
    >>> SchoolRecord(school_number="104", days_in_school_year=180, last_day_of_school="0605")
    SchoolRecord(school_number='104', days_in_school_year=180, last_day_of_school='0605')
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model
from pydantic import StringConstraints as Str

from .catalogue import FieldSpec, RecordSpec, catalogue


class UtrexRecord(BaseModel):
    """Base of every record model. ``record_type`` is the two-letter id (``"S1"``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    record_type: ClassVar[str] = ""
    spec: ClassVar[RecordSpec]

    def __repr_args__(self):  # show only the values that are set: records have ~90 fields
        return [(k, v) for k, v in super().__repr_args__() if v is not None]


def _blank_to_none(value: Any) -> Any:
    """'' and all-blank strings mean 'no value'; trailing blanks are padding, not data."""
    if isinstance(value, str):
        value = value.rstrip()
        return value or None
    return value


def is_month_day(text: str) -> bool:
    """True for 'MMDD' text naming a day of some year (0229 included: leap years have it)."""
    if not (len(text) == 4 and text.isdigit() and text.isascii()):
        return False
    month, day = int(text[:2]), int(text[2:])
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]


def _valid_month_day(value: str) -> str:
    if not is_month_day(value):
        raise ValueError(f"{value!r} is not a month and day (MMDD)")
    return value


MonthDay = Annotated[str, AfterValidator(_valid_month_day)]


def code_set(spec: FieldSpec) -> tuple[str, ...]:
    """Every code any edition allows for a code field (empty for pattern-only fields)."""
    return catalogue().codes[spec.codes].codes() if spec.codes else ()


def _annotation(spec: FieldSpec) -> Any:
    specials = (Literal[spec.specials],) if spec.specials else ()
    match spec.type:
        case "text" | "code" if spec.pattern:
            base: Any = Annotated[str, Str(pattern=spec.pattern)]
        case "text":
            base = str
        case "code":
            base = Literal[code_set(spec)]
        case "integer":
            base = int
        case "decimal":
            base = Decimal
        case "date":
            base = dt.date
        case "datetime":
            base = dt.datetime
        case "month_day":
            base = MonthDay
    for special in specials:
        base = special | base
    return Annotated[base | None, BeforeValidator(_blank_to_none)]


def _field(spec: FieldSpec) -> tuple[Any, Any]:
    extra = {"editions": list(spec.editions)}
    if spec.spec_name:
        extra["spec_name"] = spec.spec_name
    if spec.sif_xpath:
        extra["sif_xpath"] = spec.sif_xpath
    if spec.codes:
        extra["code_table"] = spec.codes
    return _annotation(spec), Field(
        default=None, description=spec.description, json_schema_extra=extra
    )


def _build(spec: RecordSpec) -> type[UtrexRecord]:
    model = create_model(
        spec.model,
        __base__=UtrexRecord,
        __module__=__name__,
        __doc__=f"{spec.title} ({spec.type}): " + "; ".join(
            f"{ed}: {section}" for ed, section in spec.sections.items()
        ),
        **{f.name: _field(f) for f in spec.fields},
    )
    model.record_type = spec.type
    model.spec = spec
    return model


MODELS: dict[str, type[UtrexRecord]] = {
    rt: _build(spec) for rt, spec in catalogue().records.items()
}
"""Record type (``"S1"``) -> model class."""

globals().update({m.__name__: m for m in MODELS.values()})
__all__ = ["MODELS", "UtrexRecord", "model_for", *sorted(m.__name__ for m in MODELS.values())]


def model_for(record_type: str) -> type[UtrexRecord]:
    """The model class of a record type, e.g. ``model_for("S1") is StudentRecord``."""
    return MODELS[record_type]
