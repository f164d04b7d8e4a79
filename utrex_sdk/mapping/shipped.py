"""The default mappings adapters ship (`utrex mapping show aspire > my.toml`).

A district adapting the Aspire mapping needs its text, and a pip-installed user has no
repository to copy it from: the adapter's package holds it (`MappingAdapter.default_mapping`),
so the text is read from there, exactly as the adapter reads it.
"""

from __future__ import annotations

from pathlib import Path

from ..adapters import installed_adapters, load_adapter
from ..errors import UtrexError


def shipped_mapping_path(adapter: str) -> Path:
    """Where the adapter named ``adapter`` keeps its default mapping; a `UtrexError` naming the
    adapters that ship one when it ships none."""
    cls = load_adapter(adapter)
    path = getattr(cls, "default_mapping", None)
    if path is None:
        shipping = [name for name in installed_adapters()
                    if name != adapter and _ships(name)]
        raise UtrexError(f"the {adapter} adapter ships no default mapping" + (
            f"; adapters that do: {', '.join(shipping)}" if shipping else ""))
    return Path(path)


def shipped_mapping(adapter: str) -> str:
    """The text of the default mapping of the adapter named ``adapter``."""
    path = shipped_mapping_path(adapter)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise UtrexError(f"{path}: the {adapter} adapter's mapping cannot be read "
                         f"({err.strerror})") from None


def _ships(name: str) -> bool:
    try:
        return getattr(load_adapter(name), "default_mapping", None) is not None
    except UtrexError:
        return False
