"""Exceptions the SDK raises on purpose.

Data problems are findings, not exceptions. These are for what stops the work altogether — an
unreadable file, an unknown edition, a record that cannot be written when the caller asked for
strictness — and their text is a one-line message fit to show a user as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .findings import Finding


class UtrexError(Exception):
    """Base of the SDK's own errors; ``str(err)`` is a one-line, user-facing message."""


class UnusableInputError(UtrexError):
    """The input cannot be used at all (missing, unreadable, a directory, ...)."""


class EncodeError(UtrexError):
    """A record cannot be written in the chosen edition; ``findings`` says why."""

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        super().__init__("; ".join(f.message for f in self.findings if f.is_error))
