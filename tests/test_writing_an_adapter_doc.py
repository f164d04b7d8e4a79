"""docs/writing-an-adapter.md stays true: every snippet marked ``<!-- from PATH -->`` is a
verbatim part of that file, and every repository path the guide names exists."""

import re

from helpers import ROOT

DOC = ROOT / "docs" / "writing-an-adapter.md"
SNIPPET = re.compile(r"<!-- from (\S+) -->\n```\w*\n(.*?)```", re.S)
PATH = re.compile(r"`((?:adapters|docs|examples|mappings|tests|utrex_sdk)/[\w./<>-]*)`")


def test_every_marked_snippet_is_copied_from_its_file():
    snippets = SNIPPET.findall(DOC.read_text())
    assert len(snippets) >= 8
    for path, code in snippets:
        assert code in (ROOT / path).read_text(), f"the snippet from {path} no longer matches"


def test_the_code_blocks_that_show_the_example_are_marked():
    text = DOC.read_text()
    unmarked = re.findall(r"(?<!-->\n)```python\n(.*?)```", text, re.S)
    assert unmarked == []


def test_every_path_the_guide_names_exists():
    paths = set(PATH.findall(DOC.read_text()))
    assert "examples/custom-adapter/" in paths
    missing = [p for p in paths if "<" not in p and not (ROOT / p).exists()]
    assert missing == []
