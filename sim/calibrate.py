"""Command line: `python -m sim.calibrate observed=analytics.csv [calibrate=default] [overrides]`.

Learns the free parameters of `calibrate.params` (uniform priors) from a campaign's
analytics export by ABC-SMC (`sim.inference`), the campaign being the configuration the
overrides compose (its plan, dates and market). Writes into the run folder:
`history.db` (pyabc's; rerunning the same command continues it), `posterior.parquet`
(the last generation's particles and weights), `calibrated.yaml` (posterior means, for
`python -m sim.run calibration=.../calibrated.yaml`), `fig_posterior.png` (marginals)
and `fig_predictive.png` (posterior predictive running totals, 50% and 95% bands, over the
observed points).
"""
from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

import hydra
import numpy as np
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from .command_line import CONFIG_DIR, fail, launch, to_config
from .errors import ConfigError, DataError

log = logging.getLogger("sim")


def posterior_table(history, priors) -> pd.DataFrame:
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    table = pd.DataFrame({p.name: frame[p.label].to_numpy() for p in priors})
    table["weight"] = weights / weights.sum()
    return table


def write_calibrated(path: Path, table: pd.DataFrame, priors, observed: str) -> None:
    means = {p.name: float(np.sum(table[p.name] * table.weight)) for p in priors}
    lines = [f"# written by python -m sim.calibrate on {datetime.now():%Y-%m-%d %H:%M} from {observed}:",
             "# posterior means; use with python -m sim.run calibration=<this file>"]
    lines += [f"{name}: {value:.6g}" for name, value in means.items()]
    path.write_text("\n".join(lines) + "\n")


def predictive(cfg, export, table, priors, draws: int = 30):
    """Running totals of `draws` posterior draws (one replicate each), per metric: draws x periods."""
    from .inference import abc_model, period_ends
    from .population import build_world
    rng = np.random.default_rng(cfg.run.seed)
    rows = rng.choice(len(table), size=draws, p=table.weight.to_numpy())
    model = abc_model(cfg, build_world(cfg), priors, period_ends(cfg, export), list(export.counts))
    sims = [model({p.label: table[p.name].iloc[k] for p in priors}) for k in rows]
    return {m: np.array([s[m] for s in sims]) for m in export.counts}


def figures(outdir: Path, table, priors, export, bands) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .figures import OKABE_ITO
    from .inference import observed_totals
    fig, axes = plt.subplots(1, len(priors), figsize=(4.2 * len(priors), 3.6), squeeze=False)
    for ax, p in zip(axes[0], priors):
        ax.hist(table[p.name], bins=20, range=(p.low, p.high), weights=table.weight, color=OKABE_ITO[0])
        ax.set(xlabel=p.name, ylabel="posterior weight", xlim=(p.low, p.high))
    fig.suptitle("Posterior marginals (prior: uniform over each axis)")
    fig.tight_layout()
    fig.savefig(outdir / "fig_posterior.png", dpi=110)
    observed = observed_totals(export)
    fig, axes = plt.subplots(1, len(bands), figsize=(4.5 * len(bands), 3.6), squeeze=False)
    for ax, (metric, sims) in zip(axes[0], bands.items()):
        x = np.arange(sims.shape[1])
        for (lo, hi), alpha in (((2.5, 97.5), 0.2), ((25, 75), 0.4)):
            ax.fill_between(x, *np.percentile(sims, [lo, hi], axis=0), color=OKABE_ITO[0], alpha=alpha,
                            label=f"posterior predictive {hi - lo:g}%")
        ax.plot(x, observed[metric], "o", color="black", ms=3, label="observed")
        ax.set(xlabel=f"{export.period} of the export", ylabel=f"{metric} (running total)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(outdir / "fig_predictive.png", dpi=110)


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _task(dcfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from .inference import check_priors, run_abc, weighted_interval
    from .observed import read_analytics
    start = time.perf_counter()
    try:
        cfg = to_config(dcfg)
        if not cfg.observed:
            raise ConfigError("observed", "is required: observed=analytics.csv, the campaign's analytics export")
        export = read_analytics(cfg.observed)
        priors = check_priors(cfg, cfg.calibrate.params)
        outdir = Path(HydraConfig.get().runtime.output_dir)
        c = cfg.calibrate
        log.info(f"calibrating {', '.join(p.name for p in priors)} to {cfg.observed} ({len(export.index)} "
                 f"{export.period}s: {', '.join(export.counts)}); {c.generations} generations of "
                 f"{c.population_size} particles")
        history = run_abc(cfg, export, priors, str(outdir / "history.db"), c.population_size, c.generations,
                          log=log.info)
    except (ConfigError, DataError) as err:
        fail(str(err))
    table = posterior_table(history, priors)
    table.to_parquet(outdir / "posterior.parquet", index=False)
    write_calibrated(outdir / "calibrated.yaml", table, priors, cfg.observed)
    figures(outdir, table, priors, export, predictive(cfg, export, table, priors))
    for p in priors:
        low, high = weighted_interval(table[p.name], table.weight)
        print(f"{p.name}: posterior mean {np.sum(table[p.name] * table.weight):.4g}, 90% interval "
              f"{low:.4g} to {high:.4g} (prior {p.low:g} to {p.high:g})")
    print(f"influsim: calibrated in {time.perf_counter() - start:.0f} s ({history.total_nr_simulations:,} "
          f"simulations): {outdir / 'calibrated.yaml'}, posterior.parquet, fig_posterior.png, fig_predictive.png")


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.calibrate [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    launch(_task, argv)


if __name__ == "__main__":
    main()
