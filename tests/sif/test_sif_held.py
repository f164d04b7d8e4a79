"""The SIF writer holds each record as bytes until the document is written (held.py): what it
takes out is what it put in, value for value and class for class, whatever a field holds."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from utrex_sdk.catalogue import catalogue
from utrex_sdk.sif.held import DECODERS, Held
from utrex_sdk.sif.values import to_text

RECORD_TYPES = ["DI", "SC", "AC", "S1", "S2", "S3", "S4", "AM", "ST", "TA", "TC", "TG", "I1", "I2"]
ANY_VALUE = st.one_of(
    st.none(), st.text(max_size=6), st.sampled_from(["NGPA", "PVT", "Pass"]),
    st.integers(-10**20, 10**20), st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), st.booleans(), st.tuples(st.integers()),
    st.lists(st.integers(), max_size=2))


def same(a, b):
    """Equal and of the same class (repr: a Decimal NaN is not equal to itself)."""
    return type(a) is type(b) and repr(a) == repr(b)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(RECORD_TYPES), st.data(), st.one_of(st.none(), st.integers(0, 10**6)))
def test_a_record_taken_out_is_the_record_put_in(rt, data, place):
    held = Held(rt, "#")
    fields = held.names[:-1]
    values = {name: data.draw(ANY_VALUE, label=name) for name in fields}
    back = held.take(held.put(values, place))
    assert list(back) == [*fields, "#"]
    assert same(back["#"], place)
    for name in fields:
        assert same(back[name], values[name]), name


def test_dates_and_decimals_are_held_without_pickling_their_objects():
    held = Held("AM", "#")
    values = dict.fromkeys(held.names[:-1])
    values.update(course_entry_date=dt.date(2012, 8, 22), credits_earned=Decimal("0.250"))
    data = held.put(values, None)
    assert b"datetime" not in data and b"decimal" not in data
    back = held.take(data)
    assert same(back["course_entry_date"], dt.date(2012, 8, 22))
    assert same(back["credits_earned"], Decimal("0.250"))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(RECORD_TYPES), st.data(), st.one_of(st.none(), st.integers(0, 10**6)))
def test_a_held_row_is_the_record_by_position_and_its_values_are_what_take_gives(rt, data, place):
    held = Held(rt, "#")
    values = {name: data.draw(ANY_VALUE, label=name) for name in held.names[:-1]}
    stored = held.put(values, place)
    row, back = held.row(stored), held.take(stored)
    assert len(row) == len(held.names)
    for name, value in zip(held.names, row, strict=True):
        assert same(value, back[name]), name
    again = held.values(row)
    assert list(again) == list(back)
    for name in held.names:
        assert same(again[name], back[name]), name



@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_raw_row_holds_a_date_or_decimal_as_the_text_sif_writes_for_it(data):
    """The writer's builds take a str in a coded field of `Held.raw` as the element text
    (`values.to_text`) and decode anything else (`DECODERS`): a special value held there is
    never taken for a text; the row's values are what `take` gives."""
    held = Held("AM", "#")
    specs = {f.name: f for f in catalogue().records["AM"].fields}
    assert set(held.coded) == {"course_entry_date", "course_exit_date", "credits_attempted",
                               "grade_earned", "credits_earned"}
    values = {name: data.draw(ANY_VALUE, label=name) for name in held.names[:-1]}
    stored = held.put(values, None)
    raw, row = held.raw(stored), held.row(stored)
    for i, name in enumerate(held.names[:-1]):
        kind = held.coded.get(name)
        if kind is None:
            assert same(raw[i], row[i]), name
            continue
        assert same(DECODERS[kind](raw[i]), row[i]), name
        value = values[name]
        if raw[i].__class__ is str:
            assert value.__class__ is (dt.date if kind == "date" else Decimal), name
            assert raw[i] == to_text(specs[name], value, None), name
        elif kind == "date":
            assert value.__class__ is not dt.date, name
    back, taken = held.raw_values(raw), held.take(stored)
    assert list(back) == list(taken)
    for name in held.names:
        assert same(back[name], taken[name]), name
    assert all(same(a, b) for a, b in zip(raw, held.raw(stored), strict=True))  # unchanged
