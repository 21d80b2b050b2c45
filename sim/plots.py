"""Figures for meetings: large fonts, colour-blind-safe colours (Okabe-Ito), units, sources."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import kernels as K  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STYLE = {"font.size": 14, "axes.titlesize": 17, "axes.labelsize": 15, "legend.fontsize": 13,
         "xtick.labelsize": 13, "ytick.labelsize": 13, "axes.spines.top": False,
         "axes.spines.right": False}


def diffusion_curves(result) -> dict[str, np.ndarray]:
    """The cumulative curves drawn in diffusion.png (replicates x hours each)."""
    cum = result.cumulative()
    return {
        "reach": cum[:, :, K.NEW_AWARE:K.NEW_AWARE + 2].sum(axis=2),
        "useful_reach": cum[:, :, K.NEW_USEFUL],
        "adopters": cum[:, :, K.NEW_ADOPT:K.NEW_ADOPT + 3].sum(axis=2),
        "relayers": cum[:, :, K.NEW_RELAY:K.NEW_RELAY + 3].sum(axis=2),
    }


LABELS = {"reach": "Aware (reach)", "useful_reach": "Aware in target (useful reach)",
          "adopters": "Adopters", "relayers": "Relayers"}


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
            ax.fill_between(hours, np.maximum(low, 0), high, color=colour, alpha=0.25, lw=0)
        ax.set_title(f"How the message spreads: campaign '{cfg.campaign.name}', "
                     f"message '{cfg.message.name}'")
        ax.set_xlabel("Hours since start of campaign")
        ax.set_ylabel("Agents (cumulative count)")
        step = 24 if result.hours > 48 else max(1, result.hours // 8)
        ax.set_xticks(np.arange(0, result.hours + 1, step))
        ax.grid(alpha=0.3)
        ax.legend(loc="center right", frameon=False)
        fig.text(0.01, 0.01, f"Source: influsim, {result.replicates} replicates, seed {cfg.run.seed}; "
                 f"bands: 95% interval of the mean. {sum(result.kind_sizes.values()):,} agents, "
                 f"{result.target_size:,} in the target.", fontsize=11, color="#444444")
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        fig.savefig(path, format=fmt)
        plotted = {line.get_gid(): line.get_ydata() for line in ax.get_lines()}
        plt.close(fig)
    return plotted
