"""Output paths (SECURITY.md): a device is written through, never replaced; a symlink is
followed; a FIFO with no reader is refused at once; a full disk is one line and the previous file
stays; outputs never name each other or an input."""

from __future__ import annotations

import errno
import os
import stat
import threading

import pytest

from utrex_sdk.atomic import atomic_write
from utrex_sdk.errors import UnusableInputError, UtrexError
from utrex_sdk.run_paths import check_run_paths


def test_a_character_device_is_written_through_and_stays_a_device():
    with atomic_write("/dev/null") as handle:
        handle.write(b"student data")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_symlink_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_bytes(b"old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with atomic_write(link) as handle:
        handle.write(b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_fifo_with_no_reader_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnusableInputError, match="a FIFO with no reader"), atomic_write(fifo):
        pass
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_fifo_with_a_reader_is_written_through(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, before the writer opens
    reader = threading.Thread(target=lambda: got.append(_read_all(fd)))
    with atomic_write(fifo) as handle:
        handle.write(b"lines")
    reader.start()
    reader.join(5)
    assert got == [b"lines"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def _read_all(fd: int) -> bytes:
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def test_a_full_disk_is_one_line_and_the_previous_file_stays(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"previous")
    with pytest.raises(UnusableInputError) as caught, atomic_write(target):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert "No space left on device" in str(caught.value) and "\n" not in str(caught.value)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(UnusableInputError, match="is a directory"), atomic_write(tmp_path):
        pass


def test_two_outputs_naming_one_file_are_refused(tmp_path):
    with pytest.raises(UtrexError, match="--output and --report name the same file"):
        check_run_paths({"--output": tmp_path / "a.txt", "--report": tmp_path / "a.txt"}, [])


def test_an_output_over_an_input_is_refused_even_through_a_link(tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("x")
    link = tmp_path / "report.json"
    link.symlink_to(mapping)
    with pytest.raises(UtrexError, match=r"--report .* is a file this run reads \(--mapping\)"):
        check_run_paths({"--output": tmp_path / "o.txt", "--report": link},
                        [("--mapping", mapping)])


def test_devices_may_be_named_twice(tmp_path):
    check_run_paths({"--output": "/dev/null", "--report": "/dev/null"}, [])


def test_convert_refuses_a_report_over_its_mapping_and_touches_nothing(tmp_path):
    from helpers import ROOT
    from typer.testing import CliRunner

    from utrex_sdk.cli import app

    example = ROOT / "examples" / "district-csv"
    mapping = tmp_path / "mapping.toml"
    mapping.write_bytes((example / "mapping.toml").read_bytes())
    before = mapping.read_bytes()
    run = CliRunner().invoke(app, ["convert", "--mapping", str(mapping), "--input",
                                   str(example), "--output", str(tmp_path / "out.txt"),
                                   "--format", "json", "--report", str(mapping)])
    assert run.exit_code == 2 and "is a file this run reads" in run.output
    assert mapping.read_bytes() == before and not (tmp_path / "out.txt").exists()
    same = CliRunner().invoke(app, ["convert", "--mapping", str(mapping), "--input",
                                    str(example), "--output", str(tmp_path / "o.txt"),
                                    "--rejects", str(tmp_path / "o.txt")])
    assert same.exit_code == 2 and "name the same file" in same.output


def test_validate_refuses_a_report_over_the_file_it_validates(tmp_path):
    from helpers import ROOT
    from typer.testing import CliRunner

    from utrex_sdk.cli import app

    target = tmp_path / "sub.txt"
    target.write_bytes((ROOT / "examples" / "sample" / "submission.txt").read_bytes())
    run = CliRunner().invoke(app, ["validate", str(target), "--format", "json", "--output",
                                   str(target)])
    assert run.exit_code == 2 and target.read_bytes().startswith(b"DI=")
