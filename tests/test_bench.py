"""The benchmark harness runs end to end on a tiny district (a smoke test, not a timing)."""

import subprocess
import sys

from helpers import ROOT

RUN = ROOT / "bench" / "run.py"


def harness(*args, cwd):
    return subprocess.run([sys.executable, str(RUN), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_the_harness_measures_every_step_and_writes_its_table_into_the_docs(tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text("# Performance\n\nWritten by hand.\n\n<!-- bench:begin -->\nold\n"
                    "<!-- bench:end -->\n\nAlso by hand.\n")
    done = harness("--sizes", "400", "--quick", "--write-docs", "--docs", str(docs),
                   "--seed", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "| records | step | seconds | records/s |" in out
    for step in ("slice", "parse", "serialize", "validate", "convert"):
        assert f"| {step} |" in out
    assert "CPU:" in out and "Python:" in out
    assert "parse takes" in out and "the bare slicing loop" in out
    text = docs.read_text()
    assert text.startswith("# Performance\n\nWritten by hand.\n")
    assert text.endswith("<!-- bench:end -->\n\nAlso by hand.\n")
    assert "old" not in text and "| parse |" in text
    assert "python bench/run.py --sizes 400 --quick --seed 2" in text
    assert list(tmp_path.iterdir()) == [docs]  # the district files were temporary


def test_the_convert_step_converts_the_districts_export_back_into_the_district_file(
        tmp_path):
    """The step fails the run unless the CSV export, converted with its mapping, gives the
    district file byte for byte (bench/steps.py `convert`); --keep shows both."""
    done = harness("--sizes", "200", "--quick", "--steps", "convert", "--keep",
                   str(tmp_path / "kept"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "| convert |" in done.stdout
    export = tmp_path / "kept" / "district-200.export"
    assert {p.name for p in export.iterdir()} >= {"mapping.toml", "enrollments.csv",
                                                  "schedules.csv"}


def test_profile_prints_the_top_functions_of_a_step(tmp_path):
    done = harness("--sizes", "200", "--profile", "parse", "--top", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "cProfile of parse" in done.stdout and "tottime" in done.stdout


def test_unknown_steps_are_a_usage_error(tmp_path):
    done = harness("--steps", "parse,teleport", cwd=tmp_path)
    assert done.returncode == 2
    assert "unknown steps: teleport" in done.stderr


def test_repeated_runs_go_in_rounds_of_every_step_once(tmp_path):
    """A slow spell of a shared machine then falls on every step alike, so the ratios between
    steps (issue 14's validation target) hold; each step shows its best so far."""
    done = harness("--sizes", "200", "--repeat", "2", "--no-tracemalloc", "--steps",
                   "parse,validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    timed = [line.split(":")[0].strip() + (" 2" if "best of 2:" in line else " 1")
             for line in done.stdout.splitlines() if "best of" in line]
    assert timed == ["parse 1", "validate 1", "parse 2", "validate 2"]
    assert "timed runs per step, in rounds of every step once" in done.stdout
