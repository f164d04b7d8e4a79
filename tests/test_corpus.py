"""The bad-input corpus (tests/corpus/README.md): one test per file, each asserting the exact
finding or the exact one-line error, through the command line a clerk uses — and never a
traceback, never a row that is neither converted nor reported."""

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import load_module
from typer.testing import CliRunner

from utrex_sdk.cli import app

CORPUS = Path(__file__).parent / "corpus"
UTREX = CORPUS / "utrex"
CSV = CORPUS / "csv"
make_corpus = load_module(CORPUS / "make_corpus.py")
S1, ten_mb_field = make_corpus.S1, make_corpus.ten_mb_field

runner = CliRunner()
SPEC = "(2012-13 spec, Record Types)"
NOT_FIRST = "the District record must be the first record in the file " + SPEC


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr, result.stderr
    return result


def own(findings):
    """The reader's and the file-order checks' findings (the state's rules are tested
    elsewhere): (id, record, line, field, value, message)."""
    return [(f["error_id"], f["record"], f["line"], f["field"], f["value"], f["message"])
            for f in findings if f["error_id"].startswith(("fmt.", "order.", "src.", "map."))]


def validate(path):
    result = run("validate", path, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)["findings"]


def inspect(path):
    result = run("inspect", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- UTREx files: `utrex validate` and `utrex inspect` --------------------------------------

UTREX_FINDINGS = {
    "valid.txt": [],
    "empty.txt": [("order.no-district", "DI", None, None, None,
                   "the file has no DI record; " + NOT_FIRST)],
    "nul-bytes.txt": [("fmt.control-char", None, 3, None, "0x00",
                       "byte 0x00 at column 41 is a control character; UTREx files are "
                       "printable ASCII text")],
    "cp1252-name.txt": [("fmt.not-ascii", None, 3, None, "0xf1",
                         "byte 0xF1 at column 25 is not ASCII; UTREx files are ASCII text")],
    "mixed-line-endings.txt": [("fmt.bare-cr", None, 3, None, None,
                                "line ends with a carriage return (CR) and no line feed; the "
                                "spec ends each record with CR LF")],
    "cut-short.txt": [("fmt.short-line", "S1", 3, None, None,
                       "line is 100 characters; S1 records are 220")],
    "unknown-record.txt": [("fmt.unknown-record", None, 3, None, "ZZ=",
                            "unknown record type 'ZZ=': a line must start with one of AC=, AM=, "
                            "DI=, ES=, I1=, I2=, S1=, S2=, S3=, SC=")],
    "no-district.txt": [("order.no-district", "DI", None, None, None,
                         "the file has no DI record; " + NOT_FIRST)],
    "district-not-first.txt": [("order.district-not-first", "DI", 2, None, None,
                                "the DI record is on line 2, after the SC record on line 1; "
                                + NOT_FIRST)],
    "no-school.txt": [
        ("order.no-school", rt, line, "school_number", "104",
         f"{rt} record comes before any SC record; a school's SC record must come before the "
         f"records that belong to it {SPEC}") for rt, line in (("S1", 2), ("AM", 3))],
    "other-school.txt": [("order.other-school", "S1", 3, "school_number", "105",
                          "S1 record of school '105' follows the SC record of school '104' "
                          f"(line 2); a record belongs to the school of the SC record before it "
                          f"{SPEC}")],
    "formula-like.txt": [],  # its values are the state's rule S1.022's: see its own test
    "split-line.txt": [("fmt.short-line", "S1", 3, None, None,
                        "line is 44 characters; S1 records are 220"),
                       ("fmt.unknown-record", None, 4, None, "se ",
                        "unknown record type 'se ': a line must start with one of AC=, AM=, "
                        "DI=, ES=, I1=, I2=, S1=, S2=, S3=, SC=")],
}
UTREX_ERRORS = {
    "utf16-no-bom.txt": "is UTF-16 text, not ASCII; save it as plain ASCII text",
}


def test_every_utrex_corpus_file_has_a_test():
    assert sorted(p.name for p in UTREX.iterdir()) == sorted(UTREX_FINDINGS | UTREX_ERRORS)


@pytest.mark.parametrize("name", sorted(UTREX_FINDINGS))
def test_a_utrex_corpus_file_gives_exactly_its_findings(name):
    path = UTREX / name
    code, findings = validate(path)
    assert own(findings) == UTREX_FINDINGS[name]
    assert code == (0 if name == "valid.txt" else 1)
    if name == "empty.txt":  # no line to show: `inspect` says so and exits 2 (issue 16)
        result = run("inspect", path, "--format", "json")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"utrex: error: {path}: is empty; there is no record to show\n"
        return
    lines = inspect(path)
    # every line is shown, with a record or with the findings that say why it has none
    assert [e["line"] for e in lines] == list(range(1, len(path.read_bytes().splitlines()) + 1))
    assert all(e["fields"] or e.get("findings") for e in lines)


@pytest.mark.parametrize("name", sorted(UTREX_ERRORS))
@pytest.mark.parametrize("command", ["validate", "inspect"])
def test_an_unusable_utrex_file_is_a_one_line_error(name, command):
    path = UTREX / name
    result = run(command, path)
    assert result.exit_code == 2
    assert result.stderr == f"utrex: error: {path}: {UTREX_ERRORS[name]}\n"


def redacted(path):
    result = run("validate", path, "--format", "json", "--redact")
    assert result.exit_code == 1, result.stderr
    return own(json.loads(result.stdout)["findings"])


def test_redact_masks_the_fragment_of_a_split_line():
    """The rest of a record split by a stray line break starts inside a name ('se' of Jose)."""
    assert redacted(UTREX / "split-line.txt") == [
        ("fmt.short-line", "S1", 3, None, None, "line is 44 characters; S1 records are 220"),
        ("fmt.unknown-record", None, 4, None, "** ",
         "unknown record type '** ': a line must start with one of AC=, AM=, DI=, ES=, I1=, "
         "I2=, S1=, S2=, S3=, SC=")]
    result = run("inspect", UTREX / "split-line.txt", "--redact", "--format", "json")
    assert "se " not in json.dumps(json.loads(result.stdout)[3])


def test_redact_hides_the_byte_of_a_name_that_is_not_ascii():
    """0xF1 is the 'ñ' of "Nuñez" in Windows-1252: one letter of a rare name can find a child."""
    assert redacted(UTREX / "cp1252-name.txt") == [
        ("fmt.not-ascii", None, 3, None, "0x??",
         "byte 0x?? at column 25 is not ASCII; UTREx files are ASCII text")]
    result = run("inspect", UTREX / "cp1252-name.txt", "--redact")
    assert "0xF1" not in result.stdout and "byte 0x?? at column 25" in result.stdout


def test_records_separated_by_bare_crs_are_each_read():
    lines = inspect(UTREX / "mixed-line-endings.txt")
    assert [(e["line"], e["record"]) for e in lines] == [
        (1, "DI"), (2, "SC"), (3, "AC"), (4, "S1")]
    assert lines[3]["fields"]["last_name"] == "Nunez"


def test_a_ten_megabyte_line_is_one_finding(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(S1.encode() + b"A" * (10 * 1024 * 1024) + b"\r\n")
    code, findings = validate(path)
    assert own(findings) == [
        ("fmt.long-line", "S1", 1, None, None, f"line is {220 + 10 * 1024 * 1024} characters; "
         "S1 records are 220 and the extra characters are not blank"),
        ("order.no-district", "DI", None, None, None, "the file has no DI record; " + NOT_FIRST)]
    assert code == 1


FORMULAS = {(3, "last_name"): '=HYPERLINK("x","y")', (3, "first_name"): "+1",
            (3, "middle_name"): "-2", (4, "last_name"): "@SUM(A1)"}


def test_formula_like_names_stay_in_the_utrex_file_and_are_neutralised_in_reports(tmp_path):
    path = UTREX / "formula-like.txt"
    lines = inspect(path)
    for (line, name), value in FORMULAS.items():
        assert lines[line - 1]["fields"][name] == value  # the file holds them unchanged
    _, findings = validate(path)
    # the 2020-21 spec allows only A-Z, space, ' and - in names (S1.022, 022 for First Name)
    assert {(f["line"], f["field"]): f["value"] for f in findings
            if f["error_id"] in ("S1.022", "022")} == FORMULAS
    assert run("validate", path, "--format", "csv", "--output", tmp_path / "r.csv").exit_code == 1
    assert run("validate", path, "--format", "xlsx", "--output", tmp_path / "r.xlsx"
               ).exit_code == 1
    assert _report_values(tmp_path / "r.csv", tmp_path / "r.xlsx") >= {
        "'" + v for v in FORMULAS.values()}


def _report_values(csv_path, xlsx_path):
    """Every FieldValue cell of a CSV and an XLSX report; none may start a formula."""
    from openpyxl import load_workbook

    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8"))))
    values = [r["FieldValue"] for r in rows]
    book = load_workbook(xlsx_path, read_only=True)
    for sheet in book.worksheets[1:]:
        table = list(sheet.iter_rows(values_only=True))
        if table and "FieldValue" in table[0]:
            column = table[0].index("FieldValue")
            values += [row[column] for row in table[1:] if row[column]]
    assert values and not [v for v in values if v and str(v)[0] in "=+-@"], values
    return set(values)


# --- CSV exports: `utrex convert` with the corpus mapping -----------------------------------


def convert(folder, tmp_path, *extra):
    out = tmp_path / "out.txt"
    result = run("convert", "--quiet", "--mapping", folder / "mapping.toml", "--input", folder,
                 "--output", out, "--rejects", tmp_path / "rejects.csv", *extra)
    return result, out


def convert_json(folder, tmp_path):
    result, out = convert(folder, tmp_path, "--format", "json", "--report",
                          tmp_path / "report.json")
    assert result.exit_code in (0, 1), result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    summary = report["summary"]["conversion"]
    for account in summary["files"]:  # nothing lost: read = written + rejected
        assert account["read"] == account["written"] + account["rejected"], account
    s1 = [a for a in summary["files"] if a["record"] == "S1"]
    rejects = (tmp_path / "rejects.csv").read_text("utf-8").splitlines()[1:]
    return report, s1, rejects, out.read_text("ascii").splitlines()


def names(lines):
    return [(line[3:13].rstrip(), line[22:42].rstrip()) for line in lines if line[:3] == "S1="]


CSV_ERRORS = {
    "nul-bytes": "is not a text file (it holds binary bytes)",
    "cp1252-declared-utf8": "is not utf-8 text (byte 0xF1 on line 2 cannot be read as it); "
                            "remove the mapping's encoding to have it detected, or give the "
                            "file's real one (cp1252 for Windows-1252)",
    "shift-jis": "is neither UTF-8 nor Windows-1252 text (byte 0x8D on line 4 is no "
                 "Windows-1252 character); save it as UTF-8, or give its encoding in the mapping",
    "shift-jis-katakana": "does not look like Windows-1252 text: 7 of its 20 non-ASCII "
                          "characters are symbols no name has (first on line 2), as when "
                          "Shift-JIS, GBK, Big5 or EUC-KR text is read so; save it as UTF-8, or "
                          'give its encoding in the mapping (encoding = "shift_jis", ...)',
    "not-a-text-encoding": "encoding 'base64' is not a text encoding; give the file's "
                           "character set (utf-8, cp1252, utf-16, ...) or remove it to have it "
                           "detected",
}
CSV_CASES = {"ok", "empty", "header-only", "ragged-rows", "utf16-no-bom", "mixed-line-endings",
             "duplicate-headers", "formula-like", *CSV_ERRORS}


def test_every_csv_corpus_folder_has_a_test():
    assert {p.name for p in CSV.iterdir() if p.is_dir()} == CSV_CASES


@pytest.mark.parametrize("case", sorted(CSV_ERRORS))
def test_an_unusable_export_is_a_one_line_error(case, tmp_path):
    result, out = convert(CSV / case, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"utrex: error: {CSV / case / 'students.csv'}: {CSV_ERRORS[case]}\n"
    assert not out.exists()


def test_an_ok_export_converts_every_row(tmp_path):
    report, s1, rejects, lines = convert_json(CSV / "ok", tmp_path)
    assert (s1[0]["read"], s1[0]["written"], rejects) == (2, 2, [])
    assert names(lines) == [("1001", "Nunez"), ("1002", "Smith")]
    assert own(report["findings"]) == []


@pytest.mark.parametrize(("case", "finding"), [
    ("empty", ("src.empty", None, None, None, None,
               "students.csv is empty (no header, no rows): nothing is converted from it")),
    ("header-only", ("src.no-rows", None, None, None, None,
                     "students.csv has a header but no data rows: nothing is converted from it")),
])
def test_an_export_with_no_rows_says_so(case, finding, tmp_path):
    report, s1, rejects, lines = convert_json(CSV / case, tmp_path)
    assert own(report["findings"]) == [finding]
    assert (s1, rejects, names(lines)) == ([], [], [])


def test_ragged_rows_are_rejected_with_their_row_numbers(tmp_path):
    report, s1, rejects, lines = convert_json(CSV / "ragged-rows", tmp_path)
    message = "row has {} cells but the header has 6; its values cannot be matched to columns"
    assert own(report["findings"]) == [("src.ragged", "S1", 3, None, None, message.format(3)),
                                       ("src.ragged", "S1", 4, None, None, message.format(7))]
    assert rejects == [f"students.csv,3,S1,{message.format(3)}",
                       f"students.csv,4,S1,{message.format(7)}"]
    assert (s1[0]["read"], s1[0]["written"], names(lines)) == (3, 1, [("1001", "Nunez")])


def test_utf16_without_a_byte_order_mark_is_detected(tmp_path):
    report, _, _, lines = convert_json(CSV / "utf16-no-bom", tmp_path)
    assert names(lines) == [("1001", "Nunez")]
    assert own(report["findings"]) == [
        ("fmt.transliterated", "S1", 2, "last_name", "Nuñez",
         "S1 last_name: 'Nuñez' written as 'Nunez' (UTREx files are ASCII)"),
        ("fmt.transliterated", "S1", 2, "first_name", "José",
         "S1 first_name: 'José' written as 'Jose' (UTREx files are ASCII)")]


def test_rows_ended_by_cr_lf_or_cr_alone_are_each_converted(tmp_path):
    report, s1, rejects, lines = convert_json(CSV / "mixed-line-endings", tmp_path)
    assert names(lines) == [("1001", "Nunez"), ("1002", "Smith"), ("1003", "Lee")]
    assert (s1[0]["read"], rejects, own(report["findings"])) == (3, [], [])


def test_a_column_a_header_has_twice_is_a_one_line_error(tmp_path):
    result, out = convert(CSV / "duplicate-headers", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"utrex: error: {CSV / 'duplicate-headers' / 'mapping.toml'}: records[1] (S1).fields."
        "last_name.column: students.csv has the column 'Last Name' more than once (columns 2, "
        "3); rename all but one so the mapping can tell them apart\n")
    assert not out.exists()


def test_a_ten_megabyte_cell_is_a_one_line_error(tmp_path):
    path = ten_mb_field(tmp_path / "export")
    result, out = convert(path.parent, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (f"utrex: error: {path}: row 3 has a cell longer than 131,072 "
                             "characters; look for a quote (\") that is opened and never "
                             "closed\n")
    assert not out.exists()


def test_formula_like_cells_are_written_unchanged_and_neutralised_in_reports(tmp_path):
    report, s1, rejects, lines = convert_json(CSV / "formula-like", tmp_path)
    s1_lines = [line for line in lines if line[:3] == "S1="]
    assert [(x[22:42].rstrip(), x[42:58].rstrip(), x[58:74].rstrip()) for x in s1_lines] == [
        ('=HYPERLINK("x","y")', "+1", "-2"), ("@SUM(A1)", "Anna", "")]
    reason = ("birth_date from column 'Birth Date': '=1+2' is not a date in the format "
              "'%m/%d/%Y' or ISO (YYYY-MM-DD)")
    assert rejects == [f"students.csv,4,S1,{reason}"]
    assert own(report["findings"]) == [("map.not-a-date", "S1", 4, "birth_date", "=1+2", reason)]
    assert (s1[0]["read"], s1[0]["written"], s1[0]["rejected"]) == (3, 2, 1)
    for fmt in ("csv", "xlsx"):
        convert(CSV / "formula-like", tmp_path, "--format", fmt, "--report",
                tmp_path / f"report.{fmt}")
    assert _report_values(tmp_path / "report.csv", tmp_path / "report.xlsx") >= {
        "'" + v for v in (*FORMULAS.values(), "=1+2")}
