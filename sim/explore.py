"""Command line: `python -m sim.explore explore=targeted_vs_mass [overrides]`.

Crosses a Sobol design over the uncertain factors of `explore.factors` (dotted keys and
ranges; `explore.dummy` adds a factor that nothing reads, a control whose total index
should be 0) with the two plans of `explore.plans` (campaign overrides at the campaign's
budget), each point simulated with `explore.replicates` replicates on common random
numbers. Prints which factors matter for the difference "first plan - second plan" in
`explore.metric` (Sobol first-order and total indices with 95% intervals, `sim.exploring`)
and PRIM's rules for either plan beating the other. Writes `explore.csv` (one row per
design point), `sensitivity.csv`, `rule.txt` and `report.html` / `report.pdf` (ranked
indices; who wins where over the two most important factors) into the run folder.

The design runs in chunks (`sim.design_runs`): here, in `explore.workers` local
processes, or on Ray (`explore.backend=ray`); `points/` keeps finished chunks, so a
killed or failed run, rerun with the same command, does only what is left.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import hydra
import numpy as np
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from .command_line import CONFIG_DIR, fail, launch, to_config
from .design_runs import DUMMY
from .errors import ConfigError, DataError

log = logging.getLogger("sim")


def factors_of(cfg):
    from .exploring import Factor
    from .inference import check_priors
    factors = [Factor(p.name, p.low, p.high) for p in check_priors(cfg, cfg.explore.factors, "explore.factors")]
    if len(cfg.explore.plans) != 2:
        raise ConfigError("explore.plans", f"needs exactly two plans to compare, got {len(cfg.explore.plans)}")
    return factors + ([Factor(DUMMY, 0.0, 1.0)] if cfg.explore.dummy else [])


def figures(table, indices, rules, names, metric) -> list:
    """(name, title, caption, figure): ranked indices, and the outcome over the two most important factors."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from .figures import OKABE_ITO
    first, second = names
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(indices) + 1.4))
    y = np.arange(len(indices))[::-1]
    for k, (column, label) in enumerate((("total", "total"), ("first_order", "first-order"))):
        values = indices[column].to_numpy()
        err = np.vstack([values - indices[f"{column}_low"].to_numpy(), indices[f"{column}_high"].to_numpy() - values])
        ax.barh(y + (0.2 - 0.4 * k), values, 0.4, xerr=np.clip(err, 0, None), color=OKABE_ITO[k], capsize=2,
                label=label)
    ax.set_yticks(y, indices.factor, fontsize=8)
    ax.set(xlabel=f"Sobol index of {metric}: {first} minus {second} (95% intervals)", title="Which unknowns matter")
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = [("sensitivity", "Which unknowns matter", "Sobol total and first-order indices, ranked; the dummy factor "
            "is a control that nothing reads.", fig)]
    top = [f for f in indices.factor if f != DUMMY][:2]
    if len(top) == 2:
        fig, ax = plt.subplots(figsize=(6.5, 5))
        for k, (points, label) in enumerate(((table["difference"] > 0, f"{first} beats {second}"),
                                            (table["difference"] < 0, f"{second} beats {first}"),
                                            (table["difference"] == 0, "tie"))):
            if k < 2 or points.any():
                ax.scatter(table[top[0]][points], table[top[1]][points], s=12, color=OKABE_ITO[k], label=label)
        rule = rules[(first, second)]
        if rule.cases:                         # no box where the first plan never wins
            (x0, x1), (y0, y1) = (rule.limits.get(top[0], (table[top[0]].min(), table[top[0]].max())),
                                  rule.limits.get(top[1], (table[top[1]].min(), table[top[1]].max())))
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=2, color="black",
                                   label=f"PRIM box for '{first} beats {second}'"))
        ax.set(xlabel=top[0], ylabel=top[1], title="Who wins where (the two most important factors)")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
        fig.tight_layout()
        out.append(("scenarios", "When each plan wins", "Every design point over the two factors with the largest "
                    "total index; the box is PRIM's rule, limited to these two factors.", fig))
    return out


def write_report(outdir: Path, table, indices, rules, lines, names, metric) -> None:
    from .report import Report, hydra_files, write_report as write_page
    rep = Report(outdir, "exploration", headline=" ".join(lines), figures=figures(table, indices, rules, names, metric),
                 table=indices.round(4), table_title="Sobol indices (95% bootstrap intervals)")
    rep.config, rep.command = hydra_files(outdir, entry="sim.explore")
    write_page(rep)


def check_design(outdir: Path, factors, design: np.ndarray) -> None:
    """design.csv in the run folder: written on the first run; a rerun must have the same
    design (the finished chunks belong to it)."""
    file = outdir / "design.csv"
    frame = pd.DataFrame(design, columns=[f.name for f in factors])
    if file.exists():
        old = pd.read_csv(file)
        if list(old.columns) != list(frame.columns) or old.shape != frame.shape or not np.allclose(old, frame):
            fail(f"explore: {outdir} holds another design (design.csv); rerun with the same settings or a new folder")
    else:
        frame.to_csv(file, index=False)


def plan_rules(x, difference: np.ndarray, first: str, second: str) -> dict:
    """(winner, loser) -> PRIM's rule for where the winner's metric is higher (a tie is
    neither plan's win)."""
    from .exploring import discover
    wins, losses = difference > 0, difference < 0
    return {(first, second): discover(x, wins, threshold(wins)), (second, first): discover(x, losses, threshold(losses))}


def threshold(event: np.ndarray) -> float:
    """The density a rule must reach: 0.8, or halfway from the event's base rate to 1 when
    the event is already that common (a rule that says "anywhere" tells nothing)."""
    return max(0.8, (1.0 + float(np.mean(event))) / 2.0)


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _task(dcfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from .design_runs import run_chunks
    from .exploring import sobol_design, sobol_indices
    start = time.perf_counter()
    try:
        cfg = to_config(dcfg)
        factors = factors_of(cfg)
    except (ConfigError, DataError) as err:
        fail(str(err))
    e, outdir = cfg.explore, Path(HydraConfig.get().runtime.output_dir)
    first, second = list(e.plans)
    design = sobol_design(factors, e.base, seed=cfg.run.seed)
    log.info(f"exploring {len(factors)} factors x plans {first} and {second}: {len(design):,} design points x "
             f"{e.replicates} replicates each")
    check_design(outdir, factors, design)
    try:
        table, failed = run_chunks(cfg, factors, design, outdir, progress=log.info)
    except ConfigError as err:
        fail(str(err))
    if failed:
        k, first_error = next(iter(failed.items()))
        print(f"influsim: {len(failed)} of {-(-len(design) // e.chunk)} chunks failed (first: chunk {k}, {first_error}; "
              f"see {outdir / 'points'}/chunk_*/error.json); rerun the same command to retry them", file=sys.stderr)
        sys.exit(1)
    table["difference"] = table[first] - table[second]
    table.to_csv(outdir / "explore.csv", index=False)
    indices = sobol_indices(factors, table["difference"].to_numpy(), seed=cfg.run.seed)
    indices = indices.sort_values("total", ascending=False)
    indices.to_csv(outdir / "sensitivity.csv", index=False)
    x = table[[f.name for f in factors if f.name != DUMMY]]
    rules = plan_rules(x, table["difference"].to_numpy(), first, second)
    lines = [f"{a} beats {b} when {rule.text()}" for (a, b), rule in rules.items()]
    (outdir / "rule.txt").write_text("\n".join(lines) + "\n")
    write_report(outdir, table, indices, rules, lines, (first, second), e.metric)
    print(f"Which factors move {e.metric} of {first} minus {second} (Sobol indices, 95% intervals):")
    for _, r in indices.iterrows():
        print(f"  {r['factor']}: total {r['total']:.3f} ({r['total_low']:.3f} to {r['total_high']:.3f}), first-order "
              f"{r['first_order']:.3f} ({r['first_order_low']:.3f} to {r['first_order_high']:.3f})")
    ties = int((table["difference"] == 0).sum())
    print(f"{first} beats {second} at {(table['difference'] > 0).mean():.0%} of the {len(table):,} design points"
          + (f" ({ties:,} ties)" if ties else "") + ". PRIM's rules "
          "(a box's density must reach 0.8, or halfway from the event's share to 1 when the share is higher):")
    print("\n".join(f"  {line}" for line in lines))
    print(f"influsim: explored in {time.perf_counter() - start:.0f} s: {outdir / 'explore.csv'}, sensitivity.csv, "
          "rule.txt, report.html")


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.explore [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    launch(_task, argv)


if __name__ == "__main__":
    main()
