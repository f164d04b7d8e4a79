"""No network access anywhere (issue 7, item 4): the data is about children and stays local.

`utrex convert` and `utrex validate` run end to end with every way of opening a socket made to
fail, and no module of the SDK or its bundled adapter imports a network library.
"""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from utrex_sdk.cli import app

ROOT = Path(__file__).resolve().parents[1]
NETWORK_MODULES = ("socket", "ssl", "urllib", "http", "requests", "httpx", "urllib3", "aiohttp",
                   "ftplib", "smtplib", "telnetlib", "xmlrpc", "websocket", "websockets")


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args!r}")

    class RefusingSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse(*args)

    monkeypatch.setattr(socket, "socket", RefusingSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "socketpair", "create_server"):
        monkeypatch.setattr(socket, name, refuse)


def test_the_guard_really_refuses(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkUsed):
        socket.socket()


def test_convert_and_validate_run_without_the_network(no_network, tmp_path):
    runner = CliRunner()
    example = ROOT / "examples" / "district-csv"
    for fmt in ("json", "csv", "xlsx"):
        result = runner.invoke(app, [
            "convert", "--adapter", "csv", "--mapping", str(example / "mapping.toml"),
            "--input", str(example), "--output", str(tmp_path / "out.txt"),
            "--rejects", str(tmp_path / "rejects.csv"), "--format", fmt,
            "--report", str(tmp_path / f"report.{fmt}"), "--redact"])
        assert result.exit_code in (0, 1), (result.stderr, result.exception)
        assert not isinstance(result.exception, NetworkUsed)
    for target in (tmp_path / "out.txt", ROOT / "examples" / "sample" / "submission.txt"):
        for fmt in ("table", "json", "csv"):
            result = runner.invoke(app, ["validate", str(target), "--format", fmt])
            assert result.exit_code in (0, 1), (result.stderr, result.exception)
            assert not isinstance(result.exception, NetworkUsed)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", None)) in ("import_module", "__import__") and node.args \
                and isinstance(node.args[0], ast.Constant):
            found.add(str(node.args[0].value))
    return found


def test_no_module_of_the_sdk_imports_a_network_library():
    files = sorted((ROOT / "utrex_sdk").rglob("*.py")) + sorted((ROOT / "adapters").rglob("*.py"))
    assert len(files) > 20
    offending = {}
    for path in files:
        bad = {m for m in _imports(path) if m.split(".")[0] in NETWORK_MODULES}
        if bad:
            offending[str(path.relative_to(ROOT))] = sorted(bad)
    assert offending == {}
