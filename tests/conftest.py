"""Test-run settings: the spec documents, the bounded and the full property runs, `slow` tests.

- ``spec_document``: tests that compare the data with the state's spec documents find them
  through ``UTREX_SPEC_DIR`` or ``../shared/spec`` beside the repository. A user's clone has
  neither, and such a test skips with a one-line reason; under ``CI=true`` (CI has the documents)
  a missing document fails the test instead, so the check cannot go quiet there.
- ``pytest --slow`` runs the property tests with their full example counts (hypothesis profile
  ``full``) and the tests marked ``slow``; a plain ``pytest`` runs a bounded number of examples
  (profile ``bounded``) and skips ``slow`` tests, so the everyday run stays short.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ROOT, sample_build
from helpers.properties import use_profile


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the property tests with their full example counts and the tests "
                          "marked slow (CI runs this)")


def pytest_configure(config: pytest.Config) -> None:
    use_profile(config.getoption("--slow"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow; run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def spec_dir() -> Path:
    """Where the spec documents are looked for: ``$UTREX_SPEC_DIR`` when it is set, else
    ``../shared/spec`` beside the repository."""
    configured = os.environ.get("UTREX_SPEC_DIR")
    return Path(configured) if configured else ROOT.parent / "shared" / "spec"


@pytest.fixture
def spec_document() -> Callable[[str], Path]:
    """``spec_document(name)``: the path of one spec document; skips the test when it is not
    there, fails it under ``CI=true``."""

    def find(name: str) -> Path:
        path = spec_dir() / name
        if path.is_file():
            return path
        reason = f"spec document {name} not in {path.parent} (set UTREX_SPEC_DIR to its folder)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must have the spec documents", pytrace=False)
        pytest.skip(reason)

    return find


@pytest.fixture
def sample_records():
    return sample_build().sample_records()


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch):
    """Tests see no ``COLUMNS`` from the shell or the test runner (pytest-xdist's workers have
    one): a test about terminal width sets it itself."""
    monkeypatch.delenv("COLUMNS", raising=False)
