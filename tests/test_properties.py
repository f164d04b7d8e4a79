"""Properties of reading bad input: the reader on any bytes, the CSV adapter on any CSV text.

Nothing may raise but the SDK's documented errors (`utrex_sdk.errors`), and nothing may be lost:
every physical line of a UTREx file is a record or a finding with its line number; every row of
an export is a written record or a rejected row (rows read = written + rejected, per file).
The round trips of every record type the codec can write (the ten with a 2012-13 layout) are
`test_roundtrip.py`'s; the five it cannot (S4, ST, TA, TC, TG: the spec gives them no columns)
are checked here to be refused with a finding, never an exception.
"""

import csv
import io
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from helpers.properties import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_roundtrip import LINES

from utrex_sdk import MODELS, edition_layout, serialize
from utrex_sdk.errors import UtrexError
from utrex_sdk.fixedwidth.reader import parse_lines, read_file

CORPUS_MAPPING = Path(__file__).parent / "corpus" / "csv" / "ok" / "mapping.toml"
PROPERTY = settings(max_examples=examples(150), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
CONVERSION = settings(PROPERTY, max_examples=examples(60))  # a conversion writes files: ~20 ms each

# --- the UTREx reader ------------------------------------------------------------------------

ENDINGS = st.sampled_from([b"\r\n", b"\n", b"\r"])
NOISE = st.sampled_from([b"\x00", b"\r", b"\t", b"\xe9", b"\xff\xfe", b"\x7f", b" ", b"=",
                         b"DI=", b"SC="]) | st.binary(max_size=4)


@st.composite
def mutated_line(draw):
    """A valid line of a random record type, then maybe cut, padded or with bytes put in."""
    line = draw(st.sampled_from(sorted(LINES)).flatmap(lambda rt: LINES[rt])).encode("ascii")
    kind = draw(st.sampled_from(["keep", "keep", "cut", "insert", "replace", "pad"]))
    at = draw(st.integers(0, len(line)))
    if kind == "cut":
        line = line[:at]
    elif kind == "insert":
        line = line[:at] + draw(NOISE) + line[at:]
    elif kind == "replace":
        line = line[:at] + draw(NOISE) + line[at + 1:]
    elif kind == "pad":
        line += draw(st.sampled_from([b"   ", b"X", b"\x00"]))
    return kind, line


def assert_every_line_accounted(data: bytes, items) -> None:
    assert [i.line for i in items] == list(range(1, len(data.splitlines()) + 1))
    for item in items:
        assert item.record is not None or item.findings
        assert all(f.line == item.line for f in item.findings)


@PROPERTY
@given(st.binary(max_size=2000))
def test_the_reader_accounts_for_every_line_of_any_bytes(data):
    items = list(parse_lines(io.BytesIO(data)))
    assert_every_line_accounted(data, items)


@PROPERTY
@given(st.lists(st.tuples(mutated_line(), ENDINGS), max_size=12))
def test_the_reader_accounts_for_every_line_of_damaged_files(lines):
    data = b"".join(line + end for (_, line), end in lines)
    items = list(parse_lines(io.BytesIO(data)))
    assert_every_line_accounted(data, items)
    # a line left intact is read as its record, whatever ends it (its index counts the lines of
    # everything before it: a bare CR followed by an empty line's LF is one CRLF ending)
    prefix = b""
    for (kind, line), end in lines:
        if kind == "keep":
            at = len(prefix.splitlines())
            assert items[at].record is not None, items[at].findings
        prefix += line + end


@PROPERTY
@given(st.binary(max_size=600) | st.lists(st.tuples(mutated_line(), ENDINGS), max_size=6).map(
    lambda lines: b"".join(line + end for (_, line), end in lines)))
def test_read_file_raises_only_the_sdks_own_errors(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.txt"
        path.write_bytes(data)
        try:
            items = list(read_file(path))
        except UtrexError as err:
            assert "\n" not in str(err)
            return
    assert_every_line_accounted(data, items)


@pytest.mark.parametrize("record_type", ["S4", "ST", "TA", "TC", "TG"])
def test_record_types_without_a_layout_are_refused_with_a_finding(record_type):
    assert record_type not in edition_layout("2012-13").records
    line, findings = serialize(MODELS[record_type]())
    assert line is None
    assert [f.error_id for f in findings] == ["fmt.no-layout"]


# --- the CSV adapter ---------------------------------------------------------------------------

HEADER = ["Student ID", "Last Name", "First Name", "Middle Name", "Birth Date", "Grade"]
CELLS = (st.sampled_from(["1001", "Nunez", "José", "03/14/2006", "2005-07-01", "1", "K", "",
                          "=HYPERLINK(\"x\",\"y\")", "+1", "-2", "@SUM(A1)", "a,b", 'q"q',
                          "two\nlines", " ", "\t"])
         | st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"],
                                 exclude_characters="\x00"), max_size=10))
ROWS = st.lists(st.lists(CELLS, min_size=6, max_size=6)
                | st.lists(CELLS, min_size=0, max_size=8), max_size=15)


def _convert(folder: Path, text: bytes, mapping: bytes):
    from utrex_csv import CsvAdapter

    from utrex_sdk.conversion import convert

    (folder / "students.csv").write_bytes(text)
    (folder / "mapping.toml").write_bytes(mapping)
    output = folder / "out.txt"
    result = convert(CsvAdapter(folder, mapping=folder / "mapping.toml"), output,
                     rejects=folder / "rejects.csv")
    for account in result.accounts:
        assert account.read == account.written + sum(account.rejected.values()), \
            account.to_dict()
    written = Counter(line[:2] for line in output.read_text("ascii").splitlines())
    assert written == result.written
    rejects = (folder / "rejects.csv").read_bytes().count(b"\r\n") - 1
    assert rejects == sum(result.rejected.values())
    return result


@pytest.fixture(scope="module")
def workdir():
    folder = Path(tempfile.mkdtemp(prefix="utrex-props-"))
    yield folder
    shutil.rmtree(folder)


@CONVERSION
@given(rows=ROWS, ending=st.sampled_from(["\r\n", "\n", "\r"]))
def test_every_row_of_a_csv_export_is_written_or_rejected(workdir, rows, ending):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerows([HEADER, *rows])
    text = buffer.getvalue().encode("utf-8")
    mapping = CORPUS_MAPPING.read_bytes().replace(
        b'file = "students.csv"', b'file = "students.csv"\ndelimiter = ","')
    result = _convert(workdir, text, mapping)
    # what a spreadsheet shows as rows (a bare "\n" in a cell ends a row of a CR-ended file
    # unless quoted): every one that is not blank is read, then written or rejected
    shown = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))[1:]
    expected = sum(1 for row in shown if any(cell.strip() for cell in row))
    s1 = [a for a in result.accounts if a.record == "S1"]
    assert sum(a.read for a in s1) == expected


@CONVERSION
@given(st.binary(max_size=1500) | st.text(max_size=800).map(str.encode))
def test_any_bytes_as_an_export_give_rows_accounted_or_a_documented_error(workdir, data):
    try:
        _convert(workdir, data, CORPUS_MAPPING.read_bytes())
    except UtrexError as err:
        assert "\n" not in str(err), err
