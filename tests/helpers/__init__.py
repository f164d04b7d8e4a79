"""What several test modules share: the repository root, loading a script or example package by
its path, and the ``preexec_fn`` that lets a child take Ctrl-C.

A package, not ``conftest.py``: pytest loads conftest itself, and importing it again as a module
gives a second copy of it. Scripts and example packages are loaded from their files (no
``sys.path`` edits, which would leak one test's modules into every later import).
"""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_module(path: Path, name: str | None = None) -> ModuleType:
    """The module in ``path`` (a ``.py`` file, or a package folder), imported under ``name``
    (its own name by default) and cached in ``sys.modules`` under it.

    Give a distinct ``name`` when two files share one (each example has a ``make_export.py``).
    A package's submodules are then found through its own ``__path__``.
    """
    path = Path(path)
    name = name or path.stem
    if name in sys.modules:
        return sys.modules[name]
    if path.is_dir():
        spec = importlib.util.spec_from_file_location(
            name, path / "__init__.py", submodule_search_locations=[str(path)])
    else:
        spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look a module up there
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def import_from(folder: Path, dotted: str) -> ModuleType:
    """``dotted`` (``pkg`` or ``pkg.sub``) imported from a folder that is not on ``sys.path``,
    e.g. an example adapter package that is not installed."""
    top, _, rest = dotted.partition(".")
    package = Path(folder) / top
    module = load_module(package if package.is_dir() else package.with_suffix(".py"), top)
    return importlib.import_module(dotted) if rest else module


def sample_build() -> ModuleType:
    """``examples/sample/build.py``: the bundled two-school sample submission."""
    return load_module(ROOT / "examples" / "sample" / "build.py", "sample_build")


def hear_ctrl_c() -> None:
    """``preexec_fn`` for a child a test interrupts: take Ctrl-C (SIGINT) as a terminal delivers
    it. A test run started in the background by a non-interactive shell (a CI script's
    ``cmd &``) has SIGINT ignored; the child would inherit that, and Python would then never
    raise KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


KIDS_S1 = """[[records]]
type = "S1"
source = "kids"
[records.fields]
student_number = "ID"
school_number = "School"
last_name = "Name"
birth_date = { column = "DOB", date = "%m/%d/%Y" }
"""
"""The S1 block of a ``kids`` source (columns ID, School, Name, DOB) that test mappings extend
with their own fields."""


def mapping_head(school_number: str = '"School"', **sources: str) -> str:
    """The start of a small test mapping: the LEA constant, the DI block, a ``schools`` source
    with its SC block (columns School, Days, Last, Year, Day) and the other sources given
    (``kids="kids.csv"``); a test appends its own record blocks. ``school_number``: the SC's
    School Number mapping, as TOML (e.g. with ``zero_pad``)."""
    named = "".join(f'[sources.{name}]\nfile = "{file}"\n' for name, file in sources.items())
    return f"""
[constants]
lea_number = "14"
[district]
school_year = 2024
which_month = "DEC"
sis_as_of = 2023-12-01T16:30:00
[sources.schools]
file = "schools.csv"
{named}[[records]]
type = "SC"
source = "schools"
[records.fields]
school_number = {school_number}
days_in_school_year = "Days"
last_day_of_school = {{ column = "Last", date = "%m/%d/%Y" }}
schedule_year_type = "Year"
schedule_day_type = "Day"
"""


def on_a_terminal(*args: object, stdout: bool = True, **env: str) -> tuple[int, bytes]:
    """Run ``utrex ARGS`` with a pseudo-terminal as stderr, and as stdout unless ``stdout`` is
    false (then stdout goes nowhere): its exit status and what reached the terminal. The
    environment's colour and width settings are left out; ``env`` adds some."""
    import os
    import pty

    environ = {k: v for k, v in os.environ.items()
               if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "TTY_COMPATIBLE")}
    environ |= {"TERM": "xterm-256color"} | env
    leader, follower = pty.openpty()
    try:
        child = subprocess.Popen([sys.executable, "-m", "utrex_sdk", *map(str, args)],
                                 stdin=subprocess.DEVNULL,
                                 stdout=follower if stdout else subprocess.DEVNULL,
                                 stderr=follower, env=environ)
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return child.wait(timeout=120), b"".join(chunks)
