"""Opening the files a run reads: only regular files, and a file read whole only up to a limit.

A FIFO or a device named as an input would make a run wait for a writer forever or read without
end (``--mapping /dev/zero``); a file a run reads whole (a mapping, a crosswalk, a baseline
report) that is far larger than such a file can be would exhaust memory before it could be
refused. Both are checked here, before the first byte is read, and refused in one line.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from .errors import UnusableInputError

MIB = 1 << 20


def regular_size(path: Path) -> int:
    """The size of ``path``, which must be a regular file (symlinks followed).

    Raises what ``open`` would (`FileNotFoundError`, `IsADirectoryError`, `OSError`) for the
    caller's own messages, and `UnusableInputError` for a FIFO, a device or a socket.
    """
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(st.st_mode):
        raise UnusableInputError(f"{path}: is not a regular file (a device, a pipe or a "
                                 "socket); save it as a file and give that")
    return st.st_size


def open_input(path: Path, kind: str) -> BinaryIO:
    """``path`` opened for binary reading, refused in one line when it is not a regular file
    (before opening: opening a FIFO waits for a writer), is missing, a folder or unreadable;
    ``kind`` says what it should have been ("a UTREx file", "an export file")."""
    try:
        regular_size(path)
        return path.open("rb")
    except IsADirectoryError:
        raise UnusableInputError(f"{path}: is a directory, not {kind}") from None
    except FileNotFoundError:
        raise UnusableInputError(f"{path}: no such file") from None
    except OSError as err:
        raise UnusableInputError(f"{path}: cannot be read ({err.strerror})") from None


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file that a run reads whole, refused when larger than ``limit``
    (``what`` names the kind of file in the message: "a mapping file")."""
    size = regular_size(path)
    if size > limit:
        raise UnusableInputError(f"{path}: is {size:,} bytes; {what} is at most "
                                 f"{limit // MIB} MB, so this cannot be one")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew after the check
        raise UnusableInputError(f"{path}: is over {limit // MIB} MB; {what} is at most "
                                 f"{limit // MIB} MB, so this cannot be one")
    return data


class LongLine(Exception):
    """A physical line longer than the limit `bounded_lines` was given: the file is not a
    table of rows (a file of NULs, a one-line dump), and reading the line whole would take its
    size in memory."""


def bounded_lines(text: TextIO, limit: int) -> Iterator[str]:
    """The lines of a text file (endings kept, for the csv module), each read at most ``limit``
    characters at a time; `LongLine` for a longer one."""
    while line := text.readline(limit + 1):
        if len(line) > limit:
            raise LongLine
        yield line
