"""Fixtures of the SIF tests: the shared reference folder, the schemas built from it.

A plain module the SIF test modules import, not a conftest.py: the suite's modules import
helpers with ``from conftest import ...``, which a second conftest.py would shadow."""

import os
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
SIF_4X_NS = "http://www.sifassociation.org/datamodel/na/4.x"
SIF_2X_NS = "http://www.sifinfo.org/infrastructure/2.x"
XS = "{http://www.w3.org/2001/XMLSchema}"


def shared_dir(env: str, name: str) -> Path | None:
    """``$UTREX_SIF_DIR`` / ``$UTREX_SPEC_DIR``, else ../shared/<name> beside the repository."""
    if os.environ.get(env):
        return Path(os.environ[env])
    folder = ROOT.parent / "shared" / name
    return folder if folder.is_dir() else None


def require(path: Path | None, what: str) -> Path:
    """The reference file, or a skip with one line saying why — a failure under CI=true."""
    if path is not None and path.exists():
        return path
    reason = f"{what} not found (set UTREX_SIF_DIR, or put ../shared/sif beside the repository)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def retargeted_schema_text(xsd: Path) -> bytes:
    """The NA 4.0 schema re-targeted to the SIF 2.x namespace (a string substitution)."""
    return xsd.read_text(encoding="utf-8").replace(SIF_4X_NS, SIF_2X_NS).encode("utf-8")


@pytest.fixture(scope="session")
def sif_xsd_path():
    folder = shared_dir("UTREX_SIF_DIR", "sif")
    return require(folder / "SIF_Message-NA-4.0.xsd" if folder else None,
                   "SIF_Message-NA-4.0.xsd")


@pytest.fixture(scope="session")
def sif_schema(sif_xsd_path):
    """The official schema for 2.x objects.

    Besides the namespace, one change: identity constraints whose fields name a child element
    (``./StartDate``) are dropped. Under XSD 1.0 an unprefixed name in a constraint's XPath
    means "no namespace", so such a key can never be satisfied by any namespaced object (the
    schema relies on XSD 1.1's xpathDefaultNamespace); constraints on attributes (@RefId) stay.
    """
    root = etree.fromstring(retargeted_schema_text(sif_xsd_path))
    for key in list(root.iter(XS + "key", XS + "unique", XS + "keyref")):
        if any(not f.get("xpath").startswith("@") for f in key.iter(XS + "field")):
            key.getparent().remove(key)
    return etree.XMLSchema(root)
