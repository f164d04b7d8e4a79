"""Round trips for every record type with a layout, as hypothesis properties.

``parse(serialize(model)) == model`` for every valid model, and
``serialize(parse(line)) == line`` for every valid line. Valid models and valid lines are drawn
from the layout and the catalogue, independently of the codec under test.
"""

import datetime as dt
from decimal import Decimal

import pytest
from helpers.properties import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from utrex_sdk import MODELS, catalogue, edition_layout, parse, serialize
from utrex_sdk.models import code_set

LAYOUT = edition_layout("2012-13")
PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def value_strategy(record_type, fl):
    """Typed canonical values that fit the field's column, or None."""
    return st.none() | base_strategy(record_type, fl)


def base_strategy(record_type, fl):
    """Typed canonical values that fit the field's column."""
    spec = catalogue().records[record_type].field(fl.name)
    w = fl.width
    specials = st.sampled_from(fl.specials) if fl.specials else st.nothing()
    match fl.kind:
        case "text" | "code" if spec.pattern:
            base = st.from_regex(spec.pattern, fullmatch=True).filter(
                lambda s: len(s) <= w and s.isascii() and s.isprintable() and s == s.rstrip())
        case "text":
            base = st.text(PRINTABLE, min_size=1, max_size=w).map(str.rstrip).filter(bool)
        case "code":
            base = st.sampled_from([c for c in code_set(spec) if len(c) <= w])
        case "number":
            base = st.integers(0, 10**w - 1) | specials
        case "decimal":
            base = st.integers(0, 10**w - 1).map(lambda n: Decimal(n).scaleb(-fl.scale))
            base = base | specials
        case "date":
            base = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
        case "mmdd":
            base = st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)).map(
                lambda d: f"{d.month:02d}{d.day:02d}")
        case "datetime":
            base = st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)).map(
                lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
    return base


def column_strategy(record_type, fl):
    """Column text a valid line may hold, built without the codec."""
    w = fl.width
    if fl.kind == "literal":
        return st.just(fl.value)
    values = base_strategy(record_type, fl)
    match fl.kind:
        case "text" | "code" | "mmdd":
            text = values.map(str)
        case "number" | "decimal":
            text = values.map(
                lambda v: v if isinstance(v, str)
                else str(int(Decimal(v).scaleb(fl.scale))).zfill(w))
        case "date":
            text = values.map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}")
        case "datetime":
            text = values.map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d} "
                                        f"{d:%H:%M:%S}.{d.microsecond // 1000:03d}")
    return (st.just("") | text).map(lambda s: s.ljust(w))


def records(record_type):
    fields = [f for f in LAYOUT.records[record_type].fields if f.kind != "literal"]
    return st.fixed_dictionaries(
        {f.name: value_strategy(record_type, f) for f in fields}
    ).map(lambda values: MODELS[record_type](**values))


def lines(record_type):
    return st.tuples(
        *(column_strategy(record_type, f) for f in LAYOUT.records[record_type].fields)
    ).map("".join)


RECORD_TYPES = sorted(LAYOUT.records)
RECORDS = {rt: records(rt) for rt in RECORD_TYPES}
LINES = {rt: lines(rt) for rt in RECORD_TYPES}


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=examples(150), deadline=None)
@given(data=st.data())
def test_parse_of_serialize_is_the_model(record_type, data):
    model = data.draw(RECORDS[record_type])
    line, findings = serialize(model)
    assert [f for f in findings if f.is_error] == []
    assert len(line) == LAYOUT.records[record_type].width + 2
    parsed, findings = parse(line)
    assert findings == []
    assert parsed == model


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=examples(150), deadline=None)
@given(data=st.data())
def test_serialize_of_parse_is_the_line(record_type, data):
    line = data.draw(LINES[record_type]) + "\r\n"
    parsed, findings = parse(line)
    assert findings == []
    # what the codec reads is exactly what the model would accept
    assert MODELS[record_type].model_validate(parsed.model_dump()) == parsed
    assert serialize(parsed).line == line
