"""The SIF validation's kept items (`validation.held_items`) come back as they went in: the same
records, fields set included, the same findings and lines, from memory or from the temporary
compact file, any number of times, and in a forked process as in its parent."""

import multiprocessing

import pytest

from utrex_sdk.findings import make_finding
from utrex_sdk.models import model_for
from utrex_sdk.synth import district_records
from utrex_sdk.validation.held_items import BATCH, HeldItems


def sample_items():
    records = list(district_records(500, seed=3))
    items = [(n, record, [], "doc.xml") for n, record in enumerate(records, 1)]
    s1 = model_for("S1").model_validate({"student_number": "77", "last_name": None})
    items.append((9000, s1, [make_finding("sif.dangling-refid", line=9000, source="doc.xml",
                                          value="StudentPersonal", refid="AB", reference="x",
                                          target="LEAInfo")], "doc.xml"))
    items.append((9001, None, [make_finding("sif.malformed", line=9001, source="doc.xml",
                                            problem="bad")], "doc.xml"))
    return items


def described(items):
    return [(line, type(record), record, record and record.model_fields_set,
             findings, source) for line, record, findings, source in items]


@pytest.mark.parametrize("compact", [False, True])
def test_the_items_kept_come_back_as_they_went_in(compact):
    items = sample_items()
    assert len(items) > 2 * BATCH
    held = HeldItems("doc.xml", compact)
    try:
        assert list(held.keep(iter(items))) == items  # passed through unchanged
        assert described(held) == described(items)
        assert described(held) == described(items)  # read again: the second pass in 2 processes
        s1 = next(r for _, r, _, _ in held if r and r.__dict__.get("student_number") == "77")
        assert s1.model_fields_set == {"student_number", "last_name"}
    finally:
        held.close()


def test_records_given_unbuilt_are_kept_as_their_values_and_come_back_built():
    """Kept compact, a record may be given as `construct.Unbuilt` (its type and the values of
    its fields set: the SIF reader gives the types the consumer does not need as models so);
    it comes back as the model those values make, fields set included. Held as they are,
    nothing may be given unbuilt."""
    from utrex_sdk.construct import Unbuilt

    items = sample_items()
    held = HeldItems("doc.xml", compact=True, passing=frozenset({"S1", "SC"}))
    assert {"AM", "S2", "AC"} <= held.unbuilt and not held.unbuilt & {"S1", "SC"}
    given = [(line, Unbuilt(record.record_type,
                            {name: record.__dict__[name] for name in record.model_fields_set})
              if record is not None and record.record_type in held.unbuilt else record,
              findings, source) for line, record, findings, source in items]
    assert sum(isinstance(record, Unbuilt) for _, record, _, _ in given) > len(items) // 2
    try:
        assert list(held.keep(iter(given))) == given  # passed through unchanged
        assert described(held) == described(items)
    finally:
        held.close()
    assert not HeldItems("doc.xml", compact=False, passing=frozenset({"S1"})).unbuilt


def test_a_forked_process_reads_the_kept_items_beside_its_parent():
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    items = sample_items()
    held = HeldItems("doc.xml", compact=True)
    try:
        for _ in held.keep(iter(items)):
            pass
        fork = multiprocessing.get_context("fork")
        receive, send = fork.Pipe(duplex=False)

        def child():
            send.send([(line, repr(record)) for line, record, _, _ in held])

        worker = fork.Process(target=child)
        worker.start()
        here = [(line, repr(record)) for line, record, _, _ in held]  # read at the same time
        expected = [(line, repr(record)) for line, record, _, _ in items]
        assert receive.recv() == here == expected
        worker.join()
    finally:
        held.close()


def test_keeping_items_leaves_the_collector_as_it_found_it():
    import gc

    items = sample_items()
    held = HeldItems("doc.xml", compact=False)
    for _ in held.keep(iter(items)):
        assert not gc.isenabled()  # paused while the items are kept
    assert gc.isenabled() and gc.get_freeze_count() > 0  # frozen until the run ends
    held.close()
    assert gc.isenabled() and gc.get_freeze_count() == 0

    stopped = HeldItems("doc.xml", compact=False)
    kept = stopped.keep(iter(items))
    next(kept)
    kept.close()  # the first pass failed half-way
    stopped.close()
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_validating_a_sif_document_leaves_the_collector_as_it_found_it(tmp_path, jobs):
    import gc

    from utrex_sdk.sif import sif_bytes
    from utrex_sdk.validation import ValidationOptions, validate_file

    data, _ = sif_bytes(list(district_records(200, seed=5)))
    path = tmp_path / "district.xml"
    path.write_bytes(data)
    validate_file(path, ValidationOptions(jobs=jobs))
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_compact_document_in_small_batches_gives_the_same_findings(tmp_path, monkeypatch, jobs):
    """Kept compact in batches of 16 items, the report is the one of the items held as they
    are, and the collector is left as it was found (`collector.bulk` while validating)."""
    import gc

    from utrex_sdk import collector
    from utrex_sdk.sif import sif_bytes
    from utrex_sdk.validation import ValidationOptions, engine, files, held_items, validate_file

    records = list(district_records(200, seed=5))
    records[7] = records[7].model_copy(update={"student_number": "424242"})
    data, _ = sif_bytes(records)
    path = tmp_path / "district.xml"
    path.write_bytes(data)
    as_they_are = validate_file(path, ValidationOptions(jobs=jobs))
    monkeypatch.setattr(files, "SIF_HELD_BYTES", 0)
    monkeypatch.setattr(held_items, "BATCH", 16)
    thresholds = []
    first_pass = engine.Validator._run

    def run(self, items, jobs):
        thresholds.append(gc.get_threshold())
        return first_pass(self, items, jobs)

    monkeypatch.setattr(engine.Validator, "_run", run)
    before = gc.get_threshold()
    compact = validate_file(path, ValidationOptions(jobs=jobs))
    assert thresholds == [(*before[:2], collector.NO_FULL_PASSES)]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert as_they_are.findings and compact.findings == as_they_are.findings
    assert compact.to_dict() == as_they_are.to_dict()
    assert gc.isenabled() and gc.get_freeze_count() == 0
