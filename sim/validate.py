"""Validation suite: `python -m sim.validate [--fast] [--out DIR] [--data DIR] [--cases 1,3]`.

Runs each case of `sim.validation` (published or analytical results the model must
reproduce), prints one line per case and a summary, and writes validation.md,
validation.csv and figures/ to --out. Exit code 0 if no case failed, 1 otherwise
(skipped cases, e.g. without SNAP's networks, are reported as not validated).
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "experiments" / "validation"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "networks"


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m sim.validate", description=__doc__.splitlines()[0])
    ap.add_argument("--fast", action="store_true", help="smaller populations and fewer replicates (test subset)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help=f"folder with SNAP's Wiki-Vote.txt and facebook_combined.txt (default {DEFAULT_DATA})")
    ap.add_argument("--cases", default=None, help="comma-separated case numbers (default: all)")
    return ap.parse_args(argv)


def market_config():
    """The default market as `python -m sim.run` composes it (configs/): cases 8-11 run on it."""
    from .command_line import composed
    return composed()


def run_cases(numbers, settings, log=print):
    """Run the cases; a case that raises is reported as failed, with its traceback."""
    from .validation import CASES, CaseResult
    if settings.market is None:
        settings.market = market_config()
    results = []
    for k, number in enumerate(numbers, start=1):
        start = time.perf_counter()
        try:
            case = CASES[number](settings)
        except Exception as exc:       # a crash is a failure of that case, not of the suite
            case = CaseResult(number, f"raised {type(exc).__name__}", "-")
            case.add("case ran", 1, 0, 0.0, "no exception", False, f"{type(exc).__name__}: {exc}")
            case.notes = "The case raised:\n\n```\n" + traceback.format_exc() + "```"
        case.seconds = time.perf_counter() - start
        checks = case.checks
        detail = case.skipped if case.skipped else f"{sum(bool(r.passed) for r in checks)}/{len(checks)} checks"
        log(f"[validate] case {number} ({k}/{len(numbers)}) {case.title}: {case.status} ({detail}) "
            f"in {case.seconds:.1f} s")
        results.append(case)
    return results


def main(argv=None, tamper=None) -> int:
    args = parse(argv)
    from .validation import CASES, Settings
    from .validation.report import summary_line, write
    numbers = sorted(CASES) if not args.cases else [int(x) for x in args.cases.split(",") if x.strip()]
    unknown = [n for n in numbers if n not in CASES]
    if unknown:
        print(f"sim.validate: error: no case {unknown[0]} (cases are {', '.join(map(str, CASES))})", file=sys.stderr)
        return 2
    start = time.perf_counter()
    settings = Settings(fast=args.fast, data=args.data, tamper=tamper)
    cases = run_cases(numbers, settings)
    seconds = time.perf_counter() - start
    command = "python -m sim.validate " + " ".join(argv if argv is not None else sys.argv[1:])
    report = write(cases, args.out, seconds, command.strip(), args.fast)
    print(f"[validate] {summary_line(cases, seconds)}; report: {report}")
    return 1 if any(c.status == "FAIL" for c in cases) else 0


if __name__ == "__main__":
    sys.exit(main())
