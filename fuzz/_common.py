"""What both fuzz targets share: default corpus folders and libFuzzer options.

Run a target with no corpus argument and it uses ``fuzz/work/<target>/`` (kept out of git: new
inputs libFuzzer finds go there) seeded from the committed bad-input corpus and the examples,
and writes crashing inputs to ``fuzz/work/`` too.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "fuzz" / "work"


def argv(target: str, seeds: list[Path]) -> list[str]:
    """``sys.argv`` with the default corpus folders and artifact prefix added when not given."""
    args = list(sys.argv)
    options = [a for a in args[1:] if a.startswith("-")]
    folders = [a for a in args[1:] if not a.startswith("-")]
    work = WORK / target
    work.mkdir(parents=True, exist_ok=True)
    if not folders:
        folders = [str(work)] + [str(s) for s in seeds if s.exists()]
    if not any(o.startswith("-artifact_prefix=") for o in options):
        options.append(f"-artifact_prefix={WORK}/{target}-")
    return [args[0], *options, *folders]
