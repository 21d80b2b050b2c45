"""Figures for meetings: large fonts, colour-blind-safe colours (Okabe-Ito), units, sources."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STYLE = {"font.size": 14, "axes.titlesize": 17, "axes.labelsize": 15, "legend.fontsize": 13,
         "xtick.labelsize": 13, "ytick.labelsize": 13, "axes.spines.top": False,
         "axes.spines.right": False}
LABELS = {"reach": "Aware (reach)", "useful_reach": "Aware in target (useful reach)",
          "adopters": "Adopters", "relayers": "Relayers"}


def diffusion_curves(result, message=None) -> dict[str, np.ndarray]:
    """The cumulative curves drawn in diffusion.png (replicates x hours each)."""
    from .results import MAIN_CURVES
    return {label: result.curve(name, message) for label, name in MAIN_CURVES.items()}


def _hour_axis(ax, hours):
    step = 24 if hours > 48 else max(1, hours // 8)
    ax.set_xticks(np.arange(0, hours + 1, step))
    ax.set_xlabel("Hours since start of the run")
    ax.grid(alpha=0.3)


def _source(fig, result, extra=""):
    fig.text(0.01, 0.01, f"Source: influsim, {result.replicates} replicates, seed {result.cfg.run.seed}; "
             f"bands: 95% interval of the mean. {sum(result.kind_sizes.values()):,} agents, "
             f"{result.target_size:,} in the target.{extra}", fontsize=11, color="#444444")


def plot_diffusion(result, path, fmt: str = "png"):
    """Mean diffusion curves with 95% bands over replicates; returns the plotted means."""
    from .results import interval_curve
    cfg = result.cfg
    hours = np.arange(1, result.hours + 1)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(12, 6.75), dpi=100)
        for colour, (name, values) in zip(OKABE_ITO, diffusion_curves(result).items()):
            mean, low, high = interval_curve(values)
            ax.plot(hours, mean, color=colour, lw=2.5, label=LABELS[name], gid=name)
            ax.fill_between(hours, low, high, color=colour, alpha=0.25, lw=0)
        if len(result.messages) > 1:
            for m, name in enumerate(result.messages):
                ax.plot(hours, result.curve("reach", m).mean(axis=0), lw=1.5, ls="--",
                        color=OKABE_ITO[4 + m % 4], label=f"Reach of '{name}'", gid=f"reach:{name}")
        ax.set_title(f"How the message spreads: campaign '{cfg.campaign.name}', "
                     f"message{'s' if len(result.messages) > 1 else ''} {', '.join(result.messages)}")
        ax.set_ylabel("Agents (cumulative count)")
        _hour_axis(ax, result.hours)
        ax.legend(loc="center right", frameon=False)
        _source(fig, result)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        fig.savefig(path, format=fmt)
        plotted = {line.get_gid(): line.get_ydata() for line in ax.get_lines()}
        plt.close(fig)
    return plotted


def plot_comparison(results: dict, path, fmt: str = "png"):
    """Reach and useful reach over time, one line per scenario; returns the plotted means."""
    from .results import interval_curve
    any_result = next(iter(results.values()))
    hours = np.arange(1, any_result.hours + 1)
    plotted = {}
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(16, 7), dpi=100, sharex=True)
        for ax, (curve, title) in zip(axes, [("reach", "Reach (aware agents)"),
                                             ("useful_reach", "Useful reach (aware in the target)")]):
            for k, (name, result) in enumerate(results.items()):
                mean, low, high = interval_curve(result.curve(curve))
                colour = OKABE_ITO[k % len(OKABE_ITO)]
                style = "-" if k < len(OKABE_ITO) else "--"
                ax.plot(hours, mean, color=colour, ls=style, lw=2.2, label=name, gid=f"{curve}:{name}")
                ax.fill_between(hours, low, high, color=colour, alpha=0.18, lw=0)
                plotted[f"{curve}:{name}"] = mean
            ax.set_title(title)
            ax.set_ylabel("Agents (cumulative count)")
            _hour_axis(ax, any_result.hours)
        axes[1].legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
        budget = any_result.cfg.campaign.budget
        fig.suptitle(f"Campaign strategies at the same budget ({budget:,.0f})", fontsize=19)
        _source(fig, any_result)
        fig.tight_layout(rect=(0, 0.04, 1, 0.95))
        fig.savefig(path, format=fmt)
        plt.close(fig)
    return plotted
