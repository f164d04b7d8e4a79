"""The files a run writes must differ from each other and from every file it reads.

`--output submission.txt --report submission.txt`, or a report written over the mapping or an
export file, would silently destroy the user's data. Each such mistake is refused in one line
before anything is written. Files are compared by identity (device and inode when they exist, the
resolved path otherwise), so a symlink or a second hard link to an input is caught too. Character
devices (`/dev/null`, `/dev/stdout`) may be named more than once: they are written through.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import UtrexError


def _identity(path: Path) -> tuple | None:
    """A file's identity, or None for a character device (written through, never replaced)."""
    try:
        info = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(path))
    if stat.S_ISCHR(info.st_mode):
        return None
    return ("inode", info.st_dev, info.st_ino)


def check_run_paths(outputs: Mapping[str, str | os.PathLike[str] | None],
                    inputs: Iterable[tuple[str, str | os.PathLike[str]]]) -> None:
    """Refuse (UtrexError, one line) an output named twice or naming a file the run reads.

    `outputs`: option name -> path (None when not given); `inputs`: (what, path) pairs, e.g.
    ("--mapping", "mapping.toml") or ("export file", "in/students.csv")."""
    seen: dict[tuple, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        key = _identity(Path(path))
        if key is None:
            continue
        if key in seen:
            raise UtrexError(f"{seen[key]} and {option} name the same file ({path}); give each "
                             f"output its own file")
        seen[key] = option
    for what, path in inputs:
        key = _identity(Path(path))
        if key is not None and key in seen:
            raise UtrexError(f"{seen[key]} {path} is a file this run reads ({what}); writing it "
                             f"would destroy it — choose another output file")
