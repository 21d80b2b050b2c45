"""Figures of the what-if page: both plans' useful reach over time, and one replicate's relay tree."""
from __future__ import annotations

import numpy as np

from .figures import axis_number


def reach_figure(ra, rb, replicates: int):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .figures import hours_axis, plan_colour
    from .intervals import interval_curve
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for k, (result, name) in enumerate(((ra, "plan A"), (rb, "plan B"))):
        mean, low, high = interval_curve(result.curve("useful_reach"))
        hours = np.arange(1, len(mean) + 1)
        ax.plot(hours, mean, color=plan_colour(k), label=name)
        ax.fill_between(hours, low, high, color=plan_colour(k), alpha=0.25, lw=0)
    hours_axis(ax, len(hours), ra.start)
    ax.set(ylabel="people reached in the target",
           title=f"Useful reach, plans A and B (mean and 95% band, {replicates} replicates)")
    ax.yaxis.set_major_formatter(axis_number)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    plt.close(fig)
    return fig


def relay_tree_figure(result, message: str | None = None):
    """Replicate 0's relays of plan A: each relay at its hour and depth, joined to whoever it relayed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .figures import KIND_COLOURS
    table = result.attribution
    table = table[table.message == (message or table.message.iloc[0])] if len(table) else table
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    if len(table):
        where = dict(zip(table.agent, zip(table.hour + 1, table.depth)))
        for _, row in table.iterrows():
            if row.source in where:
                x0, y0 = where[row.source]
                ax.plot([x0, row.hour + 1], [y0, row.depth], color="0.75", lw=0.5, zorder=1)
        for kind, part in table.groupby("agent_kind"):
            ax.scatter(part.hour + 1, part.depth, s=8, color=KIND_COLOURS.get(kind), label=kind, zorder=2)
        ax.legend(fontsize=8, loc="upper right")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(axis_number)
        from matplotlib.ticker import MaxNLocator
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.text(0.5, 0.5, "no relays in this replicate", ha="center", transform=ax.transAxes)
    ax.set(xlabel="hour of the relay (log scale)", ylabel="depth (relays from a seed)",
           title=f"Plan A's relay tree, replicate 0 ({len(table):,} relays)")
    fig.tight_layout()
    plt.close(fig)
    return fig
