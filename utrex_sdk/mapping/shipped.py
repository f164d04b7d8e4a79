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


def shipped_files(adapter: str) -> list[str]:
    """The files beside the adapter's default mapping that a copy of it needs too (tables it
    names, such as the Aspire SOEP provider list), the mapping first."""
    path = shipped_mapping_path(adapter)
    others = sorted(p.name for p in path.parent.iterdir()
                    if p.suffix in (".toml", ".csv") and p != path)
    return [path.name, *others]


def shipped_mapping(adapter: str, file: str | None = None) -> str:
    """The text of the default mapping of the adapter named ``adapter`` or, with ``file``, of
    one of the files beside it (`shipped_files`)."""
    path = shipped_mapping_path(adapter)
    if file is not None:
        names = shipped_files(adapter)
        if file not in names:
            raise UtrexError(f"the {adapter} adapter ships no file {file!r}; it ships "
                             f"{', '.join(names)}")
        path = path.parent / file
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise UtrexError(f"{path}: the {adapter} adapter's file cannot be read "
                         f"({err.strerror})") from None


def _ships(name: str) -> bool:
    try:
        return getattr(load_adapter(name), "default_mapping", None) is not None
    except UtrexError:
        return False
