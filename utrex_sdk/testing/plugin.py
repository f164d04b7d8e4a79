"""The pytest side of the adapter author kit: the ``utrex_snapshot`` fixture.

Opt in from your tests' root ``conftest.py``::

    pytest_plugins = ["utrex_sdk.testing.plugin"]

It is deliberately not registered through the ``pytest11`` entry point: that would load it into
every pytest run of every environment that has utrex-sdk installed — including ones without
syrupy, which it needs — and give their tests a fixture they never asked for.
"""

from __future__ import annotations

import pytest

from .snapshot import UtrexSnapshotExtension


@pytest.fixture
def utrex_snapshot(snapshot):
    """syrupy's ``snapshot``, storing UTREx output in the readable format (`.utrex` files)."""
    return snapshot.use_extension(UtrexSnapshotExtension)
