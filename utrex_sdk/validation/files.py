"""The validator's entry points: a UTREx file (two streaming passes over it, the second split
over two processes for a large file; a SIF document is read once and its items kept for the
second pass: `held_items`) or canonical records held in memory. The
engine itself — planning the rules that can run and running them on each record — is
`engine.Validator`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..fixedwidth.codec import codec_for
from ..fixedwidth.reader import ParsedLine, lines_of, read_file, split_lines
from ..input_files import open_input
from ..layouts import DEFAULT_EDITION, edition_layout
from ..models import UtrexRecord
from ..sif.detect import is_sif
from ..sif.reader import read_sif
from .context import ValidationOptions
from .engine import Validator
from .held_items import HeldItems
from .index import AS_VALUES, INDEXED
from .items import Item
from .order import FileOrder
from .parallel import jobs_for
from .result import ValidationResult

SIF_BYTES_PER_LINE = 8
"""A record takes about 8 times the bytes in SIF as in a fixed-width line: a SIF file's size
is divided by it before `jobs_for` judges whether a second process pays."""

SIF_HELD_BYTES = 100_000_000
"""A SIF document is read once: the first pass keeps its items for the second (`held_items`).
Up to this size (about 125,000 records) they are kept as they are, in memory (about 2.5 KB a
record: at 100,000 records the parent's peak RSS is about 310 MB; the worker of a split second
pass shares those pages and copies only the ones it writes to, about 70 MB of its 270 MB RSS);
a larger document's are kept compact in a temporary file (about 100 bytes a record), so memory
stays bounded."""


def _layout_fields(edition: str) -> dict[str, frozenset[str]]:
    return {rt: frozenset(f.name for f in layout.fields if f.kind != "literal")
            for rt, layout in edition_layout(edition).records.items()}


def _sif_fields() -> dict[str, frozenset[str]]:
    """What a SIF document can carry: the fields the SIF mapping (spec/sif) places, for the
    record types it has objects for. A rule about anything else is listed as not checked."""
    from ..sif.spec import sif_spec

    return {rt: frozenset(fm.field for fm in record.fields)
            for rt, record in sif_spec().records.items() if record.objects}


def validate_file(path: str | Path, options: ValidationOptions | None = None, *,
                  progress: Callable[..., None] | None = None) -> ValidationResult:
    """Validate a UTREx file. Raises `UnusableInputError` if it cannot be read at all.

    ``progress(lines, bytes, stage=...)`` is called every few thousand lines of each of the
    fixed-width file's two passes (the index, then the rules: `_reported`), for a progress
    line."""
    options = options or ValidationOptions()
    edition = options.edition or DEFAULT_EDITION
    if options.edition is None:
        options = _with(options, edition=edition)
    path = Path(path)
    open_input(path, "a UTREx file").close()  # one line for a missing file, a folder, a FIFO

    if is_sif(path):  # a SIF document (by content): no fixed-width lines, order or layout
        source, size = str(path), path.stat().st_size
        held = HeldItems(source, compact=size > SIF_HELD_BYTES, passing=INDEXED,
                         built=INDEXED - AS_VALUES)

        def sif_items(indexing: bool) -> Iterable[Item]:
            if not indexing:
                return held
            return held.keep((parsed.line, parsed.record, parsed.findings, source)
                             for parsed in read_sif(path, jobs=options.jobs,
                                                    keeper=held if held.compact else None))

        try:
            result = Validator(options, _sif_fields(), input_kind="sif").run(
                sif_items, jobs=jobs_for(size // SIF_BYTES_PER_LINE, options.jobs))
        finally:
            held.close()
        result.source = str(path)
        return result
    codec = codec_for(edition)
    prefixes = tuple(f"{rt}=".encode() for rt in INDEXED)

    def items(indexing: bool) -> Iterator[Item]:
        if not indexing:
            source, order = str(path), FileOrder(str(path))
            check = order.check
            lines = read_file(path, edition=edition)
            for parsed in lines if progress is None else _reported(lines, progress):
                misplaced = check(parsed)
                yield (parsed.line, parsed.record,
                       parsed.findings + misplaced if misplaced else parsed.findings, source)
            if found := order.finish():
                yield None, None, found, str(path)
            return
        done = 0
        with path.open("rb") as handle:  # lines numbered as the reader numbers them
            for number, (raw, _) in enumerate(split_lines(lines_of(handle), str(path)), 1):
                if progress is not None:
                    done += len(raw) + 2
                    if not number & 4095:
                        progress(number, done, stage=FIRST_PASS)
                if raw.startswith(prefixes):
                    text = raw.decode("ascii", errors="replace")
                    parsed = codec.parse(text, line=number)  # its findings: what it could
                    yield number, parsed.record, parsed.findings, None  # not read (not reported)

    validator = Validator(options, _layout_fields(edition))
    result = validator.run(items, jobs=jobs_for(path.stat().st_size, options.jobs))
    result.source = str(path)
    return result


FIRST_PASS, SECOND_PASS = "pass 1 of 2", "pass 2 of 2"
"""What the progress line calls the index pass and the rules' pass."""


def _reported(lines: Iterable[ParsedLine], progress: Callable[..., None]
              ) -> Iterator[ParsedLine]:
    """The lines, with ``progress(lines read, bytes read)`` every 4,096: the bytes are the
    lines' lengths with a CR LF each (the spec's line ending), near enough for a share."""
    done = 0
    for parsed in lines:
        done += len(parsed.text) + 2
        if not parsed.line & 4095:
            progress(parsed.line, done, stage=SECOND_PASS)
        yield parsed


def validate_records(records: Iterable[UtrexRecord], options: ValidationOptions | None = None,
                     ) -> ValidationResult:
    """Validate canonical records held in memory (any record type, any field)."""
    kept = list(records)
    validator = Validator(options or ValidationOptions(), None)
    return validator.run(lambda _indexing: ((i, r, [], None) for i, r in enumerate(kept, 1)))


def _with(options: ValidationOptions, **changes: Any) -> ValidationOptions:
    return replace(options, **changes)
