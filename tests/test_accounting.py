"""Row accounting (issue 7, item 3): for every input file, rows read = written + rejected.

Runs `utrex convert` on every bundled example export and on every CSV case of the bad-input
corpus (tests/corpus/csv/*/, when it exists) and checks, per source file and record type:

- the JSON report's ``conversion.files`` says read = written + rejected;
- the rejects file lists exactly ``rejected`` rows of that file and record type;
- ``written`` equals the records of the output file that trace back to that file;
- every data row of the file is counted: read + blank rows = the rows the file holds;
- files that feed no record of their own (joins, lookups) are counted too
  (``conversion.lookups``: read = used + unused + ragged).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from helpers import import_from
from typer.testing import CliRunner

from utrex_sdk.adapters import Adapter, Mapped, Origin, installed_adapters, load_adapter
from utrex_sdk.cli import app
from utrex_sdk.conversion import convert
from utrex_sdk.errors import UtrexError
from utrex_sdk.fixedwidth.codec import codec_for
from utrex_sdk.sources import SourceTable, _blank

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT / "tests" / "corpus" / "csv"

NOT_EXPORTS = {"sample": "a finished UTREx file built with the API, not an export to convert"}
"""Example folders that are not an export, and why (every other one must be a case)."""


def _package_adapter(folder: Path) -> tuple[str, str] | None:
    """(name, "module:Class") of the adapter an example adapter *package* registers."""
    import tomllib

    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    points = project.get("project", {}).get("entry-points", {}).get("utrex_sdk.adapters", {})
    return next(iter(points.items()), None)


def _example_cases() -> list[tuple[str, str, Path, Path | None]]:
    """examples/NAME/ with a mapping (csv adapter), named after an installed adapter (its
    default mapping), or an adapter package (pyproject.toml) with its sample/ export."""
    cases = []
    adapters = installed_adapters()
    for folder in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        if folder.name in NOT_EXPORTS:
            continue
        mapping = folder / "mapping.toml"
        name = f"examples/{folder.name}"
        if (folder / "pyproject.toml").exists() and _package_adapter(folder):
            adapter, _ = _package_adapter(folder)
            sample = folder / "sample" if (folder / "sample").is_dir() else folder
            cases.append((name, adapter, sample, mapping if mapping.exists() else None))
        elif folder.name in adapters:  # a vendor adapter with its own default mapping
            cases.append((name, folder.name, folder, mapping if mapping.exists() else None))
        else:
            cases.append((name, "csv", folder, mapping))
    return cases


def _corpus_cases() -> list[tuple[str, str, Path, Path | None]]:
    if not CORPUS.is_dir():
        return []
    cases = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        mappings = sorted(folder.glob("*.toml"))
        mapping = folder / "mapping.toml" if (folder / "mapping.toml").exists() else (
            mappings[0] if mappings else None)
        data = folder / "input" if (folder / "input").is_dir() else folder
        cases.append((f"corpus/{folder.name}", "csv", data, mapping))
    return cases


CASES = _example_cases() + _corpus_cases()


def test_every_example_folder_is_an_accounting_case_or_said_not_to_be_an_export():
    names = {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    cased = {Path(c[0]).name for c in _example_cases()}
    assert names == cased | set(NOT_EXPORTS), "an example folder is neither a case nor excused"
    assert any(c[0] == "examples/district-csv" for c in CASES)


def _data_rows(path: Path, sheet: str | None = None) -> int | None:
    """The rows after the header that a file holds (blank ones included, trailing blank rows
    of a sheet excluded), counted apart from the conversion; None if it cannot be opened."""
    try:
        table = SourceTable(path, sheet=sheet)
    except UtrexError:
        return None
    rows = [cells for number, cells in table._numbered() if number > table.info.header_row]
    while rows and _blank(rows[-1]):
        rows.pop()
    return len(rows)


def _sheets(mapping: Path | None) -> dict[str, str]:
    if mapping is None:
        return {}
    import tomllib

    sources = tomllib.loads(mapping.read_text(encoding="utf-8")).get("sources", {})
    return {s["file"]: s["sheet"] for s in sources.values()
            if isinstance(s, dict) and "sheet" in s and "file" in s}


def _adapter_class(name: str, case: str):
    """An installed adapter, or an example package's adapter imported from its folder (the
    package need not be installed for its export to be accounted for)."""
    if name in installed_adapters():
        return load_adapter(name)
    folder = EXAMPLES / Path(case).name
    target = dict([_package_adapter(folder)])[name]
    module_name, _, attr = target.partition(":")
    try:
        return getattr(import_from(folder, module_name), attr)
    except ImportError as err:
        pytest.skip(f"{case}: adapter package cannot be imported yet ({err})")


def _run(adapter: str, data: Path, mapping: Path | None, out: Path):
    args = ["convert", "--adapter", adapter, "--input", str(data), "--output",
            str(out / "out.txt"), "--rejects", str(out / "rejects.csv"), "--format", "json",
            "--report", str(out / "report.json")]
    if mapping is not None:
        args += ["--mapping", str(mapping)]
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize(("name", "adapter", "data", "mapping"), CASES, ids=[c[0] for c in CASES])
def test_rows_read_equal_rows_written_plus_rows_rejected(name, adapter, data, mapping,
                                                         tmp_path):
    if adapter in installed_adapters():
        result = _run(adapter, data, mapping, tmp_path)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{name}: {result.exception!r}")
        if result.exit_code == 2:  # unusable input: one line, nothing written, no accounting
            assert name.startswith("corpus/"), result.stderr
            lines = result.stderr.splitlines()
            assert lines[-1].startswith("utrex: error: ") and "Traceback" not in result.stderr
            assert not (tmp_path / "out.txt").exists()
            return
        assert result.exit_code in (0, 1), result.stderr
        conversion = json.loads((tmp_path / "report.json").read_text())["summary"]["conversion"]
    else:  # an example adapter package that is not installed: the same through the API
        plugin = _adapter_class(adapter, name)(data, mapping=mapping)
        conversion = convert(plugin, tmp_path / "out.txt",
                             rejects=tmp_path / "rejects.csv").summary()

    with (tmp_path / "rejects.csv").open(newline="", encoding="utf-8") as handle:
        listed = Counter((r["file"], r["record"]) for r in csv.DictReader(handle))
    for entry in conversion["files"]:
        where = f"{name}: {entry['file']} {entry['record']}"
        assert entry["read"] == entry["written"] + entry["rejected"], where
        assert entry["rejected"] == sum(entry["rejected_by_reason"].values()), where
        assert listed[(entry["file"], entry["record"])] == entry["rejected"], where
    assert sum(listed.values()) == conversion["rows_rejected"]
    assert conversion["rows_read"] == conversion["rows_written"] + conversion["rows_rejected"]
    for entry in conversion["lookups"]:
        assert entry["read"] == entry["used"] + entry["unused"] + entry["ragged"], entry
        assert min(entry["used"], entry["unused"], entry["ragged"]) >= 0, entry

    # every data row of every file the conversion read is counted: read + blank = rows held
    # (a tabular export read by a mapping; another adapter's "row" is its own business)
    if mapping is None:
        return
    blank = conversion["blank_rows"]
    sheets = _sheets(mapping)
    counted = [(e["file"], e["read"]) for e in conversion["files"]
               if e["file"] != mapping.name]  # records made of the mapping's constants
    counted += [(e["file"], e["read"]) for e in conversion["lookups"]]
    for file, read in counted:
        held = _data_rows(data / file, sheets.get(file))
        if held is not None:
            assert read + blank.get(file, 0) == held, f"{name}: {file}"


def _traced_written(adapter_name: str, data: Path, mapping: Path | None,
                    out: Path) -> tuple[dict[tuple[str, str], int], Counter, object]:
    """Convert through the API, remembering which file each record came from, then trace every
    line of the output file back to a file by its exact text."""
    inner = _adapter_class(adapter_name, f"examples/{data.parent.name}")(data, mapping=mapping) \
        if adapter_name not in installed_adapters() else load_adapter(adapter_name)(
            data, mapping=mapping)
    origins: dict[tuple[str, str], list[str]] = defaultdict(list)
    codec = codec_for(inner.edition)

    class Tracing(Adapter):
        name = "tracing"

        def __init__(self):
            self.input_dir = inner.input_dir
            self.mapping_path = inner.mapping_path

        @property
        def edition(self):
            return inner.edition

        def items(self):
            for item in inner.items():
                if isinstance(item, Mapped):
                    line, _ = codec.serialize(item.record)
                    if line is not None:
                        origins[(item.record.record_type, line.rstrip("\r\n"))].append(
                            item.origin.file)
                yield item

        def findings(self):
            return inner.findings()

        def blank_rows(self):
            return inner.blank_rows()

        def lookup_files(self):
            return inner.lookup_files()

    result = convert(Tracing(), out / "traced.txt")
    traced: Counter = Counter()
    for line in (out / "traced.txt").read_text(encoding="ascii").splitlines():
        rt = line[:2]
        files = origins.get((rt, line))
        assert files, f"output line traces to no input row: {line[:40]}"
        traced[(files.pop(0), rt)] += 1
    return {(a.file, a.record): a.written for a in result.accounts}, traced, result


@pytest.mark.parametrize(("name", "adapter", "data", "mapping"), CASES, ids=[c[0] for c in CASES])
def test_written_counts_are_the_output_records_traced_to_each_file(name, adapter, data, mapping,
                                                                   tmp_path):
    try:
        written, traced, _ = _traced_written(adapter, data, mapping, tmp_path)
    except UtrexError:
        assert name.startswith("corpus/")  # unusable input: the CLI test checks the message
        return
    assert {k: v for k, v in written.items() if v} == dict(traced), name


# --- rows that feed no record, blank rows, filtered rows: none may vanish -----------------


@pytest.fixture
def messy_export(tmp_path) -> tuple[Path, Path]:
    """The district example with the rows that are easiest to lose: blank rows in a record
    file and in a joined file, a ragged row, a row the join cannot match, a student row with
    no key, a student no enrollment refers to, a bad date, and rows a `where` leaves out."""
    data = tmp_path / "export"
    shutil.copytree(EXAMPLES / "district-csv", data)
    enrol = (data / "enrollments.csv").read_text(encoding="utf-8").splitlines()
    enrol[3:3] = ["", ",,,,,,,"]  # a blank row and a row of empty cells
    enrol.append("4101,104,K,8/22/2023,,,68,68,EXTRA")  # ragged
    enrol.append("999999,104,K,8/22/2023,,,68,68")  # no such student
    enrol.append("4104,104,K,32/22/2023,,,68,68")  # not a date
    (data / "enrollments.csv").write_text("\n".join(enrol) + "\n", encoding="utf-8")
    students = (data / "students.csv").read_bytes().decode("cp1252").splitlines()
    header, first = students[0], students[1]
    students[2:2] = ["", "," + first.split(",", 1)[1],  # blank row; row with no Student ID
                     "777777," + first.split(",", 1)[1]]  # a student nobody enrols
    (data / "students.csv").write_bytes(("\n".join(students) + "\n").encode("cp1252"))
    assert header.startswith("Student ID")
    mapping = (data / "mapping.toml").read_text(encoding="utf-8")
    mapping = mapping.replace('type = "S2"\nsource = "sped"\n',
                              'type = "S2"\nsource = "sped"\n'
                              'where = { column = "Service Time", in = ["A"] }\n')
    (data / "mapping.toml").write_text(mapping, encoding="utf-8")
    return data, data / "mapping.toml"


def test_no_row_of_a_messy_export_vanishes(messy_export, tmp_path):
    data, mapping = messy_export
    out = tmp_path / "out"
    out.mkdir()
    result = _run("csv", data, mapping, out)
    assert result.exit_code in (0, 1), result.stderr
    report = json.loads((out / "report.json").read_text())
    conversion = report["summary"]["conversion"]
    files = {(e["file"], e["record"]): e for e in conversion["files"]}
    s1 = files[("enrollments.csv", "S1")]
    assert s1["rejected_by_reason"] == {"src.ragged": 1, "map.no-match": 1, "map.not-a-date": 1}
    assert s1["read"] == s1["written"] + 3
    assert conversion["blank_rows"]["enrollments.csv"] == 2
    assert conversion["blank_rows"]["students.csv"] == 1
    sped = files[("sped.csv", "S2")]
    excluded = sped["rejected_by_reason"].get("map.excluded", 0)
    assert excluded > 0 and sped["read"] == sped["written"] + sped["rejected"]
    students = next(e for e in conversion["lookups"] if e["file"] == "students.csv")
    # the original unused row, the row with no Student ID and the student nobody enrols
    assert students["unused"] == 3 and students["read"] == 246
    unused = next(f for f in report["findings"] if f["error_id"] == "map.unused-rows"
                  and f["source"] == "students.csv")
    assert unused["message"].startswith("3 of 246 rows of students.csv")
    assert "1 of them have a blank" in unused["message"]
    with (out / "rejects.csv").open(newline="", encoding="utf-8") as handle:
        reasons = Counter(r["record"] for r in csv.DictReader(handle))
    assert reasons["S1"] == 3 and reasons["S2"] == excluded
    assert _data_rows(data / "enrollments.csv") == s1["read"] + 2


def test_a_lookup_file_no_row_needed_is_still_counted(tmp_path):
    """When every row that would look into staff.xlsx is rejected first, the file is still
    read for the accounting: its rows are counted as unused, not left out of the summary."""
    data = tmp_path / "export"
    shutil.copytree(EXAMPLES / "district-csv", data)
    mapping = (data / "mapping.toml").read_text(encoding="utf-8").replace(
        'type = "AC"\nsource = "sections"\n',
        'type = "AC"\nsource = "sections"\nwhere = { column = "Term", in = ["no such term"] }\n')
    (data / "mapping.toml").write_text(mapping, encoding="utf-8")
    result = _run("csv", data, data / "mapping.toml", tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    conversion = json.loads((tmp_path / "report.json").read_text())["summary"]["conversion"]
    staff = next(e for e in conversion["lookups"] if e["file"] == "staff.xlsx")
    assert staff["used"] == 0 and staff["unused"] == staff["read"] > 0
    assert "staff.xlsx (joined or looked up, no record of its own)" in result.stderr


class _ListAdapter(Adapter):
    """Records given in code, each with the file and row it claims to come from."""

    name = "list"

    def __init__(self, input_dir, rows):
        super().__init__(input_dir)
        self.rows = rows

    def items(self):
        for file, row, record in self.rows:
            yield Mapped(record, Origin(file, row))


def test_rows_the_submission_leaves_out_are_rejected_at_their_own_row(tmp_path):
    """The writer hands back what the structure left out, tagged with each row's origin: a
    second DI, a second SC of a school, and a record of a school with no SC record (here one
    that arrives before any SC, and one whose school never gets one)."""
    from utrex_sdk.models import DistrictRecord, SchoolRecord, StudentRecord

    rows = [("lea.csv", 2, DistrictRecord(lea_number="14", school_year=2013)),
            ("kids.csv", 2, StudentRecord(student_number="1", school_number="104")),
            ("kids.csv", 3, StudentRecord(student_number="2", school_number="999",
                                          lea_number="14")),
            ("schools.csv", 2, SchoolRecord(school_number="104", days_in_school_year=180)),
            ("schools.csv", 3, SchoolRecord(school_number="104", days_in_school_year=170)),
            ("lea.csv", 3, DistrictRecord(lea_number="15", school_year=2013)),
            ("kids.csv", 4, StudentRecord(student_number="3", school_number="999"))]
    rejects = tmp_path / "rejects.csv"
    result = convert(_ListAdapter(tmp_path, rows), tmp_path / "out.txt", rejects=rejects)
    with rejects.open(newline="", encoding="utf-8") as handle:
        rejected = [(r["file"], r["row"], r["record"]) for r in csv.DictReader(handle)]
    # the DI and SC lines that sort first are kept: LEA 14, and school 104's 170-day SC
    assert rejected == [("lea.csv", "3", "DI"), ("schools.csv", "2", "SC"),
                        ("kids.csv", "3", "S1"), ("kids.csv", "4", "S1")]
    findings = [(f.error_id, f.source, f.line, f.value) for f in result.findings]
    assert findings == [("fmt.extra-district", "lea.csv", 3, "15"),
                        ("fmt.duplicate-school", "schools.csv", 2, "104"),
                        ("fmt.no-school", "kids.csv", 3, "999"),
                        ("fmt.no-school", "kids.csv", 4, "999")]
    assert result.findings[2].keys == {"lea_number": "14", "student_number": "2"}
    accounts = {(a.file, a.record): (a.read, a.written, sum(a.rejected.values()))
                for a in result.accounts}
    assert accounts == {("lea.csv", "DI"): (2, 1, 1), ("kids.csv", "S1"): (3, 1, 2),
                        ("schools.csv", "SC"): (2, 1, 1)}
    assert result.written == {"DI": 1, "SC": 1, "S1": 1}
    assert (tmp_path / "out.txt").read_text().count("\n") == 3
