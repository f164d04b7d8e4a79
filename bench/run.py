"""The benchmark harness: how fast the SDK is on districts of 10k to 1M records, against what a
user would write instead.

    python bench/run.py                          # 10k, 100k and 1M records
    python bench/run.py --sizes 10000 --quick    # one size, one timing run
    python bench/run.py --write-docs             # also rewrite the table in docs/performance.md
    python bench/run.py --sizes 100000 --profile parse   # cProfile one step, top functions

Per size it generates a synthetic district (``utrex_sdk.synth``) in a temporary folder, then runs
every step of ``bench/steps.py`` on that same file in this one process: the best of ``--repeat``
timed runs gives records per second. The runs go in rounds, every step once a round, so that a
slow spell of a shared machine falls on every step alike and the ratios between steps hold. A
separate run under ``tracemalloc`` gives the peak of Python allocations (tracemalloc slows
allocation down, so it is never the timed run); the kernel's high-water mark of the process's
resident set (VmHWM, reset before each timed run, Linux only) gives its peak RSS during the
step. ``ru_maxrss`` (the process's high-water mark, never reset) is printed at the end. Steps
whose code is not in this checkout yet are skipped with a message.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import ctypes
import gc
import os
import platform
import pstats
import re
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import steps  # bench/ is not a package: this file is run as a script

from utrex_sdk.atomic import atomic_write
from utrex_sdk.fixedwidth.writer import write_file
from utrex_sdk.sif import halves
from utrex_sdk.synth import district_records, students_for
from utrex_sdk.synth_export import write_export
from utrex_sdk.validation import parallel

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
MB = 1024 * 1024
DEFAULT_STEPS = list(steps.STEPS)


@dataclass
class Result:
    size: int  # records in the district file
    step: str
    seconds: float | None  # None: skipped
    traced_peak: int | None = None  # bytes, tracemalloc
    rss_peak: int | None = None  # bytes, sampled
    rss_start: int | None = None  # bytes, when the step started
    worker_rss: int | None = None  # bytes, the validator's second process (VmHWM), if any
    child_rss: int | None = None  # bytes, the SIF reader's second process (VmHWM), if any
    note: str = ""
    cpu: float | None = None  # user + system seconds of the best run, its worker's included
    last: tuple[float, float] | None = None  # seconds and CPU seconds of the latest run

    @property
    def per_second(self) -> float | None:
        return self.size / self.seconds if self.seconds else None


class RssPeak:
    """The peak resident set size while a block runs: Linux's VmHWM, reset when it starts.

    Writing 5 to /proc/self/clear_refs resets the high-water mark to the current RSS (Linux 4.0
    and later); reading VmHWM afterwards gives the block's peak, measured by the kernel, at no
    cost to the block (a sampling thread would take the GIL from it). Elsewhere: None.
    """

    def __init__(self) -> None:
        self.start: int | None = None
        self.peak: int | None = None

    @staticmethod
    def _status(key: str) -> int | None:
        try:
            text = Path("/proc/self/status").read_text()
        except OSError:
            return None
        found = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
        return int(found.group(1)) * 1024 if found else None

    def __enter__(self) -> RssPeak:
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            return self
        self.start = self._status("VmRSS")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.start is not None:
            self.peak = self._status("VmHWM")


def machine() -> dict[str, str]:
    model = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    versions = []
    for name in ("pydantic", "pandas"):
        try:
            module = __import__(name)
            versions.append(f"{name} {module.__version__}")
        except ImportError:
            pass
    return {
        "CPU": f"{model}, {os.cpu_count()} logical CPUs",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "OS": platform.platform(),
        "Libraries": ", ".join(versions),
    }


def make_district(size: int, seed: int, folder: Path, export: bool = False
                  ) -> tuple[Path, int, float]:
    """Write a district of about ``size`` records — and, with ``export``, its CSV export and
    mapping for the convert step; return its path, record count and seconds."""
    students = students_for(size, seed)
    path = folder / f"district-{size}.txt"
    start = time.perf_counter()
    report = write_file(district_records(students, seed), path)
    if export:
        write_export(steps.export_folder(path), students, seed)
    seconds = time.perf_counter() - start
    if report.findings:
        raise SystemExit(f"bench: the synthetic district has findings: {report.findings[:3]}")
    return path, sum(report.written.values()), seconds


def release_memory() -> None:
    """Collect garbage and hand freed heap back to the OS, so a step starts from a low RSS."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # glibc only; elsewhere RSS stays higher
        ctypes.CDLL(None).malloc_trim(0)


def measure(step: str, path: Path, work: Path, size: int, best: Result | None = None
            ) -> Result:
    """One timed run of ``step``, kept in ``best`` (made on the first run) when it is the
    fastest so far; the peaks are the highest of all runs."""
    func = steps.STEPS[step]
    best = best or Result(size, step, float("inf"))
    release_memory()
    parallel.last_worker_peak = None
    halves.last_child_peak = None
    with RssPeak() as memory:
        start, times = time.perf_counter(), os.times()
        count = func(path, work)
        seconds, spent = time.perf_counter() - start, _cpu_since(times)
    if count != size:
        raise SystemExit(f"bench: {step} handled {count} records, the file has {size}")
    best.last = seconds, spent
    if seconds < best.seconds:
        best.seconds, best.cpu = seconds, spent
    best.rss_peak = max(best.rss_peak or 0, memory.peak or 0) or None
    best.rss_start = best.rss_start or memory.start
    if parallel.last_worker_peak is not None:
        best.worker_rss = max(best.worker_rss or 0, parallel.last_worker_peak)
    if halves.last_child_peak is not None:
        best.child_rss = max(best.child_rss or 0, halves.last_child_peak)
    return best


def traced_peak(step: str, path: Path, work: Path) -> int:
    """The peak of Python's allocations during one more run of ``step``, under tracemalloc
    (which slows allocation: never a timed run)."""
    release_memory()
    tracemalloc.start()
    steps.STEPS[step](path, work)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _cpu_since(times: os.times_result) -> float:
    """User + system seconds since ``times``, this process's and its waited-for children's
    (the validator's second-pass worker): on a shared machine, the figure to compare."""
    now = os.times()
    return sum(now[i] - times[i] for i in range(4))


def derive_serialize(results: list[Result], step: str = "parse+serialize",
                     name: str = "serialize") -> Result:
    by = {r.step: r for r in results}
    both, parse = by[step], by["parse"]
    cpu = both.cpu - parse.cpu if both.cpu is not None and parse.cpu is not None else None
    return Result(both.size, name, both.seconds - parse.seconds, both.traced_peak,
                  both.rss_peak, both.rss_start, note=f"{step} minus parse", cpu=cpu)


def run_size(size: int, args: argparse.Namespace, folder: Path) -> list[Result]:
    path, records, gen_seconds = make_district(
        size, args.seed, folder, export=any(s.startswith("convert") for s in args.steps))
    print(f"\n== {records:,} records ({path.stat().st_size / MB:.1f} MB), "
          f"generated in {gen_seconds:.1f} s", flush=True)
    results: list[Result] = []
    runnable = []
    for step in args.steps:
        why = steps.missing(step)
        if why:
            print(f"   {step}: skipped — {why}", flush=True)
            results.append(Result(records, step, None, note=why))
        else:
            steps.warm_up(step)
            runnable.append(step)
    best: dict[str, Result] = {}
    rounds = args.repeats[size]
    for n in range(rounds):  # every step once a round: a slow spell falls on all alike
        for step in runnable:
            got = best[step] = measure(step, path, folder, records, best.get(step))
            seconds, spent = got.last or (got.seconds, got.cpu)
            print(f"   {step}: {seconds:.2f} s (CPU {spent:.2f} s)"
                  f"{f'; best of {n + 1}: {got.seconds:.2f} s' if rounds > 1 else ''}",
                  flush=True)
    for step in runnable:
        if args.tracemalloc:
            best[step].traced_peak = traced_peak(step, path, folder)
        results.append(best[step])
    done = {r.step for r in results if r.seconds is not None}
    if {"parse", "parse+serialize"} <= done:
        results.append(derive_serialize(results))
    if {"parse", "parse+sif"} <= done:
        results.append(derive_serialize(results, "parse+sif", "sif-write"))
    for r in results:
        if r.note.endswith("minus parse") and r.cpu is not None:
            print(f"   {r.step}: {r.seconds:.2f} s (CPU {r.cpu:.2f} s)", flush=True)
    if not args.keep:
        path.unlink()
        shutil.rmtree(steps.export_folder(path), ignore_errors=True)
        steps.sif_path(folder).unlink(missing_ok=True)
    return results


def _fmt_ratio(value: float | None, suffix: str) -> str:
    return "" if value is None else f"{value:.2f}{suffix}"


def table(results: list[Result]) -> str:
    """A Markdown table: one row per size and step, with the ratios to the baselines."""
    head = ("| records | step | seconds | records/s | µs/record | step ÷ slice loop | "
            "pandas ÷ step | tracemalloc peak MB | RSS peak (at start) MB |")
    rows = [head, "|" + "---|" * 9]
    by = {(r.size, r.step): r for r in results}
    order = ["slice", "pandas", "parse", "serialize", "validate", "convert", "convert+transforms",
             "sif-write", "sif-read", "sif-validate"]
    for size in sorted({r.size for r in results}):
        base, pandas = by.get((size, "slice")), by.get((size, "pandas"))
        for step in order:
            r = by.get((size, step))
            if r is None:
                continue
            if r.seconds is None:
                rows.append(f"| {size:,} | {step} | — | | | | | | {r.note} |")
                continue
            vs_slice = r.seconds / base.seconds if base and base.seconds else None
            vs_pandas = (pandas.seconds / r.seconds
                         if pandas and pandas.seconds and step != "pandas" else None)
            rss = (f"{r.rss_peak / MB:.0f} ({r.rss_start / MB:.0f})"
                   if r.rss_peak and r.rss_start else "")
            if r.worker_rss:
                rss += f" + worker {r.worker_rss / MB:.0f}"
            if r.child_rss:
                rss += f" + reader child {r.child_rss / MB:.0f}"
            rows.append(
                f"| {size:,} | {step} | {r.seconds:.2f} | {r.per_second:,.0f} | "
                f"{1e6 / r.per_second:.1f} | {_fmt_ratio(vs_slice, '×')} | "
                f"{_fmt_ratio(vs_pandas, '×')} | "
                f"{_fmt_ratio(r.traced_peak and r.traced_peak / MB, '')} | {rss} |")
    return "\n".join(rows)


def targets(results: list[Result]) -> list[str]:
    """The issue's targets: per size, parse ≥2× faster than pandas and within 5× of the loop;
    at 1M records, convert + validate under 60 s and 1 GB."""
    lines = []
    by = {(r.size, r.step): r for r in results}
    for size in sorted({r.size for r in results}):
        parse, base, pandas = (by.get((size, s)) for s in ("parse", "slice", "pandas"))
        if not (parse and parse.seconds):
            continue
        if pandas and pandas.seconds:
            x = pandas.seconds / parse.seconds
            lines.append(f"{size:,} records: parse is {x:.2f}× as fast as pandas.read_fwf "
                         f"(target ≥ 2×): {'met' if x >= 2 else 'NOT met'}")
        if base and base.seconds:
            x = parse.seconds / base.seconds
            lines.append(f"{size:,} records: parse takes {x:.2f}× the bare slicing loop "
                         f"(target ≤ 5×): {'met' if x <= 5 else 'NOT met'}")
        lines += sif_targets(size, by)
        conv = by.get((size, "convert"))
        if conv and conv.seconds and size >= 900_000:  # the target is the 1M-record district
            # both processes' peaks added: an upper bound (pages they share count twice)
            rss = (conv.rss_peak + (conv.worker_rss or 0)) / MB if conv.rss_peak else None
            met = conv.seconds < 60 and (rss is None or rss < 1024)
            lines.append(f"{size:,} records: convert + validate takes {conv.seconds:.1f} s "
                         f"(target < 60 s) with a peak RSS of "
                         f"{'unknown' if rss is None else f'{rss:.0f} MB'} (both processes "
                         f"of the validator added; target < 1 GB): "
                         f"{'met' if met else 'NOT met'}")
    return lines


def sif_targets(size: int, by: dict[tuple[int, str], Result]) -> list[str]:
    """Issue 14's targets: writing SIF ≤ 4× serialize, reading it ≥ 50,000 records/s, its
    validation ≤ 1.5× the fixed-width file's, peak RSS < 1 GB."""
    lines = []
    write, serialize, read = (by.get((size, s)) for s in ("sif-write", "serialize", "sif-read"))
    check, validate = by.get((size, "sif-validate")), by.get((size, "validate"))
    if write and serialize and write.seconds and serialize.seconds:
        x = write.seconds / serialize.seconds
        lines.append(f"{size:,} records: writing SIF takes {x:.2f}× the fixed-width serialize "
                     f"{_cpu_ratio(write, serialize)}(target ≤ 4×): "
                     f"{'met' if x <= 4 else 'NOT met'}")
    if read and read.seconds:
        rate = read.per_second or 0
        by_cpu = f"{read.size / read.cpu:,.0f} by CPU time; " if read.cpu else ""
        lines.append(f"{size:,} records: reading SIF back runs at {rate:,.0f} records/s "
                     f"({by_cpu}target ≥ 50,000): {'met' if rate >= 50_000 else 'NOT met'}")
    if check and validate and check.seconds and validate.seconds:
        x = check.seconds / validate.seconds
        lines.append(f"{size:,} records: validating the SIF file takes {x:.2f}× the "
                     f"fixed-width file's {_cpu_ratio(check, validate)}(target ≤ 1.5×): "
                     f"{'met' if x <= 1.5 else 'NOT met'}")
    for r in (by.get((size, "parse+sif")), read):
        if r and r.rss_peak:
            mb = r.rss_peak / MB
            child = r.child_rss / MB if r.child_rss else None
            lines.append(f"{size:,} records: {r.step} peak RSS {mb:.0f} MB"
                         f"{f' (its reader child {child:.0f} MB)' if child else ''} (target < 1 GB"
                         f" each): {'met' if mb < 1024 and (child or 0) < 1024 else 'NOT met'}")
    return lines


def _cpu_ratio(step: Result, base: Result) -> str:
    """The same ratio by CPU time (user + system, a worker's included), when both have it:
    on a shared machine the wall times say more about the load than about the code."""
    if step.cpu and base.cpu:
        return f"({step.cpu / base.cpu:.2f}× by CPU time) "
    return ""


def growth(results: list[Result]) -> list[str]:
    """Cost per record at the largest size over the smallest, per step (1.0 = linear)."""
    sizes = sorted({r.size for r in results})
    if len(sizes) < 2:
        return []
    by = {(r.size, r.step): r for r in results}
    out = []
    for step in ("slice", "pandas", "parse", "serialize", "validate", "convert"):
        small, large = by.get((sizes[0], step)), by.get((sizes[-1], step))
        if small and large and small.seconds and large.seconds:
            ratio = (large.seconds / large.size) / (small.seconds / small.size)
            out.append(f"{step}: µs/record at {sizes[-1]:,} is {ratio:.2f}× that at "
                       f"{sizes[0]:,}")
    return out


def report(results: list[Result], args: argparse.Namespace) -> str:
    info = machine()
    command = " ".join(["python bench/run.py", f"--sizes {args.sizes}",
                        *(["--quick"] if args.quick else []),
                        *([f"--repeat {args.repeat}"] if args.repeat else []),
                        *([f"--seed {args.seed}"] if args.seed else []),
                        *([] if args.tracemalloc else ["--no-tracemalloc"]),
                        *([f"--steps {','.join(args.steps)}"] if args.steps != DEFAULT_STEPS
                          else [])])
    parts = [
        f"Measured with `{command}` on {time.strftime('%Y-%m-%d')}.",
        "",
        *(f"- {k}: {v}" for k, v in info.items()),
        f"- seed {args.seed}; timed runs per step, in rounds of every step once (the best "
        "is shown): "
        + ", ".join(f"{n} at {size:,}" for size, n in args.repeats.items())
        + f"; process ru_maxrss at the end: {ru_maxrss() / MB:.0f} MB",
        "",
        table(results),
        "",
        "Targets (issues 6 and 14):",
        "",
        *(f"- {line}" for line in targets(results)),
    ]
    if grown := growth(results):
        parts += ["", "Growth from the smallest to the largest size (1.00 = linear):", "",
                  *(f"- {line}" for line in grown)]
    return "\n".join(parts)


def ru_maxrss() -> int:
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def write_docs(text: str, path: Path) -> None:
    """Replace the generated section of ``path`` (between the bench markers), keep the rest."""
    block = f"{BEGIN}\n{text}\n{END}"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if BEGIN in old and END in old:
            new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
        else:
            new = old.rstrip("\n") + "\n\n" + block + "\n"
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        new = f"# Performance\n\n{block}\n"
    with atomic_write(path) as handle:  # an interrupted run keeps the previous docs
        handle.write(new.encode("utf-8"))


def profile(step: str, size: int, args: argparse.Namespace, folder: Path) -> None:
    path, records, _ = make_district(size, args.seed, folder,
                                     export=step.startswith("convert"))
    if step in ("sif-read", "sif-validate"):  # they read the document parse+sif writes
        steps.parse_and_write_sif(path, folder)
    profiler = cProfile.Profile()
    profiler.enable()
    steps.STEPS[step](path, folder)
    profiler.disable()
    print(f"\n== cProfile of {step} on {records:,} records")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="district sizes in UTREx records, comma-separated")
    parser.add_argument("--quick", action="store_true",
                        help="one timed run per step (default: the best of 10 below 50k "
                             "records, of 3 below 500k, 1 run above)")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per step")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-tracemalloc", dest="tracemalloc", action="store_false",
                        help="skip the tracemalloc runs (they take 2-3 times the timed run)")
    parser.add_argument("--steps", default=",".join(DEFAULT_STEPS),
                        help="steps to run, comma-separated")
    parser.add_argument("--keep", type=Path, default=None,
                        help="generate the districts in this folder and keep them")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the results into docs/performance.md")
    parser.add_argument("--docs", type=Path, default=DOCS, help=argparse.SUPPRESS)
    parser.add_argument("--profile", choices=sorted(steps.STEPS), default=None,
                        help="cProfile this step on the first size instead of benchmarking")
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    args.steps = [s for s in args.steps.split(",") if s]
    unknown = set(args.steps) - set(steps.STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    if "parse+serialize" in args.steps and "parse" not in args.steps:
        args.steps.insert(0, "parse")
    folder_context = tempfile.TemporaryDirectory(prefix="utrex-bench-")
    folder = args.keep or Path(folder_context.name)
    folder.mkdir(parents=True, exist_ok=True)
    with folder_context:
        if args.profile:
            profile(args.profile, sizes[0], args, folder)
            return 0
        results: list[Result] = []
        args.repeats = {}
        for size in sizes:
            args.repeats[size] = args.repeat or (
                1 if args.quick or size >= 500_000 else 3 if size >= 50_000 else 10)
            results += run_size(size, args, folder)
        text = report(results, args)
    print()
    print(text)
    if args.write_docs:
        write_docs(text, args.docs)
        print(f"\nwrote {args.docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
