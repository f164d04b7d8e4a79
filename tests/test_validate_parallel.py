"""The second pass split over two processes (`validation/parallel.py`) gives the result one
process gives: the same findings, in the same order, the same rules not checked."""

import contextlib
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import hear_ctrl_c

from utrex_sdk import edition_layout, write_file
from utrex_sdk.findings import make_finding
from utrex_sdk.synth import district_records
from utrex_sdk.validation import ValidationOptions, validate_file
from utrex_sdk.validation import engine as validation_engine
from utrex_sdk.validation.parallel import MIN_BYTES, can_split, jobs_for, merge

pytestmark = pytest.mark.skipif(not can_split(), reason="needs two cores and fork")


def _damaged_district(path, seed=1):
    """A synthetic district with damage of every kind the validator reports: codec findings
    (re-labelled to the spec's IDs), generic checks, single-record rules, cross-record rules,
    duplicates, Dep rows, a file-order finding."""
    write_file(district_records(400, seed=seed), path)
    lines = path.read_bytes().split(b"\r\n")[:-1]
    rng = random.Random(seed)
    for i in rng.sample(range(2, len(lines)), 60):
        line = bytearray(lines[i])
        kind = rng.randrange(6)
        if kind == 0:  # a date that is not one, a number that is not one
            line[20:28] = b"20131345"
        elif kind == 1:  # a blank required field
            line[3:9] = b"      "
        elif kind == 2:  # a letter where a code or digit belongs
            pos = rng.randrange(10, len(line) - 1)
            line[pos:pos + 1] = b"Q"
        elif kind == 3:  # the line again: duplicates, overlaps
            lines.append(bytes(line))
            continue
        elif kind == 4:  # cut short
            line = line[:len(line) // 2]
        lines[i] = bytes(line)
    lines.insert(5, lines[0])  # a second DI record, out of place
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")


def _both(path, **options):
    one = validate_file(path, ValidationOptions(jobs=1, **options))
    two = validate_file(path, ValidationOptions(jobs=2, **options))
    return one, two


def test_a_damaged_district_gives_the_same_findings_in_the_same_order(tmp_path):
    path = tmp_path / "damaged.txt"
    _damaged_district(path)
    one, two = _both(path)
    kinds = {f.rule or f.error_id for f in one.findings}
    assert len(one.findings) > 100 and len(kinds) > 15  # a real mix, not a clean file
    assert any(f.error_id == "Dep" for f in one.findings)
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]
    assert two.not_checked == one.not_checked and two.stopped is one.stopped is None


def test_findings_spilled_to_disk_merge_as_in_one_process(tmp_path, monkeypatch):
    """Past `SPILL_AT` each process keeps its findings on disk (the worker in a file opened
    before the fork): the merged run is still finding for finding the one-process run."""
    from utrex_sdk.validation import finding_store

    path = tmp_path / "damaged.txt"
    _damaged_district(path)
    monkeypatch.setattr(finding_store, "SPILL_AT", 7)
    one, two = _both(path)
    assert one.store.spilled and two.store.spilled
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]
    assert one.summary() == two.summary()


def test_options_reach_both_processes(tmp_path):
    path = tmp_path / "damaged.txt"
    _damaged_district(path, seed=2)
    one, two = _both(path, school_year=2014, collection="year-end")
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]


def test_the_bundled_sample_validates_the_same_in_two_processes():
    from helpers import ROOT

    one, two = _both(ROOT / "examples" / "sample" / "submission.txt")
    assert two.findings == one.findings == []


def test_max_findings_keeps_one_process(tmp_path, monkeypatch):
    """Where a limited run stops depends on the order findings arrive in: it is not split."""
    path = tmp_path / "damaged.txt"
    _damaged_district(path)
    monkeypatch.setattr(validation_engine, "run_split",
                        lambda *a: pytest.fail("a --max-findings run was split"))
    result = validate_file(path, ValidationOptions(jobs=2, max_findings=10))
    assert len(result.findings) == 10 and result.stopped


def test_a_failing_worker_is_an_error_not_a_partial_result(tmp_path, monkeypatch):
    path = tmp_path / "damaged.txt"
    _damaged_district(path)
    second_pass = validation_engine.Validator.second_pass

    def broken(self, items, marks=None):
        if self.part == "record":  # runs in the worker (fork inherits the patch)
            raise MemoryError("out of memory")
        return second_pass(self, items, marks)

    monkeypatch.setattr(validation_engine.Validator, "second_pass", broken)
    with pytest.raises(RuntimeError, match="validation worker process failed: MemoryError"):
        validate_file(path, ValidationOptions(jobs=2))


def test_merge_puts_each_items_findings_in_part_order():
    a1, a2, b1, b2, b3 = (make_finding("fmt.blank-line", line=n) for n in range(1, 6))
    # part 0 found a1 at item 0 and a2 at item 7; part 1 found b1 at item 0, b2 and b3 at item 3
    merged = merge(([a1, a2], [(0, 1), (7, 2)]), ([b1, b2, b3], [(0, 1), (3, 3)]))
    assert merged == [a1, b1, b2, b3, a2]
    with pytest.raises(ValueError, match="after its last mark"):
        merge(([a1, a2], [(0, 1)]))


def test_only_a_large_file_is_split_unless_asked():
    assert jobs_for(MIN_BYTES - 1, None) == 1
    assert jobs_for(MIN_BYTES, None) == 2
    assert jobs_for(10, 2) == 2 and jobs_for(10 * MIN_BYTES, 1) == 1
    with pytest.raises(Exception, match="jobs must be 1 or 2"):
        ValidationOptions(jobs=3)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_ctrl_c_while_split_stops_both_processes_at_once(tmp_path):
    """Ctrl-C while the worker runs: one line, exit 130, and no worker left behind (it used to
    wait forever for a reader of its result — its own inherited end of the pipe)."""
    path = tmp_path / "big.txt"
    write_file(district_records(9_000, seed=3), path)
    assert path.stat().st_size >= MIN_BYTES
    # every AM without its Course Entry Date: the worker's result is far bigger than a pipe holds
    entry = edition_layout().records["AM"].field("course_entry_date")
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(
        line[:entry.start - 1] + b" " * entry.width + line[entry.end:]
        if line.startswith(b"AM=") else line for line in lines))
    process = subprocess.Popen([sys.executable, "-m", "utrex_sdk", "validate", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=hear_ctrl_c)
    deadline = time.monotonic() + 60
    while not (workers := _children(process.pid)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the validator never split its second pass"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=20)
    assert process.returncode == 130
    assert stderr.decode().splitlines()[-1].startswith("utrex: interrupted")
    assert "Traceback" not in stderr.decode()
    # the worker got the stop with the parent; it may take a moment to end (more so when the
    # machine is busy), but it must not be left behind
    gone = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < gone:
        time.sleep(0.05)
    assert not any(_running(w) for w in workers)


def _running(pid: int) -> bool:
    """Whether a process is alive (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_the_single_rules_the_across_part_runs_are_registered_last():
    """`run_plan.SINGLES_ACROSS` names a record type's last single-record rules: each part is
    then a contiguous run of the record's steps (else the merge would reorder its findings),
    and a renamed rule cannot silently leave the parts unbalanced."""
    from utrex_sdk.validation.registry import SINGLE
    from utrex_sdk.validation.run_plan import SINGLES_ACROSS

    for rt, names in SINGLES_ACROSS.items():
        registered = [reg.func.__name__ for reg in SINGLE[rt]]
        assert 0 < len(names) < len(registered)
        assert set(registered[-len(names):]) == names


@pytest.mark.parametrize("kind", ["fixed-width", "sif"])
def test_an_am_record_found_wanting_by_both_parts_keeps_its_findings_in_order(tmp_path, kind):
    """AM's first single rule runs in the worker, its others in the parent
    (`run_plan.SINGLES_ACROSS`): an AM with an exit before its entry and the entry before the
    school year (AM.906, AM.907: the worker's) and its entry before the student's S1 entry
    (AM.903: the parent's) gets its findings in the order one process gives."""
    import datetime as dt

    records = list(district_records(300, seed=4))
    spoiled = 0
    for i, record in enumerate(records):
        if record.record_type == "AM" and record.course_entry_date and spoiled < 5:
            records[i] = record.model_copy(update={
                "course_entry_date": dt.date(1990, 1, 2), "course_exit_date": dt.date(1990, 1, 1)})
            spoiled += 1
    path = tmp_path / "district.txt"
    if kind == "sif":
        from utrex_sdk.sif import sif_bytes

        path.write_bytes(sif_bytes(records)[0])
    else:
        write_file(records, path)
    one, two = _both(path)
    rules = {f.rule for f in one.findings}
    assert {"AM.903", "AM.906", "AM.907"} <= rules
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]


def _worker_takes_every_shared_end(monkeypatch):
    """The parent claims no shared end of file (`parallel.Finishes`): the worker runs them all;
    the hits the parent is given for them are noted."""
    from utrex_sdk.validation import parallel

    claim = parallel.Finishes.claim
    monkeypatch.setattr(parallel.Finishes, "claim",
                        lambda self, n, who: who == parallel.WORKER and claim(self, n, who))
    given, asked = [], parallel.Finishes.parent_or_worker

    def noted(self, n, outcome):
        given.append(asked(self, n, outcome))
        return given[-1]

    monkeypatch.setattr(parallel.Finishes, "parent_or_worker", noted)
    return given


def test_end_of_file_hits_the_worker_found_are_reported_as_one_process_reports_them(
        tmp_path, monkeypatch):
    path = tmp_path / "damaged.txt"
    _damaged_district(path)
    given = _worker_takes_every_shared_end(monkeypatch)
    one, two = _both(path)
    assert len(given) >= 5 and all(g is not None for g in given)
    assert any(given)  # hits found by the worker, not only empty lists
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]


@pytest.mark.parametrize("where", ["worker", "both"])
def test_an_end_of_file_failing_in_the_worker_is_run_again_in_the_parent(
        tmp_path, monkeypatch, where):
    """A shared check's `finish` that fails in the worker only is run again by the parent (the
    findings are one process's); one that fails everywhere is reported as one process does."""
    import os

    from utrex_sdk.validation.rules.student_list import StudentList

    path = tmp_path / "damaged.txt"
    _damaged_district(path)
    parent, finish = os.getpid(), StudentList.finish

    def failing(self):
        if where == "both" or os.getpid() != parent:
            raise ValueError("broken on purpose")
        return finish(self)

    monkeypatch.setattr(StudentList, "finish", failing)
    given = _worker_takes_every_shared_end(monkeypatch)
    one, two = _both(path)
    assert None in given
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]
    failed = [f for f in one.findings if "broken on purpose" in f.message]
    assert bool(failed) == (where == "both")


def test_no_shared_memory_leaves_every_end_of_file_to_the_parent(tmp_path, monkeypatch):
    """Where a lock in shared memory cannot be made (no /dev/shm), the split run still runs:
    the parent runs every check's end of file, as before they were shared."""
    import multiprocessing.context

    path = tmp_path / "damaged.txt"
    _damaged_district(path)

    def no_shm(*_args, **_kwargs):
        raise OSError("no /dev/shm")

    monkeypatch.setattr(multiprocessing.context.BaseContext, "Array", no_shm)
    one, two = _both(path)
    assert [f.to_dict() for f in two.findings] == [f.to_dict() for f in one.findings]


def test_a_claim_lock_held_by_a_dead_worker_leaves_the_end_to_the_parent(monkeypatch):
    """A worker killed while holding the claims' lock cannot leave the parent waiting: after
    `CLAIM_WAIT` the parent runs the end itself (and then finds the worker lost)."""
    import multiprocessing
    from types import SimpleNamespace

    from utrex_sdk.validation import parallel

    monkeypatch.setattr(parallel, "CLAIM_WAIT", 0.05)
    finishes = parallel.Finishes(multiprocessing.get_context("fork"),
                                 SimpleNamespace(plan=SimpleNamespace(cross=[])))
    assert finishes.claim(0, parallel.PARENT) and not finishes.claim(0, parallel.WORKER)
    finishes.claims[0] = parallel.FREE
    finishes.claims.get_lock().acquire()  # (as a worker killed inside its claim leaves it)
    assert finishes.claim(0, parallel.PARENT) and not finishes.claim(0, parallel.WORKER)
