"""The command line's import structure: ``utrex --help`` and ``utrex fields`` do not load the
validator or the record models, and the `utrex_sdk.cli` package has no import cycle — counting
the imports inside functions, which run just as surely, only later."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "utrex_sdk"

LOADED_AFTER = """
import json, sys
from utrex_sdk.cli import main
sys.argv = ["utrex", *{args!r}]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\n" + json.dumps(sorted(m for m in sys.modules if m.startswith("utrex_sdk"))))
"""


def loaded_after(*args: str) -> set[str]:
    """The utrex_sdk modules imported by a fresh interpreter that runs ``utrex ARGS``."""
    done = subprocess.run([sys.executable, "-c", LOADED_AFTER.format(args=list(args))],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_building_the_app_loads_neither_the_validator_nor_the_record_models():
    done = subprocess.run([sys.executable, "-c", (
        "import sys, typer.main\n"
        "from utrex_sdk.cli import app\n"
        "typer.main.get_command(app)\n"
        "print(sorted(m for m in sys.modules if m.startswith('utrex_sdk')))")],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "'utrex_sdk.cli.app'" in done.stdout
    assert "'utrex_sdk.validation'" not in done.stdout
    assert "'utrex_sdk.models'" not in done.stdout


@pytest.mark.parametrize("args", [("--help",), ("fields", "S1"), ("validate", "--help")])
def test_help_and_fields_do_not_load_the_validator(args):
    loaded = loaded_after(*args)
    assert "utrex_sdk.cli.app" in loaded
    assert not {m for m in loaded if m.startswith("utrex_sdk.validation")}
    if args != ("validate", "--help"):
        assert "utrex_sdk.models" not in loaded


def test_running_validate_does_load_it(tmp_path):
    """The check above can fail: the same probe sees the validator when a command needs it."""
    assert "utrex_sdk.validation" in loaded_after(
        "validate", str(ROOT / "examples" / "sample" / "submission.txt"), "--format", "json")


# --- the import graph -----------------------------------------------------------------------

def _modules() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The utrex_sdk modules ``name`` imports anywhere in its body (functions included),
    except under ``if TYPE_CHECKING:``, which never runs."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for statement in child.orelse:
                    visit(statement)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package[:len(package) - child.level + 1]
                    base = ".".join([*parent, *([child.module] if child.module else [])])
                for alias in child.names:
                    found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                              else base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_function_local_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    source = PACKAGE / "cli" / "commands" / "validate.py"
    assert "utrex_sdk.validation" in _imports("utrex_sdk.cli.commands.validate", source,
                                              _modules())  # imported inside `validate`


def test_the_sdk_has_no_import_cycle():
    """Issue 12: no module of `utrex_sdk` imports one that imports it back, counting imports
    inside functions and under TYPE_CHECKING (the check import-linter's `independence` and
    `layers` contracts would make, on the whole package)."""
    assert cycles(import_graph()) == []


def test_the_cli_package_has_no_import_cycle():
    assert [c for c in cycles(import_graph()) if any(m.startswith("utrex_sdk.cli") for m in c)
            ] == []


def test_commands_use_the_helpers_below_them_never_the_app():
    graph = import_graph()
    commands = {name: targets for name, targets in graph.items()
                if name.startswith("utrex_sdk.cli.commands.")}
    assert commands, "the commands moved: update this test"
    for name, targets in commands.items():
        assert not targets & {"utrex_sdk.cli", "utrex_sdk.cli.app"}, name
    for helper in ("console", "errors", "options"):
        assert not {t for t in graph[f"utrex_sdk.cli.{helper}"]
                    if t.startswith("utrex_sdk.cli")}, helper


def test_the_packages_public_names_load_on_first_use():
    done = subprocess.run([sys.executable, "-c", (
        "import sys, utrex_sdk\n"
        "assert 'utrex_sdk.models' not in sys.modules, 'import utrex_sdk built the models'\n"
        "import utrex_sdk.catalogue\n"
        "from utrex_sdk import *\n"
        "from utrex_sdk import catalogue, parse, write_file, MODELS\n"
        "assert callable(catalogue) and catalogue().records, catalogue\n"
        "assert [n for n in utrex_sdk.__all__ if not hasattr(utrex_sdk, n)] == []\n"
        "assert 'utrex_sdk.models' in sys.modules\n")],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
