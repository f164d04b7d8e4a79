"""The rejects file of a conversion: one CSV row per rejected input row.

Columns file, row, record, reason; written atomically (the file appears only once complete) and
opened by people in a spreadsheet, so the reason — which quotes the rejected value — is
neutralised against formula injection (`spreadsheet_safety`), and with a redactor carries
placeholders instead of names and birth dates.
"""

from __future__ import annotations

import csv
import io
from contextlib import ExitStack
from pathlib import Path

from ..adapters import Origin
from ..atomic import atomic_write
from ..findings import Finding
from ..redact import Redactor
from ..spreadsheet_safety import neutralise

HEADER = ["file", "row", "record", "reason"]


class RejectsFile:
    """Rows of the rejects CSV; closing ``stack`` completes (or, on an error, drops) the file."""

    def __init__(self, path: Path, stack: ExitStack, redactor: Redactor | None = None):
        handle = stack.enter_context(atomic_write(path))
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        stack.callback(text.detach)
        stack.callback(text.flush)
        self._csv = csv.writer(text, lineterminator="\r\n")
        self._csv.writerow(HEADER)
        self.redactor = redactor

    def write(self, origin: Origin, rt: str, reason: str,
              findings: list[Finding] | None = None) -> None:
        """One rejected row; ``findings`` are the ones ``reason`` was made of, so that with a
        redactor it can be made again from redacted ones."""
        if self.redactor is not None:
            reason = ("; ".join(self.redactor.finding(f).message for f in findings)
                      if findings else self.redactor.text(reason) or "")
        self._csv.writerow([origin.file, "" if origin.row is None else origin.row, rt,
                            neutralise(reason)])
