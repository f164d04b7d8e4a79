"""The fast paths answer exactly as the general code does, for any input at all.

The codec's compiled functions (`utrex_sdk.fixedwidth.compiled`), the reader's shortcut to
them and the writer's lean ordering are performance work: each property here feeds the same
input to the fast path and to the general one (a codec without compiled functions; the
writer's order computed the way it was before, with key tuples) and requires the same records,
fields sets, lines, counts and
findings. The inputs are not only valid ones: blanks, codes, digits, dates, control characters,
non-ASCII text, line endings, short and long lines, values of the wrong type, records whose
school has no SC record, repeated DI and SC records, any input order.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from helpers.properties import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utrex_sdk import assemble, edition_layout
from utrex_sdk.findings import make_finding
from utrex_sdk.fixedwidth import codec as codec_module
from utrex_sdk.fixedwidth.codec import Codec
from utrex_sdk.fixedwidth.reader import parse_lines
from utrex_sdk.fixedwidth.writer import WriteReport
from utrex_sdk.models import MODELS, code_set
from utrex_sdk.submission import submission

LAYOUT = edition_layout("2012-13")
RECORD_TYPES = sorted(LAYOUT.records)
ODD = "\t\r\n\x0b\x00é李"


def fresh_codecs():
    """Two codecs of the edition: one as built, one built with no compiled functions (every
    line and record goes to the general code)."""
    fast = Codec("2012-13")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(codec_module, "compile_parser", lambda columns: None)
        patch.setattr(codec_module, "compile_serializer", lambda columns: lambda values: None)
        slow = Codec("2012-13")
    return fast, slow


FAST, SLOW = fresh_codecs()


PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def valid_column(fl, spec):
    """Column text the field's kind reads without a finding (mostly)."""
    w = fl.width
    if fl.kind == "literal":
        return st.just(fl.value)
    blank = st.just(" " * w)
    match fl.kind:
        case "text" | "code" if spec.pattern:
            text = st.from_regex(spec.pattern, fullmatch=True).filter(lambda t: len(t) <= w)
        case "text" | "code" if spec.codes:
            text = st.sampled_from([c for c in code_set(spec) if len(c) <= w])
        case "text":
            text = st.text(PRINTABLE, max_size=w)
        case "number" | "decimal":
            text = st.text("0123456789", min_size=w, max_size=w) | st.sampled_from(
                fl.specials or (" ",))
        case "date":
            text = st.dates(dt.date(1, 1, 1)).map(lambda d: f"{d:%Y%m%d}")
        case "mmdd":
            text = st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)).map(
                lambda d: f"{d:%m%d}")
        case "datetime":
            text = st.datetimes().map(
                lambda d: f"{d:%Y-%m-%d %H:%M:%S}.{d.microsecond // 1000:03d}")
    return blank | text.map(lambda t: t.ljust(w))


def noisy_column(fl, spec):
    """Anything of the column's width: blanks, digits, dates, codes, control and non-ASCII."""
    w = fl.width
    if fl.kind == "literal":
        return st.sampled_from([fl.value, fl.value[::-1]])
    codes = [c.ljust(w) for c in (*code_set(spec), *fl.specials) if len(c) <= w]
    return st.one_of(
        st.just(" " * w),
        st.text(PRINTABLE | st.sampled_from(ODD), max_size=w).map(lambda t: t.ljust(w)[:w]),
        st.text("0123456789", min_size=w, max_size=w),
        st.dates(dt.date(1, 1, 1)).map(lambda d: f"{d:%Y%m%d}"[:w].ljust(w)),
        st.sampled_from(codes or [" " * w]),
    )


def lines(record_type):
    """Mostly clean lines, so the compiled path answers; some with one noisy column or end."""
    layout = LAYOUT.records[record_type]
    spec = MODELS[record_type].spec
    specs = [spec.field(f.name) if f.kind != "literal" else None for f in layout.fields]
    clean = st.tuples(*(valid_column(f, s) for f, s in zip(layout.fields, specs, strict=True)))

    @st.composite
    def line(draw):
        cols = list(draw(clean))
        if draw(st.integers(0, 3)) == 0:  # one column of noise
            k = draw(st.integers(0, len(cols) - 1))
            cols[k] = draw(noisy_column(layout.fields[k], specs[k]))
        text = "".join(cols)
        cut = draw(st.sampled_from([0, 0, 0, 0, 0, 0, -1, -3]))
        ending = draw(st.sampled_from(["", "", "", "\r\n", "\r\n", "\r\n", "\n",
                                       "\r", "\r\r\n", " ", "  X"]))
        return (text[:cut] if cut else text) + ending

    return line()


LINES = {rt: lines(rt) for rt in RECORD_TYPES}
TAKEN = {"fast": 0, "all": 0}


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parse_answers_as_the_general_codec(record_type, data):
    line = data.draw(LINES[record_type])
    fast = FAST.records[record_type].parse(line, line=3, source="f.txt")
    TAKEN["all"] += 1
    TAKEN["fast"] += FAST.records[record_type]._fast_parse(line.removesuffix("\r\n")) is not None
    slow = SLOW.records[record_type].parse(line, line=3, source="f.txt")
    assert fast.findings == slow.findings
    assert fast.record == slow.record
    if slow.record is not None:
        assert list(fast.record.__dict__) == list(slow.record.__dict__)
        assert fast.record.model_fields_set == slow.record.model_fields_set
    # and through the whole-line dispatch the reader uses
    assert FAST.parse(line, line=3) == SLOW.parse(line, line=3)


WEIRD = [None, True, False, 0, -1, 7, 10**12, 1.5, Decimal("0.0001"), Decimal("NaN"),
         Decimal("2.5"), Decimal("-1"), "", " ", "Y", "José", "李", "x" * 300, "NGPA", "P",
         "0605", "1301", dt.date(2012, 8, 22), dt.datetime(2012, 10, 1, 1, 2, 3, 4000),
         dt.datetime(2012, 10, 1, 1, 2, 3, 4001), ["unhashable"]]


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_serialize_answers_as_the_general_codec(record_type, data):
    # values the codec reads from any line, mixed with values of every wrong kind
    line = data.draw(LINES[record_type])
    parsed = SLOW.records[record_type].parse(line).record
    base = parsed.__dict__ if parsed is not None else {}
    model = MODELS[record_type]
    values = {name: data.draw(st.sampled_from([base.get(name)] * 4 + WEIRD))
              for name in model.model_fields}
    record = model.model_construct(**values)
    assert FAST.serialize(record) == SLOW.serialize(record)


def test_the_properties_above_took_the_compiled_path_for_most_lines():
    if TAKEN["all"] < 100:
        pytest.skip("run with the properties above")
    assert TAKEN["fast"] / TAKEN["all"] > 0.25, TAKEN  # ~40%; the rest carry noise to report


def test_a_record_missing_a_field_is_left_to_the_general_codec():
    record = MODELS["SC"].model_construct(school_number="104")
    del record.__dict__["lea_number"]
    assert FAST.serialize(record) == SLOW.serialize(record)


def test_the_fast_paths_are_taken_for_clean_records(sample_records):
    for record in sample_records:
        rc = FAST.records[record.record_type]
        line = rc.serialize(record).line
        if record.record_type == "S1" and record.last_name == "Nuñez":
            assert rc._fast_serialize(record.__dict__) is None  # transliterated: a warning
            continue
        assert rc._fast_serialize(record.__dict__) == line
        assert rc._fast_parse(line.removesuffix("\r\n")) == record


def test_the_slow_codec_has_no_compiled_function():
    assert all(rc._fast_parse is None for rc in SLOW.records.values())
    assert all(rc._fast_parse is not None for rc in FAST.records.values())


def test_a_miss_runs_the_compiled_function_once_whatever_the_entry_point(sample_records,
                                                                        monkeypatch):
    codec = Codec("2012-13")
    rc = codec.records["SC"]
    calls = {"parse": 0, "serialize": 0}
    parse, serialize = rc._fast_parse, rc._fast_serialize

    def counted(name, function):
        def call(arg):
            calls[name] += 1
            return function(arg)
        return call

    monkeypatch.setattr(rc, "_fast_parse", counted("parse", parse))
    monkeypatch.setattr(rc, "_fast_serialize", counted("serialize", serialize))
    school = next(r for r in sample_records if r.record_type == "SC")
    line = codec.serialize(school).line
    assert calls == {"parse": 0, "serialize": 1}
    short = line.removesuffix("\r\n")[:-1]  # the compiled parser refuses it: a miss
    assert codec.parse(short).record is None
    [item] = codec.parse_lines([short.encode() + b"\r\n"])
    assert item.record is None and item.findings == codec.parse(short, line=1).findings
    assert calls["parse"] == 3  # once per call: `parse`, `parse_lines`, `parse`
    unwritable = school.model_copy(update={"school_number": 10**12})  # not text: a miss
    assert codec.serialize(unwritable).line is None
    [(_, written, findings, _)] = codec.serialize_many([(unwritable, None, None)])
    assert written is None and findings
    assert calls["serialize"] == 3  # the clean record, then once per entry point
    [(_, written, findings, _)] = codec.serialize_many([(school, "given\r\n", None)])
    assert (written, findings) == ("given\r\n", ())  # a line given is not serialized again
    assert calls["serialize"] == 3


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_reader_answers_as_the_general_codec(data):
    lines = data.draw(st.lists(st.sampled_from(RECORD_TYPES).flatmap(lambda rt: LINES[rt]),
                               max_size=6))
    raw = "\n".join(lines).encode("utf-8")  # non-ASCII characters become bytes to report
    fast = list(parse_lines(io.BytesIO(raw), codec=FAST, source="f.txt"))
    slow = list(parse_lines(io.BytesIO(raw), codec=SLOW, source="f.txt"))
    assert fast == slow
    for a, b in zip(fast, slow, strict=True):
        if b.record is not None:
            assert a.record.model_fields_set == b.record.model_fields_set


# --- the writer's order, as it was computed before it stopped keeping every record ----------


def reference_k(value):
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:020d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def reference_assemble(records):
    """The module doc's order with (key tuple, line, record) entries, as the writer had it."""
    report = WriteReport(path=None, edition="2012-13")
    districts, schools, body = [], {}, []
    for record in records:
        rt = record.record_type
        line, findings = SLOW.serialize(record)
        report.findings.extend(findings)
        if line is None:
            report.not_written[rt] += 1
            continue
        if rt == "DI":
            districts.append((line, str(record.lea_number)))
        elif rt == "SC":
            schools.setdefault(record.school_number, []).append(line)
        elif rt == "ES":
            body.append(((1, "", 0, reference_k(record.student_number)), line, record))
        else:
            _, block, rank, group, fields = submission().placements[rt]
            key = (0, reference_k(record.school_number), block,
                   reference_k(getattr(record, group)) if group else "", rank,
                   *(reference_k(getattr(record, f)) for f in fields))
            body.append((key, line, record))
    lines = []
    districts.sort()
    if not districts:
        report.findings.append(make_finding("fmt.no-district"))
    for i, (line, lea) in enumerate(districts):
        if i == 0:
            lines.append(line)
            report.written["DI"] += 1
        else:
            report.not_written["DI"] += 1
            report.findings.append(make_finding("fmt.extra-district", record="DI", value=lea))
    placed = []
    for school, sc_lines in schools.items():
        sc_lines.sort()
        placed.append(((0, reference_k(school), 0), sc_lines[0]))
        report.written["SC"] += 1
        for _ in sc_lines[1:]:
            report.not_written["SC"] += 1
            report.findings.append(make_finding("fmt.duplicate-school", record="SC", value=school))
    for key, line, record in body:
        rt = record.record_type
        if rt != "ES" and record.school_number not in schools:
            report.not_written[rt] += 1
            report.findings.append(make_finding(
                "fmt.no-school", record=rt, field="school_number", value=record.school_number,
                keys={k: str(v) for k in ("lea_number", "student_number")
                      if (v := getattr(record, k, None)) is not None}))
            continue
        placed.append((key, line))
        report.written[rt] += 1
    placed.sort()
    lines.extend(line for _, line in placed)
    return lines, report


@st.composite
def submissions(draw):
    """Records of any type, few schools and students (so keys tie), in any order."""
    records = []
    for _ in range(draw(st.integers(0, 25))):
        rt = draw(st.sampled_from(RECORD_TYPES))
        record = SLOW.records[rt].parse(draw(LINES[rt])).record
        if record is None:
            continue
        update = {}
        if "school_number" in record.__dict__:
            update["school_number"] = draw(st.sampled_from(["101", "102", "7", None, "Jos\u00e9"]))
        if "student_number" in record.__dict__:
            update["student_number"] = draw(st.sampled_from(["1", "2", "10", None]))
        records.append(record.model_copy(update=update))
    return draw(st.permutations(records))


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=submissions())
def test_the_writer_orders_and_reports_as_before(records):
    lines, report = assemble(records)
    expected_lines, expected = reference_assemble(records)
    assert lines == expected_lines
    assert list(report.written.items()) == list(expected.written.items())
    assert list(report.not_written.items()) == list(expected.not_written.items())
    assert report.findings == expected.findings
