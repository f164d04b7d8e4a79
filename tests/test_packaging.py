"""The wheel carries every package and the Aspire adapter's default mapping, and the repository
holds no symbolic link (links break on Windows checkouts and in some source distributions).

pyproject.toml lists its packages rather than finding them, so that the Aspire mapping can stay in
``mappings/aspire/`` and ship as ``utrex_aspire/mapping/``; these tests keep that list complete."""

import shutil
import subprocess
import sys
import tomllib

from helpers import ROOT
from setuptools import find_packages

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_of_the_sdk_and_its_adapters_is_listed():
    found = set(find_packages(str(ROOT), include=["utrex_sdk", "utrex_sdk.*"]))
    found |= set(find_packages(str(ROOT / "adapters"), include=["utrex_*"]))
    assert found - set(SETUPTOOLS["packages"]) == set()
    for package, folder in SETUPTOOLS["package-dir"].items():
        assert (ROOT / folder).is_dir(), package


def test_the_aspire_mapping_is_shipped_from_mappings_aspire():
    assert SETUPTOOLS["package-dir"]["utrex_aspire.mapping"] == "mappings/aspire"
    from utrex_aspire import MAPPING_DIR

    # an editable install reads mappings/aspire itself; an installed wheel (CI runs
    # `pip install ".[test]"`) its copy inside the package: either way, the same files
    source = ROOT / "mappings" / "aspire"
    if source != MAPPING_DIR:
        assert MAPPING_DIR.parts[-2:] == ("utrex_aspire", "mapping")
    shipped = {p.name: p.read_bytes() for p in MAPPING_DIR.iterdir() if p.is_file()
               and p.suffix in (".toml", ".csv", ".md")}
    assert shipped == {p.name: p.read_bytes() for p in source.iterdir() if p.is_file()
                       and p.suffix in (".toml", ".csv", ".md")}
    assert "aspire.toml" in shipped


def test_no_symbolic_links_in_the_repository():
    links = [p for top in ("adapters", "mappings", "utrex_sdk", "examples", "docs", "tests")
             for p in (ROOT / top).rglob("*") if p.is_symlink()]
    assert links == []


def test_the_build_puts_the_aspire_mapping_inside_the_package(tmp_path):
    """setuptools' build_py lays out what a wheel holds (``pip install .`` builds it so)."""
    source, built = tmp_path / "src", tmp_path / "lib"
    source.mkdir()
    for name in ("utrex_sdk", "adapters", "mappings"):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    done = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
         "--build-lib", str(built)], cwd=source, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    names = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()}
    shipped = {n.removeprefix("utrex_aspire/mapping/") for n in names
               if n.startswith("utrex_aspire/mapping/")}
    assert {p.name for p in (ROOT / "mappings" / "aspire").iterdir()} <= shipped
    assert {"utrex_aspire/__init__.py", "utrex_aspire/guide.py", "utrex_csv/__init__.py",
            "utrex_sdk/testing/__init__.py", "utrex_sdk/spec/layouts/2012_13.toml"} <= names
