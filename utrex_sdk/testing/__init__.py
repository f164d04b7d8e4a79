"""The adapter author kit's test tools: run an adapter as `utrex convert` does, assert on what
it did, and snapshot its output readably.

- `run_adapter(adapter, input_dir, mapping=None, reference=None, workdir=None, validate=False)`
  -> `AdapterRun`
  (``data`` bytes, ``rejects``, ``findings``, ``result``, ``records(type)``, ``validation``);
- `assert_rows_accounted(run)`, `assert_no_errors(findings_or_run, allow=())`;
- `records_of(bytes_or_path, record_type=None)`;
- `UtrexSnapshotExtension` (syrupy; `utrex_sdk.testing.snapshot`) and the ``utrex_snapshot``
  fixture (``pytest_plugins = ["utrex_sdk.testing.plugin"]``).

The helpers need neither pytest nor syrupy; the snapshot extension needs syrupy and is imported
only when asked for, so ``import utrex_sdk.testing`` works in any environment.
docs/writing-an-adapter.md shows them at work on a complete adapter.
"""

from __future__ import annotations

from typing import Any

from .runs import (
    AdapterRun,
    RejectedRow,
    assert_no_errors,
    assert_rows_accounted,
    records_of,
    run_adapter,
)

__all__ = [
    "AdapterRun",
    "RejectedRow",
    "UtrexSnapshotExtension",
    "assert_no_errors",
    "assert_rows_accounted",
    "records_of",
    "run_adapter",
]


def __getattr__(name: str) -> Any:
    if name == "UtrexSnapshotExtension":  # imports syrupy: only on demand
        from .snapshot import UtrexSnapshotExtension

        return UtrexSnapshotExtension
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
