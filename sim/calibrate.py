"""Command line: `python -m sim.calibrate observed=analytics.csv [calibrate=default] [overrides]`.

Learns the free parameters of `calibrate.params` (uniform priors) from a campaign's
analytics export by ABC-SMC (`sim.inference`), the campaign being the configuration the
overrides compose (its plan, dates and market). Writes into the run folder:
`history.db` (pyabc's; rerunning the same command continues it), `posterior.parquet`
(the last generation's particles and weights), `calibrated.yaml` (posterior means, for
`python -m sim.run calibration=.../calibrated.yaml`), and `report.html` / `report.pdf`
with `fig_posterior.png` (marginals), `fig_pairs.png` (pairs of parameters) and
`fig_predictive.png` (posterior predictive running totals, 50% and 95% bands, over the
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
from .formats import counted

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


def figures(table, priors, export, bands) -> list:
    """(name, title, caption, figure) of the posterior marginals and the predictive bands."""
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
    out = [("posterior", "What the data say about each parameter", "Weighted particles of the last ABC-SMC "
            "generation; each axis spans the parameter's uniform prior.", fig)]
    if len(priors) > 1:
        out.append(("pairs", "Which parameters trade off against each other", "Each pair of parameters: the last "
                    "generation's particles, the area of a dot proportional to its weight; axes span the priors.",
                    pairs_figure(table, priors)))
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
    out.append(("predictive", "The calibrated model against the observed campaign", f"Running totals of "
                f"{sims.shape[0]} simulations, each from a posterior draw: 50% and 95% bands; dots: the export.", fig))
    return out


def pairs_figure(table, priors):
    """The posterior's pairs: one scatter of weighted particles per pair of parameters."""
    import matplotlib.pyplot as plt

    from .figures import OKABE_ITO
    k = len(priors)
    fig, axes = plt.subplots(k - 1, k - 1, figsize=(3.2 * (k - 1), 3.0 * (k - 1)), squeeze=False)
    size = 300.0 * table.weight.to_numpy() / table.weight.max()
    for row in range(1, k):
        for col in range(k - 1):
            ax = axes[row - 1][col]
            if col >= row:
                ax.axis("off")
                continue
            x, y = priors[col], priors[row]
            ax.scatter(table[x.name], table[y.name], s=size, color=OKABE_ITO[0], alpha=0.5, linewidths=0)
            ax.set(xlim=(x.low, x.high), ylim=(y.low, y.high))
            ax.set_xlabel(x.name if row == k - 1 else "", fontsize=8)
            ax.set_ylabel(y.name if col == 0 else "", fontsize=8)
    fig.suptitle("Posterior pairs (last generation, dot area = weight)")
    fig.tight_layout()
    return fig


def band_coverage(export, bands) -> tuple[int, int]:
    """(observed points inside the 95% predictive band, observed points)."""
    from .inference import observed_totals
    inside = total = 0
    for metric, obs in observed_totals(export).items():
        low, high = np.percentile(bands[metric], [2.5, 97.5], axis=0)
        ok = ~np.isnan(obs)
        inside += int(np.sum((obs[ok] >= low[ok]) & (obs[ok] <= high[ok])))
        total += int(ok.sum())
    return inside, total


def summary_table(table, priors) -> pd.DataFrame:
    from .inference import weighted_interval
    rows = []
    for p in priors:
        low, high = weighted_interval(table[p.name], table.weight)
        rows.append((p.name, float(np.sum(table[p.name] * table.weight)), low, high, p.low, p.high))
    return pd.DataFrame(rows, columns=["parameter", "posterior mean", "90% interval from", "90% interval to",
                                       "prior from", "prior to"])


def write_report(outdir: Path, cfg, export, params: pd.DataFrame, pages: list, bands, simulations: int) -> str:
    """report.html / report.pdf of the calibration; returns its headline."""
    from .report import Report, hydra_files, write_report as write_page
    inside, total = band_coverage(export, bands)
    means = "; ".join(f"{r['parameter']} {r['posterior mean']:.3g} (90% interval {r['90% interval from']:.3g} to "
                      f"{r['90% interval to']:.3g})" for _, r in params.iterrows())
    headline = (f"Calibrated to {Path(cfg.observed).name} ({len(export.index)} {export.period}s of "
                f"{', '.join(export.counts)}) with {simulations:,} simulations: {means}. The 95% posterior predictive "
                f"band holds {inside} of the {total} observed running totals.")
    rep = Report(outdir, "calibration", headline=headline, figures=pages, table=params,
                 table_title="Posterior (uniform priors; weighted particles of the last generation)")
    rep.config, rep.command = hydra_files(outdir, entry="sim.calibrate")
    write_page(rep)
    return headline


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _task(dcfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from .inference import check_priors, run_abc
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
        log.info(f"calibrating {', '.join(p.name for p in priors)} to {cfg.observed} "
                 f"({counted(len(export.index), export.period)}: {', '.join(export.counts)}); "
                 f"{counted(c.generations, 'generation')} of {counted(c.population_size, 'particle')}")
        history = run_abc(cfg, export, priors, str(outdir / "history.db"), c.population_size, c.generations,
                          log=log.info)
    except (ConfigError, DataError) as err:
        fail(str(err))
    table = posterior_table(history, priors)
    table.to_parquet(outdir / "posterior.parquet", index=False)
    write_calibrated(outdir / "calibrated.yaml", table, priors, cfg.observed)
    bands = predictive(cfg, export, table, priors)
    params = summary_table(table, priors)
    headline = write_report(outdir, cfg, export, params, figures(table, priors, export, bands), bands,
                            history.total_nr_simulations)
    for _, r in params.iterrows():
        print(f"{r['parameter']}: posterior mean {r['posterior mean']:.4g}, 90% interval {r['90% interval from']:.4g} "
              f"to {r['90% interval to']:.4g} (prior {r['prior from']:g} to {r['prior to']:g})")
    print(headline.split(". ")[-1])
    print(f"influsim: calibrated in {time.perf_counter() - start:.0f} s ({history.total_nr_simulations:,} "
          f"simulations): {outdir / 'calibrated.yaml'}, posterior.parquet, report.html (fig_posterior.png, "
          "fig_pairs.png, fig_predictive.png)")


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.calibrate [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    launch(_task, argv)


if __name__ == "__main__":
    main()
