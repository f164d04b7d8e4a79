"""What changed between two UTREx files, said in records and fields rather than lines.

A raw line diff of fixed-width text shows two 220-column lines and leaves the reader to count
columns. This module aligns the two files' lines (difflib), pairs each changed line with the
line it replaced — same record type, same identifying fields where possible — and names each
field that changed, with its columns and both values::

    line 12, S1 (school 104, student 004101): field birth_date (cols 75-82) '20100101' → '20100102'

Added and removed records, line endings and text past a record's last column are reported the
same way, so a change of only whitespace or a line ending is never invisible.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from ..layouts import DEFAULT_EDITION, RecordLayout, edition_layout
from .snapshot_format import ENDINGS, record_type_of, split_lines

MAX_MESSAGES = 60
# the codec's KEY_FIELDS less the LEA, which every record of a file shares
_KEY_LABELS = {"school_number": "school", "student_number": "student",
               "course_section": "course", "period": "period", "incident_id": "incident"}
Line = tuple[bytes, bytes]  # (text, line ending)


def _show(text: bytes) -> str:
    return repr(text.decode("latin-1"))


class _Describer:
    def __init__(self, edition: str):
        self.layouts = edition_layout(edition).records

    def layout(self, text: bytes) -> RecordLayout | None:
        return self.layouts.get(record_type_of(text))

    def key(self, text: bytes) -> tuple[bytes, ...]:
        layout = self.layout(text)
        if layout is None:
            return ()
        names = {f.name: f for f in layout.fields}
        return tuple(text[names[k].start - 1:names[k].end] for k in _KEY_LABELS if k in names)

    def where(self, text: bytes) -> str:
        """``S1 (school 104, student 004101)``: the record type and its identifying fields."""
        layout = self.layout(text)
        if layout is None:
            return f"unknown record type {_show(text[:3])}"
        names = {f.name: f for f in layout.fields}
        values = {k: text[names[k].start - 1:names[k].end].decode("latin-1").strip()
                  for k in _KEY_LABELS if k in names}
        keys = [f"{_KEY_LABELS[k]} {v}" for k, v in values.items() if v]
        return layout.record_type + (f" ({', '.join(keys)})" if keys else "")

    def changed(self, at: str, old: Line, new: Line) -> list[str]:
        (old_text, old_end), (new_text, new_end) = old, new
        head = f"{at}, {self.where(new_text)}"
        out = []
        layout = self.layout(new_text)
        if layout is None or record_type_of(old_text) != layout.record_type:
            if old_text != new_text:
                out.append(f"{head}: {_show(old_text)} → {_show(new_text)}")
        else:
            for f in layout.fields:
                a, b = old_text[f.start - 1:f.end], new_text[f.start - 1:f.end]
                if a != b:
                    cols = f"col {f.start}" if f.start == f.end else f"cols {f.start}-{f.end}"
                    out.append(f"{head}: field {f.name} ({cols}) {_show(a)} → {_show(b)}")
            a, b = old_text[layout.width:], new_text[layout.width:]
            if a != b:
                out.append(f"{head}: past the record's last column ({layout.width}) "
                           f"{_show(a)} → {_show(b)}")
        if old_end != new_end:
            out.append(f"{head}: line ending {ENDINGS[old_end]} → {ENDINGS[new_end]}")
        return out

    def pair(self, old: list[int], new: list[int], a: list[Line], b: list[Line]
             ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        """Pair the lines of a replaced block: same record type and identifying fields first,
        then same record type in order; the rest were removed or added."""
        pairs: list[tuple[int, int]] = []
        left = list(old)
        for match in (lambda t: (record_type_of(t), self.key(t)), record_type_of):
            unpaired = []
            for j in new:
                want = match(b[j][0])
                i = next((i for i in left if match(a[i][0]) == want), None)
                if i is None:
                    unpaired.append(j)
                else:
                    left.remove(i)
                    pairs.append((i, j))
            new = unpaired
        return pairs, left, new


def describe_changes(expected: bytes, actual: bytes, *, edition: str = DEFAULT_EDITION,
                     limit: int = MAX_MESSAGES) -> list[str]:
    """Messages for every difference from ``expected`` (the snapshot) to ``actual``, in file
    order: a summary line, then one line per changed field, added or removed record."""
    a, b = split_lines(expected), split_lines(actual)
    if a == b:
        return []
    d = _Describer(edition)
    found: list[tuple[int, str]] = []  # (position in the new file, message)
    counts = {"changed": 0, "added": 0, "removed": 0}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs, removed, added = d.pair(list(range(i1, i2)), list(range(j1, j2)), a, b)
        for i, j in pairs:
            at = f"line {j + 1}" + ("" if i == j else f" (snapshot line {i + 1})")
            found.extend((j, m) for m in d.changed(at, a[i], b[j]))
            counts["changed"] += 1
        for i in removed:
            found.append((j1, f"snapshot line {i + 1} removed, {d.where(a[i][0])}: "
                              f"{_show(a[i][0])}"))
            counts["removed"] += 1
        for j in added:
            found.append((j, f"line {j + 1} added, {d.where(b[j][0])}: {_show(b[j][0])}"))
            counts["added"] += 1
    found.sort(key=lambda item: item[0])
    summary = (f"UTREx output differs from the snapshot: {counts['changed']} record(s) changed, "
               f"{counts['added']} added, {counts['removed']} removed "
               f"({len(a)} lines → {len(b)} lines)")
    messages = [m for _, m in found]
    if len(messages) > limit:
        messages = [*messages[:limit], f"… and {len(messages) - limit} more differences"]
    return [summary, *messages]
