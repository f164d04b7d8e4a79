"""Atomic file output: write to a temporary file beside the target, then rename over it.

An interrupted run (Ctrl-C, a crash, a full disk) leaves the previous file intact instead of a
half-written submission that looks complete. The temporary file is ``.NAME.utrex-PID-XXXX.tmp``
in the target's folder (same file system, so the rename is atomic), flushed and fsynced before
the rename, and the folder fsynced after it. On an error or Ctrl-C it is removed. A run killed
outright (SIGKILL, power loss) cannot remove it: the next write to the same target removes the
temporary files whose process (the PID in the name) is gone, and no reader of this SDK ever
opens them.
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
    remove_stale_temporaries(target)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed on success
            "wb", dir=folder, prefix=f"{_prefix(target)}{os.getpid()}-", suffix=".tmp",
            delete=False)
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
    _sync_folder(folder)


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
