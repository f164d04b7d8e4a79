"""What `utrex convert` can write: each format a serializer of the same canonical records.

The conversion (`run.convert`) is one pipeline whatever it writes; a target gives it the two
steps that differ:

- ``encode``: a record as it arrives, so that one the format can never hold is rejected with its
  row at once. The fixed-width codec's line (a value too wide, a record type with no layout:
  ``fmt.no-layout``); none for SIF, whose writer judges records only within the whole document
  (its school, its section, the object it shares);
- ``write``: the whole file, atomically, from (record, its encoding or None, its origin); the
  writer hands back what it left out with that origin (`WriteCounts.left_out`), and passes each
  finding about one record through ``place`` so that it names the export file and row.

The formats are a registry (`TARGETS`), not an if-chain: a name the user gives that is not in it
is a one-line error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..adapters import Origin
from ..errors import UnusableInputError
from ..findings import Finding
from ..fixedwidth.codec import Encoded, codec_for
from ..fixedwidth.writer import WriteCounts, write_encoded
from ..models import UtrexRecord

Item = tuple[UtrexRecord, str | None, Origin]
Place = Callable[[Finding, Origin], Finding]


@dataclass(frozen=True)
class Target:
    """One output format of the conversion (see the module doc)."""

    name: str
    document: str
    """What the output is called in messages ("UTREx file")."""
    encode: Callable[[UtrexRecord], Encoded] | None
    write: Callable[[Iterable[Item], str | os.PathLike[str], Place], WriteCounts]


def _fixed_width(edition: str) -> Target:
    codec = codec_for(edition)

    def write(items: Iterable[Item], path: Any, place: Place) -> WriteCounts:
        return write_encoded(items, path, edition=edition)  # its findings are about lines

    return Target("fixed-width", "UTREx file", codec.serialize, write)


def _sif(edition: str) -> Target:
    def write(items: Iterable[Item], path: Any, place: Place) -> WriteCounts:
        from ..sif.writer import write_sif_tagged  # lxml loads only for SIF work

        return write_sif_tagged(((record, origin) for record, _, origin in items), path,
                                place=place)

    return Target("sif", "SIF document", None, write)


TARGETS: dict[str, Callable[[str], Target]] = {"fixed-width": _fixed_width, "sif": _sif}
"""Output format name (``--to``) -> its target, for an edition."""


def target_for(name: str, edition: str) -> Target:
    """The target called ``name`` (``"fixed-width"``, ``"sif"``) for ``edition``."""
    make = TARGETS.get(name)
    if make is None:
        raise UnusableInputError(f"cannot convert to {name!r}: the formats are "
                                 f"{', '.join(TARGETS)}")
    return make(edition)
