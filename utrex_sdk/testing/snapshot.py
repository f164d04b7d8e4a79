"""`UtrexSnapshotExtension`: a syrupy extension that snapshots UTREx output readably.

Use it like any syrupy extension::

    def test_output(snapshot):
        assert output_path == snapshot.use_extension(UtrexSnapshotExtension)

or through the ``utrex_snapshot`` fixture of `utrex_sdk.testing.plugin`. The snapshot is one file
per assertion (``__snapshots__/<test file>/<test>.utrex``) in the format of
`utrex_sdk.testing.snapshot_format`: line numbers, record types, column rulers and a field legend,
yet exact to the byte. When it does not match, the failure lists the records and fields that
changed (`utrex_sdk.testing.snapshot_diff`) instead of syrupy's line diff: syrupy prints whatever
an extension's ``diff_lines`` yields.

syrupy is a test dependency, not a runtime one: this module imports it, so only tests import this.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from ..layouts import DEFAULT_EDITION
from . import snapshot_format
from .snapshot_diff import describe_changes


def output_bytes(data: Any) -> bytes:
    """The UTREx bytes of what a test compares: bytes, a path, or an `AdapterRun`."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    if isinstance(data, os.PathLike):
        return Path(data).read_bytes()
    if isinstance(getattr(data, "data", None), bytes):
        return data.data
    raise TypeError(f"a UTREx snapshot compares bytes, a path or an AdapterRun, not "
                    f"{type(data).__name__} (for text, pass Path(...) or text.encode())")


class UtrexSnapshotExtension(SingleFileSnapshotExtension):
    """UTREx output as a readable, byte-exact text snapshot with a field-level failure diff.

    Subclass and set ``edition`` for files of another layout edition.
    """

    file_extension = "utrex"
    _write_mode = WriteMode.TEXT
    edition: str = DEFAULT_EDITION

    def serialize(self, data: Any, **kwargs: Any) -> str:
        return snapshot_format.render(output_bytes(data), self.edition)

    def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Iterator[str]:
        """The records and fields that differ, from the stored snapshot to this run's output."""
        if not snapshot_data:  # syrupy says the snapshot does not exist; nothing to compare
            return
        try:
            old = snapshot_format.parse(str(snapshot_data))
            new = snapshot_format.parse(str(serialized_data))
        except ValueError as err:  # a hand-edited or foreign snapshot: fall back to lines
            yield f"(the snapshot cannot be read back: {err}; showing a line diff)"
            yield from super().diff_lines(serialized_data, snapshot_data)
            return
        yield from describe_changes(old, new, edition=self.edition)
