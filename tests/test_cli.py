"""The utrex command line: fields and inspect, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import pytest
from helpers import ROOT, on_a_terminal
from typer.testing import CliRunner

from utrex_sdk.cli import app

SAMPLE = ROOT / "examples" / "sample" / "submission.txt"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_fields_json_lists_the_layout():
    result = run("fields", "s1", "--format", "json")
    assert result.exit_code == 0
    fields = json.loads(result.stdout)
    assert len(fields) == 62
    expected = {"name": "student_number", "spec_name": "STUDENT NUMBER", "start": 4, "end": 13,
                "width": 10, "kind": "text", "required": True}
    assert expected.items() <= fields[1].items()
    gpa = next(f for f in fields if f["name"] == "cumulative_gpa")
    assert (gpa["kind"], gpa["scale"], gpa["specials"], gpa["type"]) == (
        "decimal", 3, ["NGPA"], "decimal")


def test_fields_table_shows_columns_and_spec_names():
    result = run("fields", "DI")
    assert result.exit_code == 0
    assert "021-043" in result.stdout and "SISASOFDATE" in result.stdout


@pytest.mark.parametrize(("record", "message"), [
    ("ZZ", "unknown record type 'ZZ'"),
])
def test_fields_of_a_record_without_a_layout_is_a_one_line_error(record, message):
    result = run("fields", record)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"utrex: error: {message}")
    assert result.stderr.count("\n") == 1
    assert "known: DI, SC, S1" in result.stderr and "TA" in result.stderr


def test_a_record_library_model_without_a_layout_is_refused_by_record_layout():
    """The fixed-width layout lookup itself still says S4 has none (what `fields` falls back
    from, and what the codec's fmt.no-layout says)."""
    from utrex_sdk.cli.commands.fields import record_layout
    from utrex_sdk.errors import UtrexError

    with pytest.raises(UtrexError, match="S4 records have no fixed-width layout in edition "
                                         "2012-13"):
        record_layout("S4", "2012-13")


@pytest.mark.parametrize("record", ["S4", "ST", "TA", "TC", "TG"])
def test_fields_of_a_2020_21_record_type_lists_its_catalogue_fields(record):
    from utrex_sdk.catalogue import catalogue

    spec = catalogue().records[record]
    listed = json.loads(run("fields", record.lower(), "--format", "json").stdout)
    assert [f["name"] for f in listed] == [f.name for f in spec.fields]
    assert all(f["columns"] is None and "start" not in f for f in listed)
    assert {f["name"]: f.get("sif_xpath") for f in listed} == {
        f.name: f.sif_xpath for f in spec.fields}
    table = runner.invoke(app, ["fields", record], env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.stderr
    assert "no fixed-width layout in edition 2012-13" in table.stdout
    first = next(f for f in spec.fields if f.sif_xpath)
    assert first.sif_xpath in table.stdout


def test_fields_of_a_type_with_a_layout_is_unchanged_by_the_catalogue_listing():
    listed = json.loads(run("fields", "SC", "--format", "json").stdout)
    assert all("start" in f and "sif_xpath" not in f and "columns" not in f for f in listed)


def test_inspect_json_gives_each_records_raw_values_by_name():
    result = run("inspect", SAMPLE, "--format", "json")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert len(items) == 24
    assert items[0] == {"line": 1, "record": "DI", "fields": {
        "record_id": "DI=", "lea_number": "14", "year_identifier": ",YR=",
        "school_year": "2013", "month_identifier": ",OK=", "which_month": "OCT",
        "sis_as_of": "2012-10-01 17:30:05.000"}}
    s1 = next(i for i in items if i["record"] == "S1")
    assert s1["fields"]["last_name"] == "Nunez" and s1["fields"]["exit_date"] == ""


def test_inspect_filters_by_record_type_and_line():
    items = json.loads(run("inspect", SAMPLE, "--record", "am", "--format", "json").stdout)
    assert {i["record"] for i in items} == {"AM"} and len(items) == 6
    items = json.loads(run("inspect", SAMPLE, "--line", "2", "--format", "json").stdout)
    assert [(i["line"], i["record"]) for i in items] == [(2, "SC")]


def test_inspect_shows_the_findings_of_a_bad_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"SC=1041800605SE14\r\nSC=10418\r\n")
    items = json.loads(run("inspect", path, "--format", "json").stdout)
    assert items[1]["findings"][0]["error_id"] == "fmt.short-line"
    table = run("inspect", path)
    assert "Err fmt.short-line: line is 8 characters; SC records are 17" in table.stdout


def test_inspect_table_shows_columns_names_and_values():
    result = run("inspect", SAMPLE, "--line", "1")
    assert result.exit_code == 0
    assert "District Record" in result.stdout and "2012-10-01 17:30:05.000" in result.stdout


@pytest.mark.parametrize("target", ["missing.txt", "."])
def test_inspect_of_an_unreadable_path_is_a_one_line_error(tmp_path, target):
    result = run("inspect", tmp_path / target)
    assert result.exit_code == 2
    assert result.stderr.startswith("utrex: error: ") and result.stderr.count("\n") == 1


def test_usage_errors_exit_2():
    assert run("inspect").exit_code == 2
    assert run("fields", "S1", "--format", "xml").exit_code == 2


def test_the_installed_console_script_runs():
    result = subprocess.run([sys.executable, "-m", "utrex_sdk", "fields", "SC", "--format",
                             "json"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[1]["name"] == "school_number"


def test_the_readme_documents_every_format_finding():
    from utrex_sdk.findings import FORMAT_FINDINGS

    readme = (ROOT / "README.md").read_text()
    assert [i for i in FORMAT_FINDINGS if f"`{i}`" not in readme] == []


# --- --version and one-line usage errors (issue 16, point 6) ------------------------------------

def test_version_is_the_installed_packages():
    from importlib.metadata import version

    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"utrex {version('utrex-sdk')}\n"


@pytest.mark.parametrize("args", [
    ["validate", SAMPLE, "--jobs", "3"],
    ["convert", "--input", ".", "--output", "x.txt", "--jobs", "0"],
    ["fields", "S1", "--format", "xml"],
    ["fields", "S1", "--bogus"],
    ["fields"],
    ["inspect", SAMPLE, "--line", "0"],
    ["inspect", SAMPLE, "--line", "two"],
    ["vaildate", SAMPLE],
    ["mapping", "check"],
])
def test_every_usage_mistake_is_one_line_and_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("utrex: error: ") and result.stderr.count("\n") == 1
    assert "╭" not in result.stderr and "Usage:" not in result.stderr


def test_a_usage_error_names_the_option_and_the_help_to_read():
    result = run("validate", SAMPLE, "--jobs", "3")
    assert "'--jobs'" in result.stderr and "(see 'utrex validate --help')" in result.stderr
    assert "Did you mean 'validate'" in run("vaildate").stderr


def test_the_console_script_prints_usage_errors_on_one_line_too():
    done = subprocess.run([sys.executable, "-m", "utrex_sdk", "validate", str(SAMPLE),
                           "--jobs", "3"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("utrex: error: ") and done.stderr.count("\n") == 1


def test_utrex_alone_shows_the_help():
    result = run()
    assert result.exit_code == 2
    assert "Commands" in result.stdout + result.stderr and "utrex: error" not in result.stderr


# --- inspect says when it shows nothing (issue 16, point 6) ------------------------------------

@pytest.mark.parametrize("fmt", ["table", "json"])
@pytest.mark.parametrize(("args", "message"), [
    (["--line", "99999"], "has 24 lines; there is no line 99,999"),
    (["--record", "XX"], "no XX record in it (record types in the file: DI, SC, AC, S1, AM, "
                         "S2, S3, I1, I2)"),
    (["--line", "2", "--record", "S1"], "line 2 holds record type SC, not S1"),
])
def test_inspect_says_when_nothing_matches_and_exits_2(args, message, fmt):
    result = run("inspect", SAMPLE, *args, "--format", fmt)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"utrex: error: {SAMPLE}: {message}")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_inspect_of_an_empty_file_says_so_and_exits_2(tmp_path, fmt):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("inspect", empty, "--format", fmt)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"utrex: error: {empty}: is empty; there is no record to show\n"


def test_inspect_of_a_line_holding_no_record_type_says_so(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"SC=1041800605SE14\r\nhello\r\n")
    result = run("inspect", path, "--line", "2", "--record", "SC")
    assert result.exit_code == 2
    assert "line 2 holds no record type, not SC" in result.stderr


# --- tables in a pipe and on a terminal (issue 16, point 3) -------------------------------------

def _file_with_findings(tmp_path, sample_records):
    import datetime as dt

    from utrex_sdk import write_file

    records = [r.model_copy(update={"exit_date": dt.date(2012, 8, 1), "exit_code": "TC",
                                    "first_name": "[b]Ann[/b]"})
               if r.record_type == "S1" else r for r in sample_records]
    path = tmp_path / "findings.txt"
    write_file(records, path)
    return path


def _findings(path):
    return json.loads(run("validate", path, "--format", "json").stdout)["findings"]


def test_piped_tables_keep_each_finding_on_one_line(tmp_path, sample_records, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    path = _file_with_findings(tmp_path, sample_records)
    findings = _findings(path)
    assert len(findings) >= 5
    lines = run("validate", path).stdout.splitlines()
    for finding in findings:
        assert [line for line in lines
                if finding["error_id"] in line and finding["message"] in line], finding
    ids = {f["error_id"] for f in findings}
    # the by-Error-ID summary (a row per id), then the findings: titles, headers, rules, counts
    assert len(lines) < len(findings) + len(ids) + 16
    assert "\x1b[" not in "".join(lines)


def test_piped_tables_follow_columns_when_it_is_set(tmp_path, sample_records, monkeypatch):
    path = _file_with_findings(tmp_path, sample_records)
    monkeypatch.delenv("COLUMNS", raising=False)
    wide = run("validate", path).stdout.splitlines()
    assert max(map(len, wide)) > 100
    monkeypatch.setenv("COLUMNS", "100")
    narrow = run("validate", path).stdout.splitlines()
    assert max(map(len, narrow)) <= 100 and len(narrow) > len(wide)
    for finding in _findings(path):  # the message wraps, never the Error ID
        assert [line for line in narrow if f" {finding['error_id']} " in line], finding


def test_inspect_shows_values_as_data_not_markup(tmp_path, sample_records):
    path = _file_with_findings(tmp_path, sample_records)
    result = run("inspect", path, "--record", "S1")
    assert "[b]Ann[/b]" in result.stdout


def _on_a_terminal(*args, **env):
    """Run ``utrex ARGS`` with a pseudo-terminal as stdout and stderr; its output."""
    return on_a_terminal(*args, **env)[1].decode("utf-8", "replace")


def _colour_codes(text):
    """The SGR escape sequences in ``text`` that set a colour (not bold or italic)."""
    import re

    colours = set(range(30, 39)) | set(range(40, 49)) | set(range(90, 98)) | set(range(100, 108))
    return [seq for seq in re.findall(r"\x1b\[([0-9;]*)m", text)
            if {int(p) for p in seq.split(";") if p} & colours]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_turns_colour_off_on_a_terminal(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"SC=1041800605SE14\r\nSC=10418\r\n")
    coloured = _on_a_terminal("inspect", path)
    assert "fmt.short-line" in coloured and _colour_codes(coloured)
    plain = _on_a_terminal("inspect", path, NO_COLOR="1")
    assert "fmt.short-line" in plain and _colour_codes(plain) == []


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_columns_sets_the_width_on_a_terminal():
    import re

    shown = re.sub(r"\x1b\[[0-9;]*m", "", _on_a_terminal("fields", "S1", COLUMNS="70"))
    lines = shown.replace("\r\n", "\n").splitlines()
    assert "student_number" in shown and max(map(len, lines)) <= 70  # the pty says 80


def test_every_command_prints_with_the_one_console():
    """`cli/console.py` makes every Console; no command builds its own."""
    import ast

    made = []
    for path in sorted((ROOT / "utrex_sdk" / "cli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Console":
                made.append(path.relative_to(ROOT).as_posix())
    assert made and set(made) == {"utrex_sdk/cli/console.py"}


# --- where a report goes: one check, naming the command's own option ---------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["validate", SAMPLE, "--format", "xlsx"], "--format xlsx needs --output PATH"),
    (["validate", SAMPLE, "--output", "r.txt"],
     "the table format prints to the terminal; use --format json|csv|xlsx|html|junit "
     "with --output"),
    (["convert", "--input", ROOT / "examples" / "district-csv", "--output", "{tmp}/out.txt",
      "--format", "xlsx"], "--format xlsx needs --report PATH"),
    (["convert", "--input", ROOT / "examples" / "district-csv", "--output", "{tmp}/out.txt",
      "--report", "{tmp}/r.txt"],
     "the table format prints to the terminal; use --format json|csv|xlsx|html|junit "
     "with --report"),
])
def test_a_report_that_cannot_go_where_asked_is_refused_before_any_work(tmp_path, args,
                                                                         message):
    result = run(*[str(a).replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 2
    assert result.stderr == f"utrex: error: {message}\n"
    assert list(tmp_path.iterdir()) == []  # nothing converted, nothing written


def test_the_table_says_how_to_get_every_finding_with_the_commands_option(tmp_path,
                                                                          sample_records):
    import io

    from rich.console import Console

    from utrex_sdk.report import print_table
    from utrex_sdk.validation import validate_file

    result = validate_file(_file_with_findings(tmp_path, sample_records))
    out = io.StringIO()
    print_table(result, Console(file=out, width=300), limit=1, option="--report")
    assert f"… and {len(result.findings) - 1} more findings (use --format " \
           "json|csv|xlsx|html|junit --report PATH for all of them)" in out.getvalue()


def test_an_internal_error_is_one_line_with_status_3_and_the_traceback_on_request(
        tmp_path, monkeypatch):
    import subprocess
    import sys

    code = ("import utrex_sdk.cli.commands.fields as f\n"
            "def boom(*a, **k): raise KeyError('SECRET-VALUE')\n"
            "f.record_layout = boom\n"
            "import sys; sys.argv = ['utrex'] + sys.argv[1:]\n"
            "from utrex_sdk.cli import main; main()\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != "UTREX_DEBUG"}
    run = subprocess.run([sys.executable, "-c", code, "fields", "S1"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert run.returncode == 3, run.stderr
    assert run.stderr.count("\n") == 1 and "internal error: KeyError" in run.stderr
    assert "SECRET-VALUE" not in run.stderr and "Traceback" not in run.stderr
    debug = subprocess.run([sys.executable, "-c", code, "--debug", "fields", "S1"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" in debug.stderr and "SECRET-VALUE" in debug.stderr
