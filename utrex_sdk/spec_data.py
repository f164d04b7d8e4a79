"""What the models of the package's spec data (``spec/**/*.toml``) have in common.

The field catalogue, the fixed-width layouts and the submission's structure are each read from a
data file into pydantic models. They share two properties, stated here once: a loaded model is
frozen (one copy serves every run and every thread), and a key the model does not know fails the
load (a misspelt key in the data would otherwise be dropped without a word). Records of both the
catalogue and the layouts look their fields up by name (`named`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict


class SpecData(BaseModel):
    """A model of spec data: frozen, and strict about its keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class _Named(Protocol):
    name: str


N = TypeVar("N", bound=_Named)


def named(items: Iterable[N], name: str) -> N:
    """The item called ``name``; KeyError when there is none (a typo in the code or the data)."""
    for item in items:
        if item.name == name:
            return item
    raise KeyError(name)
