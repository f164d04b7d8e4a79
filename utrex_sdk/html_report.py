"""The HTML report: one self-contained file a clerk opens from a mail attachment.

No network, no CDN: the page's CSS and script are inlined from `assets/`, the charts are static
SVG drawn here, and the findings travel as one JSON document inside the page, which the script
filters, sorts and pages (100 rows at a time, so 100,000 findings stay usable). Filters live in the
address's fragment (`report.html#level=Err&error=S1.320`), so a filtered view can be bookmarked or
sent, and a headless browser can be pointed at one.

The page is written in pieces, straight to the output, so the findings never exist twice in memory
as one large string. Whatever the result holds is shown as it is: a `--redact` run has already
replaced personal values before the report is written.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from .atomic import atomic_write
from .findings import Finding

Explain = Callable[[Finding], str | None]

# one row of the page's findings table; the script reads columns by these names
COLUMNS = ("level", "error_id", "message", "school", "record", "keys", "source", "line",
           "field", "value", "baseline", "explain")
CHART_BARS = 25  # bars per chart; the rest are summed into one "other" bar


def write_html(result: Any, path: Path, *, explain: Explain | None = None) -> None:
    """Write `result` (a ValidationResult) as an HTML report at `path`, atomically."""
    with atomic_write(Path(path)) as handle:
        out = _Utf8(handle)
        render_html(result, out, explain=explain)


def render_html(result: Any, out: TextIO, *, explain: Explain | None = None) -> None:
    """Write the page to `out` in pieces."""
    info = result.summary()
    title = f"UTREx report — {result.source or 'records'}"
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">")
    out.write(f"<title>{_e(title)}</title><style>{_asset('report.css')}</style></head><body>")
    out.write(f"<header><h1>{_e(title)}</h1>{_run_facts(result, info)}</header>")
    out.write(_counts(result, info))
    out.write("<section class=\"charts\">")
    out.write(_bar_chart("Findings by school", _by(result.findings, _school)))
    out.write(_bar_chart("Findings by Error ID", _by(result.findings, lambda f: f.error_id)))
    out.write("</section>")
    if result.baseline is not None:
        out.write(_baseline(result))
    conversion = result.extra.get("conversion")
    if isinstance(conversion, dict):
        out.write(_accounting(conversion))
    out.write(_FINDINGS_SECTION)
    out.write(_not_checked(result))
    out.write("<script id=\"data\" type=\"application/json\">")
    _write_data(result, out, explain)
    out.write(f"</script><script>{_asset('report.js')}</script></body></html>\n")


# --- the run ------------------------------------------------------------------------------------

def _run_facts(result: Any, info: dict[str, Any]) -> str:
    run = result.extra.get("run") or {}
    facts = [("File", result.source or "")]
    facts += [(label, run[key]) for key, label in (
        ("school_year", "School year"), ("collection", "Collection"), ("as_of", "As of"),
        ("edition", "Layout edition")) if run.get(key) not in (None, "")]
    complete = "yes" if info["complete"] else f"NO — {'; '.join(result.incomplete_because())}"
    facts.append(("Complete", complete))
    if result.extra.get("redacted"):
        facts.append(("Personal data", "redacted (--redact)"))
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(str(v))}</td></tr>" for k, v in facts)
    banner = "" if not result.stopped else (
        f"<p class=\"incomplete\">REPORT INCOMPLETE: {_e(str(result.stopped))}</p>")
    return f"<table class=\"facts\">{rows}</table>{banner}"


def _counts(result: Any, info: dict[str, Any]) -> str:
    cards = [("Err", info["by_level"]["Err"], "err"), ("Warn", info["by_level"]["Warn"], "warn"),
             ("Rules not checked", len(result.not_checked), "muted")]
    if "baseline" in info:
        base = info["baseline"]
        cards += [("New since baseline", base["new"], "err"),
                  ("Still present", base["still_present"], "muted"),
                  ("Resolved", base["resolved"], "ok")]
    body = "".join(f"<div class=\"card {cls}\"><b>{n:,}</b><span>{_e(label)}</span></div>"
                   for label, n, cls in cards)
    return f"<section class=\"cards\">{body}</section>"


def _school(finding: Finding) -> str:
    return str(finding.keys.get("school_number") or "")


def _by(findings: Iterable[Finding], key: Callable[[Finding], str]
        ) -> list[tuple[str, int, int]]:
    """(label, Err count, Warn count) per key, largest first, the tail summed as "other"."""
    err: Counter[str] = Counter()
    warn: Counter[str] = Counter()
    for finding in findings:
        (err if finding.is_error else warn)[key(finding) or "(none)"] += 1
    labels = sorted(set(err) | set(warn), key=lambda k: (-(err[k] + warn[k]), k))
    bars = [(k, err[k], warn[k]) for k in labels[:CHART_BARS]]
    rest = labels[CHART_BARS:]
    if rest:
        bars.append((f"{len(rest)} other", sum(err[k] for k in rest), sum(warn[k] for k in rest)))
    return bars


def _bar_chart(title: str, bars: list[tuple[str, int, int]]) -> str:
    """A horizontal bar chart as static SVG: Err and Warn stacked per label."""
    if not bars:
        return f"<figure><figcaption>{_e(title)}</figcaption><p>No findings.</p></figure>"
    label_w, bar_w, row_h = 150, 360, 20
    top = max(e + w for _, e, w in bars) or 1
    height = row_h * len(bars) + 10
    parts = [f"<figure><figcaption>{_e(title)}</figcaption>"
             f"<svg role=\"img\" aria-label=\"{_e(title)}\" width=\"{label_w + bar_w + 70}\" "
             f"height=\"{height}\" viewBox=\"0 0 {label_w + bar_w + 70} {height}\">"]
    for i, (label, err, warn) in enumerate(bars):
        y = i * row_h + 4
        we, ww = bar_w * err / top, bar_w * warn / top
        parts.append(f"<text x=\"{label_w - 6}\" y=\"{y + 13}\" text-anchor=\"end\">"
                     f"{_e(label[:22])}</text>")
        if err:
            parts.append(f"<rect class=\"err\" x=\"{label_w}\" y=\"{y}\" width=\"{we:.1f}\" "
                         f"height=\"{row_h - 6}\"><title>{_e(label)}: {err:,} Err</title></rect>")
        if warn:
            parts.append(f"<rect class=\"warn\" x=\"{label_w + we:.1f}\" y=\"{y}\" "
                         f"width=\"{ww:.1f}\" height=\"{row_h - 6}\"><title>{_e(label)}: "
                         f"{warn:,} Warn</title></rect>")
        parts.append(f"<text x=\"{label_w + we + ww + 4:.1f}\" y=\"{y + 13}\">"
                     f"{err + warn:,}</text>")
    parts.append("</svg></figure>")
    return "".join(parts)


def _baseline(result: Any) -> str:
    new = Counter(f.error_id for f in result.findings if result.status_of(f) == "new")
    gone = Counter(str(item.get("error_id")) for item in result.resolved)
    ids = sorted(set(new) | set(gone))
    rows = "".join(f"<tr><td>{_e(i)}</td><td>{new[i]:,}</td><td>{gone[i]:,}</td></tr>"
                   for i in ids)
    return ("<section><h2>What changed since the last run</h2>"
            + (f"<table class=\"grid\"><tr><th>Error ID</th><th>New</th><th>Resolved</th></tr>"
               f"{rows}</table>" if rows else "<p>Nothing new, nothing resolved.</p>")
            + "</section>")


def _accounting(conversion: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{_e(str(r.get('file', '')))}</td><td>{_e(str(r.get('record', '')))}</td>"
        f"<td>{r.get('read', 0):,}</td><td>{r.get('written', 0):,}</td>"
        f"<td>{r.get('rejected', 0):,}</td></tr>" for r in conversion.get("files", []))
    total = (f"<p>{conversion.get('rows_read', 0):,} rows read = "
             f"{conversion.get('rows_written', 0):,} written + "
             f"{conversion.get('rows_rejected', 0):,} rejected</p>")
    return ("<section><h2>Conversion: every row accounted for</h2>" + total
            + "<table class=\"grid\"><tr><th>File</th><th>Record</th><th>Read</th>"
              f"<th>Written</th><th>Rejected</th></tr>{rows}</table></section>")


def _not_checked(result: Any) -> str:
    if not result.not_checked:
        return "<section><h2>Rules not checked</h2><p>Every rule was checked.</p></section>"
    rows = "".join(f"<tr><td>{_e(n.error_id or '')}</td><td>{_e(n.rule)}</td>"
                   f"<td>{_e(n.record or '')}</td><td>{_e(n.reason)}</td></tr>"
                   for n in result.not_checked)
    return (f"<section><details><summary><h2>Rules not checked ({len(result.not_checked):,})"
            "</h2></summary><table class=\"grid\"><tr><th>Error ID</th><th>Rule</th>"
            f"<th>Record</th><th>Why</th></tr>{rows}</table></details></section>")


_FINDINGS_SECTION = """<section id="findings"><h2>Findings</h2>
<form id="filters" onsubmit="return false">
<label>School <select name="school"><option value="">all</option></select></label>
<label>Record <select name="record"><option value="">all</option></select></label>
<label>Level <select name="level"><option value="">all</option></select></label>
<label>Error ID <select name="error"><option value="">all</option></select></label>
<label>Text <input name="q" type="search" placeholder="message, keys, value"></label>
</form>
<p id="shown" aria-live="polite"></p>
<table id="table" class="grid findings"><thead><tr>
<th data-col="level">Level</th><th data-col="error_id">Error ID</th>
<th data-col="message">Message</th><th data-col="school">School</th>
<th data-col="record">Record</th><th data-col="keys">Keys</th>
<th data-col="source">Source</th><th data-col="field">Field</th><th data-col="value">Value</th>
</tr></thead><tbody></tbody></table>
<nav id="pages"><button type="button" id="prev">‹ previous</button>
<span id="page"></span><button type="button" id="next">next ›</button></nav>
<dialog id="rule"><pre></pre><form method="dialog"><button>close</button></form></dialog>
</section>"""


# --- the data the script reads ----------------------------------------------------------------

def _write_data(result: Any, out: TextIO, explain: Explain | None) -> None:
    """{"columns": [...], "explain": [text, ...], "rows": [[...], ...]}: each row's `explain`
    is an index into the list of distinct rule texts, so a text is carried once, not per row."""
    texts: dict[str, int] = {}
    cache: dict[tuple[str, str | None], int] = {}
    out.write(_json({"columns": COLUMNS})[:-1] + ",\"rows\":[")
    for i, finding in enumerate(result.findings):
        key = (finding.error_id, finding.rule)
        if key not in cache:
            text = (explain(finding) if explain else None) or ""
            cache[key] = texts.setdefault(text, len(texts))
        out.write(("," if i else "") + _json([*_row(finding, result), cache[key]]))
    out.write("],\"explain\":" + _json(list(texts)) + "}")


def _row(finding: Finding, result: Any) -> list[Any]:
    """A finding as the page's row (COLUMNS order, less the explain index)."""
    return [str(finding.level), finding.error_id, finding.message, _school(finding),
            finding.record or "", _keys(finding), _where(finding, result.source), finding.line,
            finding.field or "", finding.value or "", result.status_of(finding) or ""]


def _keys(finding: Finding) -> str:
    return ", ".join(f"{k}={v}" for k, v in finding.keys.items() if k != "school_number")


def _where(finding: Finding, default: str | None) -> str:
    source = finding.source or default or ""
    return f"{source}:{finding.line}" if finding.line is not None else source


def _json(value: Any) -> str:
    """JSON that cannot close the script element it sits in."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _asset(name: str) -> str:
    return resources.files("utrex_sdk").joinpath("assets", name).read_text(encoding="utf-8")


class _Utf8:
    """A text view of a binary handle that encodes each piece as it is written."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, text: str) -> int:
        self._handle.write(text.encode("utf-8"))
        return len(text)

