"""Fuzz the command line with the catalogue of bad inputs (tests/bad_inputs.py).

    python experiments/fuzz/fuzz.py [--tree DIR] [--timeout 60] [--workers 2]

Each case runs in a fresh process (memory capped at 8 GB, a timeout), from the source
tree DIR (default: this one; another checkout gives the "before" counts), and is
classed by what the user saw: `one line` (exit 2, one `influsim: error:` line, no
traceback: the goal), `traceback`, `hang` (timeout), `silent` (exit 0: the bad input
ran), `other` (any other exit or a multi-line message). Prints the counts per class of
input and per outcome, then every case that did not end in one line.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
import bad_inputs  # noqa: E402

MODULES = {"run": "sim.run", "score": "sim.score", "report": "sim.report", "collect": "sim.collect",
           "calibrate": "sim.calibrate", "forecast": "sim.forecast", "optimize": "sim.optimize", "explore": "sim.explore"}


def limit_memory():
    cap = 8 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def outcome(code, stdout, stderr, timed_out) -> str:
    if timed_out:
        return "hang"
    if "Traceback" in stdout + stderr:
        return "traceback"
    if code == 0:
        return "silent"
    lines = stderr.strip().splitlines()
    if code == 2 and len(lines) == 1 and lines[0].startswith("influsim: error:"):
        return "one line"
    return "other"


def run_case(k, case, tree: Path, folder: Path, timeout: float):
    cls, entry, args, expect = case
    out = folder / f"out{k}"
    argv = bad_inputs.argv_of(case, folder, out)
    env = {**os.environ, "PYTHONPATH": str(tree), "HYDRA_FULL_ERROR": "0"}
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", MODULES[entry], *argv], cwd=tree, env=env, capture_output=True,
                              text=True, timeout=timeout, preexec_fn=limit_memory)
        result = outcome(proc.returncode, proc.stdout, proc.stderr, False)
        detail = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1][:140]
        if result == "one line" and expect not in proc.stderr:
            result, detail = "other", f"does not name {expect!r}: {detail}"
    except subprocess.TimeoutExpired:
        result, detail = "hang", f"no answer in {timeout:.0f} s"
    return cls, entry, " ".join(args), result, detail, time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", type=Path, default=ROOT)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="influsim-fuzz-") as tmp:
        folder = bad_inputs.make_files(Path(tmp))
        with ThreadPoolExecutor(args.workers) as pool:
            rows = list(pool.map(lambda kc: run_case(kc[0], kc[1], args.tree.resolve(), folder, args.timeout),
                                 enumerate(bad_inputs.CASES)))
    table = defaultdict(Counter)
    for cls, _, _, result, _, _ in rows:
        table[cls][result] += 1
    outcomes = ["one line", "traceback", "hang", "silent", "other"]
    print(f"fuzz of {args.tree}: {len(rows)} bad inputs")
    print("| class | " + " | ".join(outcomes) + " |")
    print("|---|" + "---|" * len(outcomes))
    for cls in sorted(table):
        print(f"| {cls} | " + " | ".join(str(table[cls][o]) for o in outcomes) + " |")
    total = Counter(r[3] for r in rows)
    print("| **all** | " + " | ".join(f"**{total[o]}**" for o in outcomes) + " |")
    print()
    for cls, entry, case, result, detail, seconds in rows:
        if result != "one line":
            print(f"- [{result}] {entry} {case}: {detail} ({seconds:.0f} s)")
    return 0 if total["one line"] == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
