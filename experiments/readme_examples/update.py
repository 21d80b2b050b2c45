"""The README's quoted examples, regenerated from real runs of the current code (issue 16).

A quoted example sits between `<!-- example: NAME -->` and `<!-- /example -->` in
README.md; NAME is one of EXAMPLES below: the command that makes it and how its output
becomes the quoted block. Paths under the repository are written relative to it, and only
what the same seed reproduces exactly is quoted (headlines, rankings, tables; no timings).

    .venv/bin/python experiments/readme_examples/update.py            # rewrite README.md (make readme-examples)
    .venv/bin/python experiments/readme_examples/update.py --check    # exit 1 if a quote differs from a rerun

The test tests/test_readme_examples.py runs the check.
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
MARK = re.compile(r"(<!-- example: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /example -->)", re.S)


@dataclass
class Example:
    argv: tuple[str, ...]                    # after `python`, without hydra.run.dir
    folder: str                              # the run folder, relative to the repository
    render: Callable[[str, Path], str]       # (what the command printed, its folder) -> the quoted block
    multirun: bool = False                   # a sweep (-m): the folder is hydra.sweep.dir


def fenced(lines: list[str]) -> str:
    return "```\n" + "\n".join(lines) + "\n```\n"


def printed_lines(text: str) -> list[str]:
    """What the command printed for the reader (stdout): the lines that are not the log's."""
    return [line for line in text.splitlines() if line and not line.startswith("[")]


def ranking(text: str) -> list[str]:
    """The comparison's ranking block of the log (the lines after 'scenarios by useful reach:')."""
    lines = text.splitlines()
    start = next(k for k, line in enumerate(lines) if line.endswith("scenarios by useful reach:"))
    out = []
    for line in lines[start + 1:]:
        if line.startswith("["):
            break
        out.append(line)
    return out


def comparison_table(folder: Path) -> str:
    """Spent and four KPIs with their 95% intervals, one row per plan, best useful reach first."""
    table = pd.read_csv(folder / "comparison.csv").sort_values("rank_useful_reach")
    kpis = [("useful_reach", "useful reach (people)", 0), ("useful_adoptions", "useful adoptions (people)", 0),
            ("cost_per_adoption", "cost per adoption (EUR)", 2), ("cost_per_engagement", "cost per engagement (EUR)", 2),
            ("useful_reach_per_euro", "useful reach per euro", 2)]

    def cell(row, key, digits):
        mean, low, high = row[f"{key}_mean"], row[f"{key}_ci95_low"], row[f"{key}_ci95_high"]
        if pd.isna(mean):
            return "n/a"
        return f"{mean:,.{digits}f} [{low:,.{digits}f}, {high:,.{digits}f}]"
    lines = ["| plan | spent (EUR) | " + " | ".join(label for _, label, _ in kpis) + " |",
             "|---" * (len(kpis) + 2) + "|"]
    for _, row in table.iterrows():
        lines.append(f"| {row['scenario']} | {row['spent_mean']:,.0f} | "
                     + " | ".join(cell(row, key, digits) for key, _, digits in kpis) + " |")
    return "\n".join(lines) + "\n"


def report_headline(folder: Path) -> str:
    """The report's headline (report.html), quoted as a block."""
    page = (folder / "report.html").read_text()
    return "> " + html.unescape(re.search(r"id='headline'>(.*?)</p>", page, re.S).group(1)) + "\n"


TARGETED_VS_MASS = ("-m", "sim.run", "experiment=targeted_vs_mass")
BUDGET_SWEEP = ("-m", "sim.run", "-m", "population=small", "run.replicates=3", "run.hours=48",
                "campaign=mass,targeted", "campaign.budget=10000,30000", "run.seed=0,1")
SCORE = ("-m", "sim.score", "accounts=experiments/example_market/accounts.csv", "network=followers",
         "network.path=experiments/example_market/follows.csv.gz")
EXAMPLES = {
    "score_example_market": Example(SCORE, "outputs/readme_score", lambda text, folder: fenced(printed_lines(text))),
    "make_run": Example(("-m", "sim.run"), "outputs/readme_run", lambda text, folder: fenced(printed_lines(text))),
    "targeted_vs_mass_ranking": Example(TARGETED_VS_MASS, "outputs/readme_targeted_vs_mass",
                                        lambda text, folder: fenced(ranking(text))),
    "targeted_vs_mass_table": Example(TARGETED_VS_MASS, "outputs/readme_targeted_vs_mass",
                                      lambda text, folder: comparison_table(folder)),
    "targeted_vs_mass_headline": Example(TARGETED_VS_MASS, "outputs/readme_targeted_vs_mass",
                                         lambda text, folder: report_headline(folder)),
    "budget_sweep_headline": Example(BUDGET_SWEEP, "outputs/readme_budget_sweep",
                                     lambda text, folder: report_headline(folder), multirun=True),
}


def run(example: Example, cache: dict) -> str:
    """The command's output (stdout then stderr), each distinct command run once."""
    key = (example.argv, example.folder)
    if key not in cache:
        folder = ROOT / example.folder
        shutil.rmtree(folder, ignore_errors=True)
        where = f"hydra.{'sweep' if example.multirun else 'run'}.dir={example.folder}"
        done = subprocess.run([sys.executable, *example.argv, where], cwd=ROOT,
                              capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(example.argv)} failed:\n{done.stderr[-3000:]}")
        cache[key] = (done.stdout + done.stderr).replace(f"{ROOT}/", "")
    return cache[key]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare, do not rewrite; exit 1 on a difference")
    ap.add_argument("--readme", action="append", help="the README (repeat: several files, each command run once; "
                    "default README.md)")
    ap.add_argument("names", nargs="*", help="examples to do (default: every one the README marks)")
    args = ap.parse_args(argv)
    cache, stale = {}, []
    for readme in map(Path, args.readme or [ROOT / "README.md"]):
        stale += [(readme, name) for name in update(readme, args.names, args.check, cache)]
    for readme, name in stale if args.check else []:
        print(f"{readme}: README example '{name}' differs from what the code prints now "
              "(make readme-examples rewrites it)")
    return 1 if args.check and stale else 0


def update(readme: Path, names: list[str], check: bool, cache: dict) -> list[str]:
    """Rerun the examples `names` (default: every one marked) of `readme` and rewrite their
    quotes (with `check`: leave the file); the names whose quote differed."""
    text = readme.read_text()
    marked = [m.group("name") for m in MARK.finditer(text)]
    unknown = sorted(set(marked) - set(EXAMPLES))
    if unknown:
        raise SystemExit(f"{readme}: unknown examples {', '.join(unknown)} (known: {', '.join(EXAMPLES)})")
    names, stale = names or marked, []

    def replace(m):
        name = m.group("name")
        if name not in names:
            return m.group(0)
        example = EXAMPLES[name]
        body = example.render(run(example, cache), ROOT / example.folder)
        if body != m.group("body"):
            stale.append(name)
        return m.group(1) + body + m.group(4)
    new = MARK.sub(replace, text)
    if not check:
        readme.write_text(new)
        print(f"{readme}: {len(names)} examples regenerated, {len(stale)} changed ({', '.join(stale) or 'none'})")
    return stale


if __name__ == "__main__":
    sys.exit(main())
