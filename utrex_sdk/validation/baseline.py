"""Reading a ``--baseline`` file: an earlier run's JSON report, checked to be one before use.

A baseline is input like any other, and it may be an old report, another tool's JSON or a file
edited by hand. Its findings are compared with this run's by their identifying parts (rule or
Error ID, record, field, identifying keys), so each of those must be text (or absent) and the
keys' values plain ones (keys that are no object count as none); anything else would surface
as a crash deep in the comparison. The file is refused in one line that names the finding and
the key, never its content.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import UnusableInputError
from ..input_files import MIB, read_limited

# A baseline is read whole and held as Python objects (about 3 times its size, measured): 128 MB
# of JSON (some 400,000 findings) stays under 1 GB; a bigger one is not a report to compare with.
BASELINE_LIMIT = 128 * MIB

_TEXT = ("rule", "error_id", "record", "field", "level", "message")
"""The parts of a finding compared or shown as text: a string or null."""
_PLAIN = (str, int, float, bool, type(None))


def read_baseline(path: Path) -> list[dict[str, Any]]:
    """The findings of an earlier JSON report, each a dict whose compared parts are plain."""
    try:
        previous = json.loads(read_limited(Path(path), BASELINE_LIMIT, "a baseline report"))
        old = previous["findings"]
        if not isinstance(old, list) or not all(isinstance(i, dict) for i in old):
            raise TypeError("findings is not a list of objects")
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as err:
        reason = getattr(err, "strerror", None) or type(err).__name__
        raise UnusableInputError(
            f"baseline {path}: not a JSON report written by `utrex validate` ({reason})"
        ) from None
    for number, item in enumerate(old, start=1):
        problem = _shape_problem(item)
        if problem is not None:
            raise UnusableInputError(f"baseline {path}: finding {number:,}: {problem}; not a "
                                     "JSON report written by `utrex validate`")
    return old


def _shape_problem(item: dict[str, Any]) -> str | None:
    for name in _TEXT:
        if not isinstance(item.get(name), str | None):
            return f"{name!r} is {_kind(item[name])}, not text"
    if not isinstance(item.get("value"), _PLAIN):
        return f"'value' is {_kind(item['value'])}, not a value"
    keys = item.get("keys")  # not an object: no keys, as `result.match_key` reads it
    for value in (keys.values() if isinstance(keys, dict) else ()):
        if not isinstance(value, _PLAIN):
            return f"a value of 'keys' is {_kind(value)}, not a value"
    return None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list"}.get(type(value), type(value).__name__)
