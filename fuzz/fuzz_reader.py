"""Fuzz target: the UTREx reader on arbitrary bytes.

    python fuzz/fuzz_reader.py -runs=100000

Every input must be read without an exception other than the SDK's own (`UtrexError`), and every
physical line (CR LF, LF or a bare CR ends one, as `bytes.splitlines` counts them) must come out
once, in order, either as a record or with a finding that carries its line number. A line read
with no finding must serialize back to the same text (the codec's round trip, on any input).
"""

from __future__ import annotations

import io
import sys

import atheris
from _common import ROOT, argv

with atheris.instrument_imports(include=["utrex_sdk"]):
    from utrex_sdk.errors import UtrexError
    from utrex_sdk.fixedwidth.codec import codec_for
    from utrex_sdk.fixedwidth.reader import parse_lines

CODEC = codec_for("2012-13")


def check(data: bytes) -> None:
    try:
        items = list(parse_lines(io.BytesIO(data), source="fuzz", codec=CODEC))
    except UtrexError:
        return
    lines = data.splitlines()
    assert [i.line for i in items] == list(range(1, len(lines) + 1)), "a line was lost"
    for item in items:
        assert item.record is not None or item.findings, f"line {item.line}: neither"
        assert all(f.line == item.line for f in item.findings), f"line {item.line}: wrong line"
        if item.record is not None and not item.findings:
            line, _ = CODEC.serialize(item.record)
            assert line == item.text + "\r\n", f"line {item.line}: {item.text!r} -> {line!r}"


def main() -> None:
    seeds = [ROOT / "tests" / "corpus" / "utrex", ROOT / "examples" / "sample"]
    atheris.Setup(argv("reader", seeds), check)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.exit(main())
