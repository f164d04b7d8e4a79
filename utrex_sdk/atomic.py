"""Atomic file output: write to a temporary file beside the target, then rename over it.

An interrupted run (Ctrl-C, a crash, a full disk) leaves the previous file intact instead of a
half-written submission that looks complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import UnusableInputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open ``path`` for binary writing so that it appears whole or not at all."""
    target = Path(path)
    if target.is_dir():
        raise UnusableInputError(f"{target}: is a directory; give a file name to write")
    folder = target.parent
    if not folder.is_dir():
        raise UnusableInputError(f"{folder}: no such directory to write {target.name} in")
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
            "wb", dir=folder, prefix=f".{target.name}.", suffix=".tmp", delete=False)
    except OSError as err:
        raise UnusableInputError(f"{target}: cannot be written ({err.strerror})") from None
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
