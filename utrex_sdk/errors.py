"""Exceptions the SDK raises on purpose.

Data problems are findings, not exceptions. These are for what stops the work altogether — an
unreadable file, an unknown edition — and their text is a one-line message fit to show a user as is.
"""

from __future__ import annotations


class UtrexError(Exception):
    """Base of the SDK's own errors; ``str(err)`` is a one-line, user-facing message."""


class UnusableInputError(UtrexError):
    """The input cannot be used at all (missing, unreadable, a directory, ...)."""
