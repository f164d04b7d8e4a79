"""RefIds: 32 upper-case hex characters (SIF 2.x ``RefIdType``), derived from natural keys.

The same object (its type and the record fields that identify it) always gets the same RefId,
so the same records give the same bytes, and a reference is computed from the referencing
record's own fields, with no lookup table of the objects written so far.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import partial
from typing import Any

try:  # CPython's own MD5: for a 50-byte key about a third faster than OpenSSL's through hashlib
    from _md5 import md5 as MD5
except ImportError:  # pragma: no cover - a build without it
    MD5 = partial(hashlib.md5, usedforsecurity=False)
"""MD5 for RefIds (a name, not a security measure): the same digest from either."""


def refid(object_name: str, key: Iterable[Any]) -> str:
    """The RefId of the ``object_name`` instance whose natural key is ``key``.

    >>> refid("SchoolInfo", ("14", "104"))
    '50BBB584C008B1DB446AA814867485BD'
    """
    text = "\x1f".join([object_name, *["" if v is None else v if v.__class__ is str else str(v)
                                       for v in key]])
    return MD5(text.encode("utf-8")).hexdigest().upper()


def key_text_source(var: str) -> str:
    """Python source of the text `refid` makes of the key value in the local variable
    ``var`` (for generated code: `refid_source` takes such texts)."""
    return f"({var} if {var}.__class__ is str else '' if {var} is None else str({var}))"


def refid_source(object_name: str, texts: list[str]) -> str:
    """Python source computing `refid` of ``object_name`` over the local variables named in
    ``texts``, each holding a key value's text (`key_text_source`), for generated code
    (fused.py), which must define ``MD5`` as this module's: one join, as `refid` does."""
    return (f"MD5('\\x1f'.join(({object_name!r}, {', '.join(texts)},)).encode())"
            ".hexdigest().upper()")
