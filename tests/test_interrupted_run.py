"""Atomic outputs (issue 7, item 4): an interrupted `utrex convert` leaves the previous files.

A real run on a big export (a few seconds of work) writing over an existing UTREx file, report
and rejects file is killed mid-run — SIGKILL, which nothing can catch, and SIGINT (Ctrl-C) —
and the previous files must be byte for byte what they were, with no half-written target.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import hear_ctrl_c

from utrex_sdk.atomic import atomic_write, remove_stale_temporaries

MAPPING = """
version = 1
edition = "2012-13"
date_formats = ["iso"]

[constants]
lea_number = "14"
school_number = "104"

[district]
school_year = 2024
which_month = "DEC"
sis_as_of = 2023-12-01T16:30:00

[sources.students]
file = "students.csv"

[[records]]
type = "SC"
[records.fields]
days_in_school_year = { value = "180" }
last_day_of_school = { value = "0531" }
schedule_year_type = { value = "S" }
schedule_day_type = { value = "E" }

[[records]]
type = "S1"
source = "students"
[records.fields]
student_number = "Student ID"
last_name = "Last Name"
first_name = "First Name"
birth_date = "Birth Date"
grade_level = "Grade"
entry_date = "Entry Date"
"""

ROWS = 150_000


def _export(folder: Path, rows: int) -> Path:
    """An export of ``rows`` students (every 50th with a bad date, so the rejects file has
    lines)."""
    (folder / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    with (folder / "students.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("Student ID,Last Name,First Name,Birth Date,Grade,Entry Date\n")
        for n in range(rows):
            born = "2015-13-40" if n % 50 == 0 else f"2015-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
            out.write(f"{n:07d},LAST{n % 997},FIRST{n % 991},{born},03,2023-08-22\n")
    return folder


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> Path:
    """Big enough that converting it takes many seconds: the run is killed long before."""
    return _export(tmp_path_factory.mktemp("big"), ROWS)


def _command(export: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "utrex_sdk", "convert", "--adapter", "csv",
            "--mapping", str(export / "mapping.toml"), "--input", str(export),
            "--output", str(out / "submission.txt"), "--rejects", str(out / "rejects.csv"),
            "--format", "json", "--report", str(out / "report.json")]


TARGETS = ("submission.txt", "rejects.csv", "report.json")


def _previous_run(out: Path) -> dict[str, bytes]:
    out.mkdir()
    for name in TARGETS:
        (out / name).write_bytes(f"previous {name}\r\n".encode() * 100)
    return {name: (out / name).read_bytes() for name in TARGETS}


def _start_and_wait_for_work(export: Path, out: Path) -> subprocess.Popen:
    """Start a real run and wait until it has begun writing (its rejects temporary exists)."""
    process = subprocess.Popen(_command(export, out), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=os.environ | {"PYTHONUNBUFFERED": "1"},
                               preexec_fn=hear_ctrl_c)
    deadline = time.monotonic() + 60
    while not list(out.glob(".rejects.csv.utrex-*.tmp")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.02)
    time.sleep(0.5)
    assert process.poll() is None, "the run finished before it could be interrupted: make the " \
                                   "input bigger"
    return process


def _temporaries(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.name.startswith(".") and p.suffix == ".tmp")


def test_sigkill_mid_run_leaves_the_previous_files_intact(big_export, tmp_path):
    out = tmp_path / "out"
    before = _previous_run(out)
    process = _start_and_wait_for_work(big_export, out)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert {name: (out / name).read_bytes() for name in TARGETS} == before
    # what a kill cannot clean up: temporaries named .TARGET.utrex-PID-XXXX.tmp, never a target
    left = _temporaries(out)
    assert left and all(p.name.startswith(".rejects.csv.utrex-") for p in left)
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == set(TARGETS)
    # the next write to the same target removes them (their process is gone)
    with atomic_write(out / "rejects.csv") as handle:
        handle.write(b"next run\r\n")
    assert _temporaries(out) == []
    assert (out / "rejects.csv").read_bytes() == b"next run\r\n"


def test_ctrl_c_mid_run_says_so_in_one_line_and_leaves_the_previous_files(big_export,
                                                                             tmp_path):
    out = tmp_path / "out"
    before = _previous_run(out)
    process = _start_and_wait_for_work(big_export, out)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.decode().splitlines() == [
        "utrex: interrupted; files not finished were left as they were"]
    assert stdout == b""
    assert {name: (out / name).read_bytes() for name in TARGETS} == before
    assert _temporaries(out) == []  # removed on the way out


def test_a_finished_run_replaces_every_file_and_leaves_no_temporary(tmp_path):
    export = _export(tmp_path, 2_000)
    out = tmp_path / "out"
    before = _previous_run(out)
    done = subprocess.run(_command(export, out), capture_output=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    assert all((out / name).read_bytes() != before[name] for name in TARGETS)
    assert _temporaries(out) == []
    rejects = (out / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert len(rejects) == 1 + 2_000 // 50


def test_stale_temporaries_of_a_live_process_are_kept(tmp_path):
    target = tmp_path / "submission.txt"
    mine = tmp_path / f".submission.txt.utrex-{os.getpid()}-abc.tmp"
    mine.write_bytes(b"in progress")
    dead = tmp_path / ".submission.txt.utrex-999999999-abc.tmp"
    dead.write_bytes(b"left by a killed run")
    other = tmp_path / ".other.txt.utrex-999999999-abc.tmp"
    other.write_bytes(b"another target's")
    assert remove_stale_temporaries(target) == [dead]
    assert mine.exists() and other.exists() and not dead.exists()


def test_an_error_while_writing_removes_the_temporary_and_keeps_the_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous"
    assert _temporaries(tmp_path) == []
