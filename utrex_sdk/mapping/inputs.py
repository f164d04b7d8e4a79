"""The input folder's files, as a mapping's sources name them: opened before any row is read.

A source names one file or a glob (``students_*.csv``); each file is opened as a `SourceTable`
(its encoding and delimiter detected) and wrapped with its siblings in a `LookupSource`, which
the compiler resolves columns against and joins and lookups index. A source that names no file
there is a one-line `UnusableInputError`; an empty file is a finding (``src.empty``), not an
error, so that the rest of the export is still converted.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

from ..errors import UnusableInputError
from ..findings import Finding, make_finding
from ..sources import SourceTable
from .load import LoadedMapping
from .lookups import LookupSource


def open_sources(loaded: LoadedMapping, input_dir: Path, findings: list[Finding],
                 no_rows: set[str]) -> dict[str, LookupSource]:
    """Every source of the mapping, by name; a block's own source is marked ``primary``."""
    sources = {name: LookupSource(name, _open(loaded, input_dir, name, findings), findings,
                                  no_rows)
               for name in loaded.mapping.sources}
    for _, block in loaded.blocks:
        if block.source is not None:
            sources[block.source].primary = True
    _report_unread_sheets(sources, findings)
    return sources


def _report_unread_sheets(sources: dict[str, LookupSource], findings: list[Finding]) -> None:
    """A workbook's sheets with data that no source reads: their rows would be left out."""
    read: dict[str, tuple[SourceTable, set[str]]] = {}
    for source in sources.values():
        for shown, table in source.files:
            if table.info.sheet is not None:
                read.setdefault(shown, (table, set()))[1].add(table.info.sheet)
    for shown, (table, sheets) in read.items():
        if unread := table.other_sheets_with_data(sheets):
            findings.append(make_finding("src.unread-sheets", source=shown, file=shown,
                                         sheets=", ".join(map(repr, unread))))


def _open(loaded: LoadedMapping, input_dir: Path, name: str, findings: list[Finding]
          ) -> list[tuple[str, SourceTable]]:
    spec = loaded.mapping.sources[name]
    _confined(loaded, name, spec.file, input_dir)
    if any(c in spec.file for c in "*?["):
        paths = sorted(Path(p) for p in glob.glob(str(input_dir / spec.file)))
    else:
        paths = [input_dir / spec.file]
        if not paths[0].exists():
            raise UnusableInputError(f"{input_dir / spec.file}: no such file (source "
                                     f"{name!r} of {loaded.path.name})")
    if not paths:
        raise UnusableInputError(f"{input_dir}: no file matches {spec.file!r} (source "
                                 f"{name!r} of {loaded.path.name})")
    opened = []
    for path in paths:
        table = SourceTable(path, encoding=spec.encoding, delimiter=spec.delimiter,
                            sheet=spec.sheet, header_row=spec.header_row)
        shown = path.relative_to(input_dir).as_posix()
        if table.info.empty:
            findings.append(make_finding("src.empty", source=shown, file=shown))
        opened.append((shown, table))
    return opened


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (symlinks resolved) is inside ``folder``."""
    return path.resolve().is_relative_to(folder.resolve())


def _confined(loaded: LoadedMapping, name: str, file: str, input_dir: Path) -> None:
    """A source names files inside --input: an absolute path, one that climbs out with ``..``,
    or a file (or glob match) that is a link to a file outside is refused in one line — a
    mapping from elsewhere must not make a run read, and report on, files the user did not
    hand it."""
    fixed = re.split(r"[*?\[]", file, maxsplit=1)[0]  # the part before any glob character
    matches = glob.glob(str(input_dir / file)) if fixed != file else [str(input_dir / file)]
    outside = Path(file).is_absolute() or not _inside(input_dir / fixed, input_dir) or any(
        Path(m).exists() and not _inside(Path(m), input_dir) for m in matches)
    if outside:
        raise UnusableInputError(f"{loaded.path.name}: source {name!r} names {file!r}, which is "
                                 f"outside the input folder {input_dir}; give a path inside it")
