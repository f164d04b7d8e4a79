"""examples/custom-adapter: the author kit's example adapter works through the SDK as a plugin —
entry point, `utrex adapters`, `utrex convert` — and its own tests pass. Nothing is installed:
the entry point is the one its pyproject.toml declares, built as an `EntryPoint` object."""

import subprocess
import sys
import tomllib
from importlib.metadata import EntryPoint

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from utrex_sdk import adapters
from utrex_sdk.adapters import ENTRY_POINT_GROUP, Adapter, describe_adapter
from utrex_sdk.cli import app

EXAMPLE = ROOT / "examples" / "custom-adapter"


@pytest.fixture
def entry_point(monkeypatch):
    """The example's entry point as its pyproject declares it, importable from the checkout and
    seen by the SDK's discovery as if the package were installed."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())
    declared = project["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert declared == {"beehive": "utrex_example_adapter:BeehiveAdapter"}
    ep = EntryPoint(name="beehive", value=declared["beehive"], group=ENTRY_POINT_GROUP)
    monkeypatch.syspath_prepend(str(EXAMPLE))
    installed = adapters.installed_adapters()
    monkeypatch.setattr(adapters, "installed_adapters", lambda: installed | {"beehive": ep})
    return ep


def test_the_entry_point_loads_an_adapter_that_utrex_adapters_lists(entry_point):
    cls = entry_point.load()
    assert issubclass(cls, Adapter) and cls.name == "beehive"
    assert describe_adapter(entry_point)["summary"] == cls.summary
    listed = CliRunner().invoke(app, ["adapters", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert '"beehive"' in listed.stdout and cls.summary in listed.stdout


def test_utrex_convert_runs_it_on_the_sample(entry_point, tmp_path):
    out = tmp_path / "x.txt"
    result = CliRunner().invoke(app, [
        "convert", "--adapter", "beehive", "--input", str(EXAMPLE / "sample"),
        "--output", str(out), "--rejects", str(tmp_path / "rejects.csv")])
    assert result.exit_code == 0, result.output
    assert "Rows: 9 read = 8 written + 1 rejected" in result.stderr  # 2 S1s from one line
    # labelled by the title of the finding type the adapter registered under the reason's id
    assert "1  beehive.not-enrolled (student not enrolled yet)" in result.stderr
    assert [line[:3] for line in out.read_text().splitlines()] == [
        "DI=", "SC=", "S1=", "S1=", "S1=", "SC=", "S1=", "S1="]
    assert (tmp_path / "rejects.csv").read_text().splitlines()[1] == (
        "roster.jsonl,8,S1,no enrollment yet")


def test_it_runs_with_a_reference_folder_given_to_convert(entry_point, tmp_path):
    """--reference reaches the adapter's constructor (``**options``), which ignores it."""
    result = CliRunner().invoke(app, [
        "convert", "--adapter", "beehive", "--input", str(EXAMPLE / "sample"), "--output",
        str(tmp_path / "x.txt"), "--reference", str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_a_missing_export_is_a_one_line_error(entry_point, tmp_path):
    result = CliRunner().invoke(app, ["convert", "--adapter", "beehive", "--input",
                                      str(tmp_path), "--output", str(tmp_path / "x.txt")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"utrex: error: {tmp_path / 'roster.jsonl'}: no such file (the export is roster.jsonl)"]


def test_the_examples_own_tests_pass():
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
                          cwd=EXAMPLE, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout
