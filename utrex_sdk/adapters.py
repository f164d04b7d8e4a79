"""The adapter interface: how an SIS export becomes canonical records, and how adapters are found.

An adapter reads one kind of export — a folder of files — and yields, for every row it reads and
every record type the row feeds, one item: `Mapped` (a canonical record, with the file and row it
came from) or `Rejected` (the file, the row and why). Nothing in between: `utrex convert` counts
the items per file and record type, so *rows read = records written + rows rejected* holds for
every file, and every rejected row reaches the ``--rejects`` file.

Adapters are plugins, found through the entry-point group ``utrex_sdk.adapters``. The generic CSV
adapter registers itself there exactly as a vendor's package would::

    [project.entry-points."utrex_sdk.adapters"]
    csv = "utrex_csv:CsvAdapter"

An adapter driven by a mapping file subclasses `utrex_sdk.mapping.MappingAdapter` and gets file
reading, encodings, crosswalks, dates, lookups and accounting for free; one that reads a format no
mapping can describe subclasses `Adapter` and implements `items`.
"""

from __future__ import annotations

import inspect
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import ClassVar

from .errors import UnusableInputError, UtrexError
from .findings import Finding
from .layouts import DEFAULT_EDITION
from .models import UtrexRecord

ENTRY_POINT_GROUP = "utrex_sdk.adapters"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from: an export file (relative to the input folder) and its row as a
    spreadsheet numbers it; ``row`` is None for a record made of the mapping's constants."""

    file: str
    row: int | None = None

    def __str__(self) -> str:
        return self.file if self.row is None else f"{self.file}:{self.row}"


@dataclass(slots=True)
class Mapped:
    """A row (or the mapping's constants) turned into one canonical record."""

    record: UtrexRecord
    origin: Origin
    findings: list[Finding] = field(default_factory=list)  # warnings: the record is still usable


@dataclass(slots=True)
class Rejected:
    """A row that gives no record of ``record_type``; ``reason_id`` groups rejects in the summary
    (a finding id such as ``map.not-a-date``, or ``map.excluded`` for a row a filter left out)."""

    origin: Origin
    record_type: str | None
    reason_id: str
    reason: str
    findings: list[Finding] = field(default_factory=list)


Item = Mapped | Rejected


class Adapter(ABC):
    """Base of every adapter. Subclasses set ``name`` and ``summary`` and implement `items`.

    The constructor receives the input folder and, when the user gives them, a mapping file and
    the reference-data folder (``--reference``: the state's tables as CSV files,
    ``docs/reference-data.md``; in ``reference_dir``). It should fail early — with `UtrexError`
    and a one-line message — for anything that makes the input unusable (a missing file, a
    missing column), before any record is produced. An adapter that needs no reference data
    ignores the folder: the validator reads it anyway. A subclass that defines ``__init__``
    takes ``**options`` and passes them on (``super().__init__(input_dir, **options)``), so a
    keyword the SDK adds later reaches this class without a change to the adapter.
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""  # one line, shown by `utrex adapters`
    needs_mapping: ClassVar[bool] = False  # `utrex convert` requires --mapping

    def __init__(self, input_dir: str | os.PathLike[str], *,
                 mapping: str | os.PathLike[str] | None = None,
                 reference: str | os.PathLike[str] | None = None):
        self.input_dir = Path(input_dir)
        self.mapping_path = None if mapping is None else Path(mapping)
        self.reference_dir = None if reference is None else Path(reference)
        if not self.input_dir.is_dir():
            raise UnusableInputError(f"{self.input_dir}: no such folder")
        _check_reference(self.reference_dir)
        if self.needs_mapping and self.mapping_path is None:
            raise UtrexError(f"the {self.name} adapter needs a mapping file: --mapping FILE")

    @property
    def edition(self) -> str:
        """The layout edition the records are meant for."""
        return DEFAULT_EDITION

    @abstractmethod
    def items(self) -> Iterator[Item]:
        """One `Mapped` or `Rejected` per row read and record type it feeds, streamed."""

    def findings(self) -> list[Finding]:
        """Findings about the input as a whole (an empty file, a key repeated in a lookup file),
        complete once `items` has been consumed."""
        return []

    def blank_rows(self) -> Mapping[str, int]:
        """Blank rows skipped per file (not data rows), complete once `items` has run."""
        return {}

    def input_files(self) -> list[Path]:
        """Every file this adapter reads, so `convert` can refuse an output that would
        overwrite one (SECURITY.md). By default: the mapping, if any, and every file in the
        input folder; an adapter that knows exactly what it reads says so."""
        files = [] if self.mapping_path is None else [Path(self.mapping_path)]
        return files + [p for p in self.input_dir.iterdir() if p.is_file()]

    def lookup_files(self) -> list[dict[str, int | str]]:
        """Files whose rows feed no record of their own (joined or looked-up files), each as
        ``{file, source, read, used, unused, ragged, blank}`` with read = used + unused +
        ragged, so `convert` can account for their rows too. Complete once `items` has run."""
        return []


def _check_reference(folder: Path | None) -> None:
    if folder is not None and not folder.is_dir():  # the validator's own wording
        raise UnusableInputError(f"reference data folder {folder} does not exist")


def _takes(cls: type[Adapter], keyword: str) -> bool:
    """Whether ``cls(...)`` accepts ``keyword`` (by name or through ``**options``)."""
    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):  # no signature to read: assume the base class's
        return True
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return any(p.kind is p.VAR_KEYWORD or (p.name == keyword and p.kind in named)
               for p in parameters)


def open_adapter(cls: type[Adapter], input_dir: str | os.PathLike[str], *,
                 mapping: str | os.PathLike[str] | None = None,
                 reference: str | os.PathLike[str] | None = None) -> Adapter:
    """``cls`` built for an input folder as `utrex convert` builds it.

    The reference folder reaches every adapter whose constructor takes ``reference`` (the
    base class's does, so every subclass that keeps its signature or passes ``**options`` on);
    an adapter written before the keyword existed is built without it — it reads no reference
    data — rather than failing with a ``TypeError``. The folder is checked either way."""
    folder = None if reference is None else Path(reference)
    _check_reference(folder)
    if folder is None or not _takes(cls, "reference"):
        return cls(input_dir, mapping=mapping)
    return cls(input_dir, mapping=mapping, reference=folder)


def installed_adapters() -> dict[str, EntryPoint]:
    """The adapters installed in this environment, by name, from their entry points."""
    found: dict[str, EntryPoint] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        found.setdefault(ep.name, ep)
    return found


def load_adapter(name: str) -> type[Adapter]:
    """The adapter class registered under ``name``; a one-line `UtrexError` if there is none or
    it cannot be loaded."""
    adapters = installed_adapters()
    if name not in adapters:
        known = ", ".join(adapters) or "none"
        raise UtrexError(f"no adapter {name!r} is installed (installed: {known}); "
                         "`utrex adapters` lists them")
    ep = adapters[name]
    try:
        cls = ep.load()
    except Exception as err:  # a broken plugin must not crash the CLI with a traceback
        raise UtrexError(f"adapter {name!r} ({ep.value}) cannot be loaded: "
                         f"{type(err).__name__}: {err}") from None
    if not (isinstance(cls, type) and issubclass(cls, Adapter)):
        raise UtrexError(f"adapter {name!r} ({ep.value}) is not a utrex_sdk.adapters.Adapter")
    return cls


def describe_adapter(ep: EntryPoint) -> dict[str, str]:
    """What `utrex adapters` shows of one plugin: name, target, distribution, summary."""
    dist = ep.dist
    entry = {"name": ep.name, "object": ep.value,
             "package": f"{dist.name} {dist.version}" if dist else "", "summary": ""}
    try:
        cls = ep.load()
        entry["summary"] = getattr(cls, "summary", "") or ""
    except Exception as err:
        entry["summary"] = f"(cannot be loaded: {type(err).__name__}: {err})"
    return entry
