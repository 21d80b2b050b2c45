"""validation.md, validation.csv and one figure per case.

The markdown opens with the verdict and one table of every check (case, source,
expected, measured with its 95% Monte Carlo interval, tolerance, result), then a short
section per case: full reference, parameters, informative rows and its figure.
"""
from __future__ import annotations

import csv
import math
import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..results import write_atomic  # noqa: E402
from .common import CaseResult  # noqa: E402

COLUMNS = ["case", "case_title", "compared", "source", "expected", "measured", "ci95_low", "ci95_high",
           "tolerance", "result", "parameters"]


def number(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if float(x).is_integer() and abs(x) < 1e6:
        return f"{int(x)}"
    return f"{x:.4g}"


def figure_name(case: CaseResult) -> str:
    slug = "".join(ch if ch.isalnum() else "_" for ch in case.title.lower()).strip("_")
    while "__" in slug:
        slug = slug.replace("__", "_")
    return f"case{case.number}_{slug[:40].rstrip('_')}.png"


def cell(text) -> str:
    """Markdown table cell: '|' would end the cell."""
    return str(text).replace("|", "\\|")


def summary_line(cases: list[CaseResult], seconds: float) -> str:
    counts = {s: sum(c.status == s for c in cases) for s in ("PASS", "FAIL", "SKIP")}
    line = (f"{counts['PASS']} of {len(cases)} cases passed, {counts['FAIL']} failed, {counts['SKIP']} skipped "
            f"in {seconds:.0f} s")
    if counts["SKIP"]:
        line += " (a skipped case is not a pass: " + ", ".join(
            f"case {c.number}: {c.skipped}" for c in cases if c.status == "SKIP") + ")"
    return line


def write(cases: list[CaseResult], out: Path, seconds: float, command: str, fast: bool) -> Path:
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    written = []
    for case in cases:
        if case.figure is not None:
            path = out / "figures" / figure_name(case)
            written.append(write_atomic(path, lambda tmp, fig=case.figure: fig.savefig(tmp, format="png", dpi=100)))
            plt.close(case.figure)
    written.append(_write_csv(cases, out / "validation.csv"))
    text = _markdown(cases, seconds, command, fast)
    written.append(write_atomic(out / "validation.md", lambda tmp: Path(tmp).write_text(text)))
    for path in written:              # readable by everyone: these files are meant to be committed
        os.chmod(path, 0o644)
    return written[-1]


def _write_csv(cases, path):
    def write_rows(tmp):
        with open(tmp, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for case in cases:
                if case.skipped:
                    w.writerow([case.number, case.title, "", case.source, "", "", "", "", "", "SKIP", case.skipped])
                for r in case.rows:
                    w.writerow([case.number, case.title, r.name, r.source, r.expected, r.measured, r.low, r.high,
                                r.tolerance, r.status, r.parameters])
    return write_atomic(path, write_rows)


def _markdown(cases, seconds, command, fast):
    lines = ["# Validation against published results", "",
             f"`{command}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC ({platform.machine()}, "
             f"{'fast subset' if fast else 'full suite'}): **{summary_line(cases, seconds)}**.", "",
             "Each check compares a measured number with a published or analytical value; the interval is the "
             "95% Monte Carlo interval of the measured number and the tolerance is the pass criterion (in "
             "standard errors, SE, plus any stated discretisation slack). Informative rows (configurations "
             "whose share is the actual check) are listed under their case and in `validation.csv`.", "",
             "| case | compared | source | expected | measured [95% interval] | tolerance | result |",
             "|---|---|---|---|---|---|---|"]
    for case in cases:
        if case.skipped:
            lines.append(f"| {case.number} | {cell(case.title)} | {cell(case.short)} | - | - | - | "
                         f"SKIP ({cell(case.skipped)}) |")
        for r in case.checks:
            lines.append(f"| {case.number} | {cell(r.name)} | {cell(case.short)} | {number(r.expected)} | "
                         f"{number(r.measured)} [{number(r.low)}, {number(r.high)}] | {cell(r.tolerance)} | "
                         f"**{r.status}** |")
    for case in cases:
        lines += ["", f"## Case {case.number}: {case.title} ({case.status})", "", f"Source: {case.source}.", ""]
        if case.skipped:
            lines += [f"Skipped: {case.skipped}. Not validated in this run.", ""]
            continue
        lines += [case.notes, "", f"{len(case.checks)} checks, {sum(bool(r.passed) for r in case.checks)} passed; "
                  f"{case.seconds:.1f} s.", ""]
        info = [r for r in case.rows if r.passed is None]
        if info:
            lines += ["| informative | measured [95% interval] | note | parameters |", "|---|---|---|---|"]
            lines += [f"| {cell(r.name)} | {number(r.measured)} [{number(r.low)}, {number(r.high)}] | "
                      f"{cell(r.tolerance)} | {cell(r.parameters)} |" for r in info]
            lines.append("")
        params = sorted({r.parameters for r in case.checks if r.parameters})
        if params:
            lines += ["Parameters of the checks: " + "; ".join(params) + ".", ""]
        if case.figure is not None:
            lines += [f"![case {case.number}](figures/{figure_name(case)})", ""]
    return "\n".join(lines) + "\n"
