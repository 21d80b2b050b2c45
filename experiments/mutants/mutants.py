"""Mutation check of the safety net: `make mutants` (or python experiments/mutants/mutants.py).

Each mutant is a plausible bug of the relay and adoption rules, planted the same way in
the kernel side (sim/rules.py, sim/kernels.py, sim/model.py) and in the plain-Python
reference (sim/reference.py), so the kernel-equals-reference test cannot see it. The
script copies sim/, tests/ and configs/ to a temporary folder, plants one mutant, runs
the safety-net tests there (with a fresh numba cache) and reports which tests fail:
a mutant is caught ("killed") when at least one does. It prints a table and the score,
and exits 1 if any mutant survives.

Options: --only NAME[,NAME] runs some mutants; --tests "pytest args" runs other tests
(default: the behavioural, kernel-equals-reference, estimator and special-case tests,
all fast); --list prints the mutants.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAFETY_NET = ["tests/test_behaviour.py", "tests/test_behaviour_market.py", "tests/test_kernel_reference.py",
              "tests/test_estimator.py", "tests/test_special_cases.py"]


@dataclass
class Mutant:
    name: str
    bug: str
    patches: list          # (file, old text, new text); old must occur exactly once


MUTANTS = [
    Mutant("trust-ignores-scepticism", "trust = credibility, whatever the reader's scepticism", [
        ("sim/rules.py", "return credibility * (1.0 - scepticism * tone)", "return credibility"),
        ("sim/reference.py", "trust = credibility * (1.0 - agent.scepticism * tone)", "trust = credibility")]),
    Mutant("no-wearout", "novelty does not wear out with earlier exposures", [
        ("sim/rules.py", "return novelty * math.exp(-decay * age) * wearout ** float(exposures)",
         "return novelty * math.exp(-decay * age)"),
        ("sim/reference.py", "return msg.novelty * decay * msg.wearout ** earlier", "return msg.novelty * decay")]),
    Mutant("first-message-relevance", "every message uses message 0's relevance", [
        ("sim/model.py", "np.stack([m.relevance(pop.interests) for m in self.messages])",
         "np.stack([self.messages[0].relevance(pop.interests) for m in self.messages])"),
        ("sim/reference.py", "a, b = list(self.messages[m].topics)", "a, b = list(self.messages[0].topics)")]),
    Mutant("no-social-reinforcement", "adoption ignores adoption_min_sources", [
        ("sim/kernels.py", "((h.hits & 2) and h.sources >= min_sources)", "(h.hits & 2)"),
        ("sim/reference.py", "(p.hits & 2 and st.sources[m, i] >= ref.d.adoption_min_sources)", "(p.hits & 2)")]),
    Mutant("window-one-hour-longer", "a post stays visible one hour longer than attention_window", [
        ("sim/rules.py", "attention_window=int(d.attention_window)", "attention_window=int(d.attention_window) + 1"),
        ("sim/reference.py", "ref.d.attention_window, ref.d.attention_limit", "ref.d.attention_window + 1, ref.d.attention_limit"),
        ("sim/reference.py", "ref.posts_by_hour.pop(s - ref.d.attention_window, None)",
         "ref.posts_by_hour.pop(s - ref.d.attention_window - 1, None)")]),
    Mutant("brand-takes-message-tone", "brand posts and ads sound as promotional as the message, not fully", [
        ("sim/rules.py", "return 1.0 if fully_promotional else promotional", "return promotional"),
        ("sim/reference.py", "tone = 1.0 if KINDS[source_kind].fully_promotional else msg.promotional",
         "tone = msg.promotional")]),
    Mutant("every-exposure-a-new-source", "every exposure counts as a new source", [
        ("sim/kernels.py", "if seen_edge[m, edge] == 0:", "if True:"),
        ("sim/kernels.py", "if h.seen_ad == 0:", "if True:"),
        ("sim/reference.py", "if not st.seen_edge[m, link]:", "if True:"),
        ("sim/reference.py", "if not st.seen_ad[m, i]:", "if True:")]),
    Mutant("ads-always-noticed", "every shown ad is noticed (ad_notice ignored)", [
        ("sim/kernels.py", "world.activity, world.consumers, rules.ad_notice", "world.activity, world.consumers, 1.0"),
        ("sim/reference.py", "< ref.d.ad_notice:\n                        expose", "< 1.0:\n                        expose"),
        ("sim/reference.py", "agent.index, attempt) < ref.d.ad_notice:", "agent.index, attempt) < 1.0:")]),
    Mutant("attention-limit-plus-one", "an agent reads one post more than attention_limit", [
        ("sim/kernels.py", "[starts[a]:starts[a + 1]])[limit - 1]", "[starts[a]:starts[a + 1]])[limit]"),
        ("sim/reference.py", "if 0 < limit < len(posts):", "if 0 < limit + 1 < len(posts):"),
        ("sim/reference.py", "posts[limit:]:", "posts[limit + 1:]:"),
        ("sim/reference.py", "posts = posts[:limit]", "posts = posts[:limit + 1]")]),
    Mutant("reader-credibility", "trust uses the reader's credibility instead of the source's", [
        ("sim/kernels.py", "cred = disclosed_credibility(credibility[j], hot[m, j].seeded",
         "cred = disclosed_credibility(credibility[i], hot[m, j].seeded"),
        ("sim/reference.py", "credibility = getattr(d.credibility, KINDS[source_kind].name)",
         "credibility = getattr(d.credibility, KINDS[agent.kind].name)")]),
    Mutant("novelty-age-off-by-one", "message age counted from one hour after launch", [
        ("sim/kernels.py", "age = float(s - launch[m])\n        for x", "age = float(s - launch[m] - 1)\n        for x"),
        ("sim/reference.py", "age = s - self.model.launch_hour_of(m)", "age = s - self.model.launch_hour_of(m) - 1")]),
    Mutant("talk-one-hour-longer", "relayers post one hour longer than talk_hours", [
        ("sim/kernels.py", "c.talk_until = s + talk - 1 if talk > 0", "c.talk_until = s + talk if talk > 0"),
        ("sim/reference.py", "st.talk_until[m, j] = s + talk - 1 if talk > 0", "st.talk_until[m, j] = s + talk if talk > 0")]),
    Mutant("relayers-never-adopt", "relayers_adopt ignored", [
        ("sim/kernels.py", "((h.hits & 1) and rules.relayers_adopt)", "False"),
        ("sim/reference.py", "(p.hits & 1 and ref.d.relayers_adopt)", "False")]),
    Mutant("interest-weight-ignored", "interest is not raised to weight_interest", [
        ("sim/kernels.py", "c.interest_w = weighted(rules.interest[m], rules.w_interest)",
         "c.interest_w = rules.interest[m]"),
        ("sim/influence.py", "interest_w = weighted(rules.interest[m], rules.w_interest)", "interest_w = rules.interest[m]"),
        ("sim/reference.py", "msg.interest ** d.weight_interest", "msg.interest")]),
    Mutant("seeds-relay", "a sponsored agent can also count as a relayer", [
        ("sim/kernels.py", "could_relay = h.relay < 0 and h.seeded < 0", "could_relay = h.relay < 0"),
        ("sim/reference.py", "could_relay = st.relay_at[m, i] < 0 and st.seeded_at[m, i] < 0",
         "could_relay = st.relay_at[m, i] < 0")]),
    Mutant("adoption-chance-halved", "the chance an exposure convinces is half adoption_prob x appeal", [
        ("sim/rules.py", "return adoption_prob * appeal_", "return adoption_prob * appeal_ * 0.5"),
        ("sim/reference.py", "< ref.d.adoption_prob * appeal:", "< ref.d.adoption_prob * appeal * 0.5:")]),
    Mutant("no-disclosure-penalty", "sponsored posts are trusted like any other (no #ad discount)", [
        ("sim/rules.py", "return credibility * (1.0 - penalty)", "return credibility"),
        ("sim/reference.py", "credibility *= 1.0 - d.disclosure_penalty", "credibility *= 1.0")]),
    Mutant("disclosure-follows-the-author", "every post of a sponsored author is disclosed, even older ones", [
        ("sim/rules.py", "if 0 <= seeded_at <= post_hour:", "if 0 <= seeded_at:"),
        ("sim/reference.py", "0 <= st.seeded_at[m, source] <= t0", "0 <= st.seeded_at[m, source]")]),
    Mutant("exponential-where-power-law", "message.decay=power_law reads posts at the first online hour", [
        ("sim/rules.py", 'if decay == "exponential":', "if True:"),
        ("sim/reference.py", 'if msg.decay != "power_law":', "if True:")]),
    Mutant("tier-from-simulated-followers", "an account's tier counts simulated followers, not people", [
        ("sim/market.py", "    tier = tier_of(followers)\n", "    tier = tier_of(network.follower_counts)\n"),
        ("sim/reference.py", "followers = sum(self.people(agents[int(f)]) for f in self.model.network.followers(j)) / self.people(agents[j])",
         "followers = len(self.model.network.followers(j))")]),
    Mutant("engagement-needs-novelty", "the chance of a like is also multiplied by the novelty factor", [
        ("sim/kernels.py", "engagement_chance(c.engagement, ap)",
         "engagement_chance(c.engagement, ap) * exposure_novelty(c, np.int64(h.exposures), age)"),
        ("sim/reference.py", "< ref.d.engagement * appeal:",
         "< ref.d.engagement * appeal * ref.novelty(m, s, int(st.exposures[m, i])) ** ref.d.weight_novelty:")]),
]


def planted(root: Path, mutant: Mutant) -> dict[str, str]:
    """The mutated text of each file the mutant touches (patches apply in order)."""
    texts: dict[str, str] = {}
    for file, old, new in mutant.patches:
        text = texts.get(file) or (root / file).read_text()
        found = text.count(old)
        if found != 1:
            raise SystemExit(f"mutant {mutant.name}: {file} has {found} copies of {old!r} (needs exactly 1): "
                             "update experiments/mutants/mutants.py after editing the code")
        texts[file] = text.replace(old, new)
    return texts


def plant(folder: Path, mutant: Mutant) -> None:
    for file, text in planted(folder, mutant).items():
        (folder / file).write_text(text)


def run_tests(folder: Path, tests: list[str]) -> tuple[int, list[str], float]:
    """Exit code, failing test ids and seconds of a pytest run inside `folder`."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(folder / ".numba-cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
                           "-rf", *tests], cwd=folder, env=env, capture_output=True, text=True)
    failed = sorted(set(re.findall(r"^FAILED (\S+)", proc.stdout, flags=re.M)))
    return proc.returncode, failed, time.perf_counter() - start


def copy_tree(dest: Path) -> None:
    for name in ("sim", "tests", "configs"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


def short(test_id: str) -> str:
    return test_id.split("::", 1)[-1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=None)
    ap.add_argument("--tests", default=None)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    mutants = [m for m in MUTANTS if not args.only or m.name in args.only.split(",")]
    if args.list:
        for m in mutants:
            print(f"{m.name}: {m.bug}")
        return 0
    tests = args.tests.split() if args.tests else SAFETY_NET
    for mutant in mutants:              # every patch still applies, before the long part
        planted(ROOT, mutant)
    with tempfile.TemporaryDirectory(prefix="influsim-mutants-") as tmp:
        clean = Path(tmp) / "clean"
        copy_tree(clean)
        code, failed, seconds = run_tests(clean, tests)
        if code != 0:
            print(f"[mutants] the unmutated tests fail ({', '.join(failed) or f'exit {code}'}): fix them first")
            return 2
        print(f"[mutants] unmutated: tests pass ({seconds:.0f} s); planting {len(mutants)} mutants, one at a time")
        print("| mutant | bug (in kernel and reference alike) | caught | failing tests (first 3) |")
        print("|---|---|---|---|")
        caught = 0
        for k, mutant in enumerate(mutants, start=1):
            folder = Path(tmp) / mutant.name
            copy_tree(folder)
            plant(folder, mutant)
            code, failed, seconds = run_tests(folder, tests)
            killed = code != 0
            caught += killed
            names = ", ".join(short(t) for t in failed[:3]) + (f" (+{len(failed) - 3})" if len(failed) > 3 else "")
            print(f"| {mutant.name} | {mutant.bug} | {'yes' if killed else '**NO**'} | {names or '-'} |", flush=True)
            shutil.rmtree(folder)
        print(f"[mutants] score: {caught}/{len(mutants)} mutants caught by {' '.join(tests)}")
    return 0 if caught == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
