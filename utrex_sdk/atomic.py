"""Atomic file output: write to a temporary file beside the target, then rename over it.

An interrupted run (Ctrl-C, a crash, a full disk) leaves the previous file intact instead of a
half-written submission that looks complete. The temporary file is ``.NAME.utrex-PID-XXXX.tmp``
in the target's folder (same file system, so the rename is atomic), flushed and fsynced before
the rename, and the folder fsynced after it. On an error or Ctrl-C it is removed. A run killed
outright (SIGKILL, power loss) cannot remove it: the next write to the same target removes the
temporary files whose process (the PID in the name) is gone, and no reader of this SDK ever
opens them.

What an output path may be (SECURITY.md):
- a regular file or a new name: written atomically, as above;
- a symbolic link: followed; the file it points at is replaced atomically and the link stays;
- a character device (``/dev/null``, ``/dev/stdout``, a terminal): written through, never
  replaced by a regular file (as root, a rename over ``/dev/null`` would leave a world-readable
  file of student data there);
- a FIFO with a reader: written through; with no reader: refused at once, never waited on;
- anything else (a folder, a block device, a socket): refused.
A full disk or another write error is a one-line `UnusableInputError`; the previous file stays.
"""

from __future__ import annotations

import errno
import os
import stat
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
    shown = Path(path)  # messages name the path as the user gave it
    target = Path(os.path.realpath(path))  # a symlink is followed: its target is replaced
    if _existing_kind(target, shown) == "through":
        with _write_through(target, shown) as handle:
            yield handle
        return
    folder = target.parent
    if not folder.is_dir():
        raise UnusableInputError(f"{shown.parent}: no such directory to write {shown.name} in")
    remove_stale_temporaries(target)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
            "wb", dir=folder, prefix=f"{_prefix(target)}{os.getpid()}-", suffix=".tmp",
            delete=False)
    except OSError as err:
        raise UnusableInputError(f"{shown}: cannot be written ({err.strerror})") from None
    try:
        with _write_errors(shown), handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _existing_kind(target: Path, shown: Path) -> str:
    """"new" (no file or a regular one: atomic replace) or "through" (a device or a FIFO);
    refuses the rest in one line."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return "new"
    except OSError as err:
        raise UnusableInputError(f"{shown}: cannot be written ({err.strerror})") from None
    if stat.S_ISREG(mode):
        return "new"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "through"
    if stat.S_ISDIR(mode):
        raise UnusableInputError(f"{shown}: is a directory; give a file name to write")
    raise UnusableInputError(f"{shown}: not a regular file, a device or a FIFO; refusing to "
                             f"write to it")


@contextmanager
def _write_through(target: Path, shown: Path) -> Iterator[BinaryIO]:
    """Write straight into a device or FIFO (never waiting for a FIFO's reader)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as err:
        reason = "a FIFO with no reader" if err.errno == errno.ENXIO else err.strerror
        raise UnusableInputError(f"{shown}: cannot be written ({reason})") from None
    os.set_blocking(fd, True)
    with _write_errors(shown), os.fdopen(fd, "wb") as handle:
        yield handle


WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EPIPE}


@contextmanager
def _write_errors(target: Path) -> Iterator[None]:
    """A full disk (or another failure of the write itself) as one line."""
    try:
        yield
    except OSError as err:
        if err.errno not in WRITE_ERRORS:
            raise
        raise UnusableInputError(f"{target}: cannot be written ({os.strerror(err.errno)}); "
                                 f"nothing was replaced") from None


def _prefix(target: Path) -> str:
    return f".{target.name}.utrex-"


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a platform that cannot open a folder skips it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's live process
        return True
    return True


def remove_stale_temporaries(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files a killed run left beside ``target`` (their PID is gone);
    a live run's are kept. Returns what was removed."""
    target = Path(target)
    removed = []
    prefix = _prefix(target)
    try:
        names = [p for p in target.parent.iterdir() if p.name.startswith(prefix)
                 and p.name.endswith(".tmp")]
    except OSError:
        return removed
    for path in names:
        pid_text = path.name[len(prefix):].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed
