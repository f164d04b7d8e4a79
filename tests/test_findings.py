"""Finding types are data: one file of the SDK's own (``utrex_sdk/spec/findings.toml``), one per
plugin (``adapters/utrex_aspire/findings.toml``), loaded once on first use and checked as they
load, so that every id the code can report is registered and reads the same everywhere."""

import ast
import fnmatch
import re
import subprocess
import sys
import tomllib

import pytest
from helpers import ROOT

from utrex_sdk.findings import (
    ENTRY_POINT_GROUP,
    FindingType,
    FindingTypeError,
    Level,
    RejectReason,
    all_finding_types,
    make_finding,
    parse_finding_file,
    register_finding_file,
)

SDK_FILE = ROOT / "utrex_sdk" / "spec" / "findings.toml"
ASPIRE_FILE = ROOT / "adapters" / "utrex_aspire" / "findings.toml"
TOOL_ID = re.compile(r"(fmt|map|src|order|val|aspire)\.[a-z0-9][a-z0-9-]*")
NOT_IDS = {"aspire.toml"}  # the Aspire adapter's default mapping, a file name


def ids_in_source() -> dict[str, set[str]]:
    """Every string constant of the SDK and its adapters that is a tool finding id — the ids
    passed to make_finding, the codec's and the mapping's problems, the reject reasons — with
    the files that use it."""
    found: dict[str, set[str]] = {}
    for top in ("utrex_sdk", "adapters"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and TOOL_ID.fullmatch(node.value) and node.value not in NOT_IDS):
                    found.setdefault(node.value, set()).add(str(path.relative_to(ROOT)))
    # the submission's structure names the ids of what the writer leaves out, as data
    for path in (ROOT / "utrex_sdk" / "spec" / "layouts").glob("*.toml"):
        left_out = tomllib.loads(path.read_text(encoding="utf-8")).get("submission", {}).get(
            "left_out", {})
        for value in left_out.values():
            found.setdefault(value, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_finding_id_the_code_uses_is_registered():
    used = ids_in_source()
    assert {"fmt.too-wide", "map.not-a-code", "src.ragged", "order.no-school",
            "val.rule-failed", "aspire.no-cactus-id", "map.excluded"} <= set(used)
    registered = all_finding_types()
    assert {i: sorted(f) for i, f in used.items() if i not in registered} == {}


def test_every_registered_tool_id_is_used_by_the_code():
    registered = {i for i in all_finding_types() if TOOL_ID.fullmatch(i)}
    assert registered - set(ids_in_source()) == set()


@pytest.mark.parametrize("path", [SDK_FILE, ASPIRE_FILE], ids=["sdk", "aspire"])
def test_every_entry_says_what_it_is_and_what_to_do(path):
    kinds = parse_finding_file(path.read_text(encoding="utf-8"), path.name)
    assert len(kinds) > 10
    for kind in kinds:
        assert kind.title[:1].isupper() and len(kind.hint) > 20, kind.id
        if isinstance(kind, FindingType):
            assert kind.level in (Level.ERROR, Level.WARNING)


def test_a_plugins_ids_stay_in_its_namespace():
    kinds = parse_finding_file(ASPIRE_FILE.read_text(encoding="utf-8"), "aspire")
    assert {k.id.split(".")[0] for k in kinds} == {"aspire"}
    sdk = parse_finding_file(SDK_FILE.read_text(encoding="utf-8"), "sdk")
    assert {k.id.split(".")[0] for k in sdk} == {"fmt", "order", "val", "src", "map", "sif"}


def test_make_finding_works_whatever_was_imported():
    """A fresh interpreter that imports only findings renders the validator's, the mapping's and
    a plugin's ids, without importing the modules that report them."""
    code = (
        "import sys\n"
        "from utrex_sdk.findings import make_finding\n"
        "print(make_finding('order.no-district').message)\n"
        "print(make_finding('map.blanked', field='phone', problem='too wide').level)\n"
        "print(make_finding('aspire.no-faculty-id', section='5300-1').message)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('utrex_sdk.validation', "
        "'utrex_sdk.mapping', 'utrex_aspire.guide'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "the file has no DI record; the District record must be the first record in the file "
        "(2012-13 spec, Record Types)",
        "Warn",
        "section 5300-1: no Faculty ID; the guide (I, III): the teacher must be a faculty member "
        "assigned to the course; Teacher 1 ID left blank",
        "[]",
    ]


def test_an_unregistered_id_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match=r"fmt\.no-such-check"):
        make_finding("fmt.no-such-check")


GOOD = '''
[[finding]]
id = "kit-findings.one"
level = "Warn"
title = "One"
template = "{value!r} is one"
hint = "Nothing to do."
'''


def test_a_data_file_registered_by_the_call_renders_its_findings(tmp_path):
    path = tmp_path / "findings.toml"
    path.write_text(GOOD + '\n[[reason]]\nid = "kit-findings.left-out"\ntitle = "Left out"\n'
                    'reject = "left out on purpose"\nhint = "Nothing to do."\n')
    register_finding_file(path)
    finding = make_finding("kit-findings.one", value=1)
    assert (finding.level, finding.message) == (Level.WARNING, "'1' is one")
    assert all_finding_types()["kit-findings.left-out"] == RejectReason(
        "kit-findings.left-out", "Left out", "left out on purpose", "Nothing to do.")


def test_a_duplicate_id_in_a_file_fails_at_load():
    with pytest.raises(FindingTypeError, match=r"plugin\.toml: kit-findings\.one: id listed "
                                               r"more than once"):
        parse_finding_file(GOOD + GOOD, "plugin.toml")


def test_an_id_another_file_registered_fails_at_load_and_adds_nothing(tmp_path):
    path = tmp_path / "findings.toml"
    path.write_text(GOOD.replace("kit-findings.one", "kit-findings.two")
                    + GOOD.replace("kit-findings.one", "fmt.too-wide"))
    with pytest.raises(FindingTypeError, match=r"fmt\.too-wide is already registered by "
                                               r"utrex_sdk/spec/findings\.toml"):
        register_finding_file(path, "plugin.toml")
    assert "kit-findings.two" not in all_finding_types()
    assert make_finding("fmt.too-wide", record="S1", field="phone", value="(801) 555-9648",
                        needed=14, start=1, end=10, width=10).level is Level.ERROR


def test_the_aspire_file_cannot_be_registered_twice():
    assert "aspire.no-faculty" in all_finding_types()  # loaded from its entry point
    with pytest.raises(FindingTypeError, match=r"registered by utrex_aspire:findings\.toml"):
        register_finding_file(ASPIRE_FILE)


@pytest.mark.parametrize(("text", "problem"), [
    (GOOD.replace('level = "Warn"', 'level = "Warning"'), "level 'Warning' is not Err or Warn"),
    (GOOD.replace('hint = "Nothing to do."\n', ""), "missing key(s) hint"),
    (GOOD + 'colour = "red"\n', "unknown key(s) colour"),
    (GOOD.replace('"{value!r} is one"', '"{value is one"'), "template does not parse"),
    (GOOD.replace('"kit-findings.one"', '"One"'), "id 'One' is not namespace.name"),
    (GOOD.replace('title = "One"', 'title = 1'), "title must be a non-empty string"),
    (GOOD.replace("[[finding]]", "[finding]"), "finding must be an array of tables"),
    (GOOD.replace("[[finding]]", "[[findings]]"), "unknown table(s) findings"),
    (GOOD.replace('hint = "Nothing to do."', 'hint = "Nothing'), "not valid TOML"),
    (GOOD.replace('hint = "Nothing to do."', 'hint = "Nothing to do."\nquotes = "held"'),
     "quotes names held, which the template does not use"),
])
def test_a_malformed_entry_fails_at_load_naming_the_file(text, problem):
    with pytest.raises(FindingTypeError) as err:
        parse_finding_file(text, "plugin.toml")
    message = str(err.value)
    assert message.startswith("plugin.toml") and problem in message and "\n" not in message


def test_the_data_files_ship_and_the_aspire_file_is_an_entry_point():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = project["tool"]["setuptools"]["package-data"]
    assert any(fnmatch.fnmatch("spec/findings.toml", p) for p in data["utrex_sdk"])
    assert any(fnmatch.fnmatch("findings.toml", p) for p in data["utrex_aspire"])
    assert project["project"]["entry-points"][ENTRY_POINT_GROUP] == {
        "aspire": "utrex_aspire:findings.toml"}
