"""What one replicate achieved, per message and in total, from the final state arrays.

Every agent's state holds the hour it became aware, relayed, adopted or was seeded and
who it credits, so curves and cascade statistics are read off those arrays after the
run. "Total" counts an agent once however many messages reached it (reach, adopters)
and adds up events (relays, seeds, impressions, spending). Counts are people of the real
market: each agent weighs the people it stands for (`sim.market`, population.scale);
cascade shapes (depths, relay trees, agents relaying to k) stay in simulated agents.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from . import kernels as K
from .kinds import KIND_NAMES, N_KINDS, per_kind
from .market import people_per_kind
from .tiers import TIERS

CURVES = (["reach", "useful_reach", "relayed", "adopted", "useful_adopted", "seeded"]
          + [f"{what}_{kind}" for what in ("aware", "relayed", "adopted") for kind in KIND_NAMES])
FLOWS = ("impressions", "exposures", "missed_posts", "posts_this_hour", "engagements")
_FLOW_BLOCK = {"exposures": K.EXPOSED, "missed_posts": K.MISSED, "posts_this_hour": K.POSTED,
               "engagements": K.ENGAGED}       # per-kind blocks of the kernel's counts
UNION = {"reach", "useful_reach", "adopted", "useful_adopted"} | {
    f"{w}_{k}" for w in ("aware", "adopted") for k in KIND_NAMES}
# statistics of a plan over draws of the unknowns (sim.robust)
STATISTICS = ("mean", "p10", "regret")
FINALS = ("reach", "useful_reach", "relays", "adoptions", "useful_adoptions", "seeded",
          "impressions", "exposures", "missed_posts", "posts", "engagements", "spent",
          "frequency", "share_rate", "cost_per_engagement", "cost_per_adoption", "useful_reach_per_euro",
          "amplification_per_seed", "amplification_per_1000_impressions", "cost_per_useful_contact",
          "time_to_half_reach", "peak_hour", "cascade_depth_max", "cascade_depth_mean",
          "organic_relay_share", "largest_relay_tree", "agents_relaying_to_k")


IN_REACH = per_kind("in_reach", np.bool_)        # kinds whose aware agents count in `reach`
_AWARE_BY_KIND = CURVES.index(f"aware_{KIND_NAMES[0]}")
_RELAYED_BY_KIND = CURVES.index(f"relayed_{KIND_NAMES[0]}")
_ADOPTED_BY_KIND = CURVES.index(f"adopted_{KIND_NAMES[0]}")


@njit(cache=True)
def _tally(out, t, hours, people, total, in_target, by_kind):
    """One agent's event in hour t (-1: never), its people counted in up to three columns (-1: none)."""
    if 0 <= t < hours:
        for col in (total, in_target, by_kind):
            if col >= 0:
                out[t, col] += people


@njit(cache=True, nogil=True)
def _new_per_hour(aware, relay, adopt, seeded, kind, useful, in_reach, people, hours, out):
    """out[hour, CURVES column] += people whose event happened in that hour: one pass over
    the agents (the state arrays are strided views of the records, so one pass matters).
    Columns: 0 reach (kinds counted in reach), 1 useful reach, 2 relayed, 3 adopted,
    4 useful adopted, 5 seeded, then aware / relayed / adopted per kind. `people[k]`: the
    people an agent of kind k stands for."""
    for i in range(aware.size):
        k = kind[i]
        w = people[k]
        target = useful[i] != 0
        _tally(out, aware[i], hours, w, 0 if in_reach[k] else -1, 1 if target else -1, _AWARE_BY_KIND + k)
        _tally(out, relay[i], hours, w, 2, -1, _RELAYED_BY_KIND + k)
        _tally(out, adopt[i], hours, w, 3, 4 if target else -1, _ADOPTED_BY_KIND + k)
        _tally(out, seeded[i], hours, w, 5, -1, -1)


@njit(cache=True, nogil=True)
def _first_time(times):
    """Per agent, the earliest non-negative hour over messages (-1 if none)."""
    first = np.full(times.shape[1], -1, np.int32)
    for m in range(times.shape[0]):
        for i in range(times.shape[1]):
            t = times[m, i]
            if t >= 0 and (first[i] < 0 or t < first[i]):
                first[i] = t
    return first


def _curves(aware, relay, adopt, seeded, kind, useful, people, hours) -> np.ndarray:
    """Cumulative curves [hours, len(CURVES)] of one message (or of the union), in people."""
    new = np.zeros((hours, len(CURVES)), np.float64)
    _new_per_hour(aware, relay, adopt, seeded, kind, useful, IN_REACH, people, hours, new)
    return np.cumsum(new, axis=0)


def _flows(hourly: np.ndarray, people: np.ndarray, per_impression: float) -> np.ndarray:
    """Per message: cumulative flows [messages, hours, len(FLOWS)] in people (posts: per hour)."""
    n_msg, hours = hourly.shape[1], hourly.shape[0]
    flows = np.zeros((n_msg, hours, len(FLOWS)), np.float64)
    for col, name in enumerate(FLOWS):
        if name == "impressions":
            per_hour = hourly[:, :, K.IMPRESSIONS].T * per_impression          # messages x hours
        else:
            block = _FLOW_BLOCK[name]
            per_hour = (hourly[:, :, block:block + N_KINDS] * people).sum(axis=2).T
        flows[:, :, col] = per_hour if name == "posts_this_hour" else np.cumsum(per_hour, axis=1)
    return flows


@njit(cache=True, nogil=True)
def relay_trees(relay_at, relay_parent):
    """Sizes of the relay trees of one message and relays caused per agent.

    Roots are the posts nobody relayed: seeds, brand posts and each relay caused by an
    ad (the ad is not an agent); a tree's size counts its root and every relayer below.
    """
    n = relay_at.size
    caused = np.zeros(n, np.int64)
    root = np.full(n, -1, np.int64)
    size = np.zeros(n, np.int64)
    for i in range(n):
        if relay_at[i] < 0:
            continue
        if relay_parent[i] >= 0:
            caused[relay_parent[i]] += 1
        j, r, steps = i, -1, 0
        while r < 0:                     # walk up to a known root, a non-relayer or an ad relay
            if root[j] >= 0:
                r = root[j]
            elif relay_at[j] < 0 or relay_parent[j] < 0 or steps > n:   # (steps: a cycle guard)
                r = j
            else:
                j = relay_parent[j]
                steps += 1
        j = i
        for _ in range(steps + 1):       # remember the root along the path
            if root[j] >= 0:
                break
            root[j] = r
            j = relay_parent[j]
        size[r] += 1
        if relay_at[r] < 0 and size[r] == 1:
            size[r] += 1                 # the root post's author (seed, brand) is a member too
    return size[size > 0], caused


@njit(cache=True, nogil=True)
def _depth_stats(aware_at, aware_depth):
    """(count, sum, max) of the cascade depths of the aware agents (sums of integers: exact)."""
    out = np.zeros(3, np.int64)
    for i in range(aware_at.size):
        if aware_at[i] >= 0:
            d = aware_depth[i]
            out[0] += 1
            out[1] += d
            if out[0] == 1 or d > out[2]:
                out[2] = d
    return out


def replicate_metrics(model, hourly: np.ndarray, k_relays: int):
    """Curves [M+1, hours, C], flows [M+1, hours, F] and finals {name: [M+1]} of one replicate."""
    st, pop = model.state, model.population
    n_msg, hours = len(model.messages), hourly.shape[0]
    kind, useful = pop.kind, model.useful.astype(bool)
    people = people_per_kind(model.cfg.population.scale)
    curves = np.zeros((n_msg + 1, hours, len(CURVES)), np.float64)
    for m in range(n_msg):
        curves[m] = _curves(st.aware_at[m], st.relay_at[m], st.adopt_at[m], st.seeded_at[m], kind, useful, people,
                            hours)
    if n_msg == 1:                # the union of one message is that message
        curves[1] = curves[0]
    else:
        first_aware, first_adopt = _first_time(st.aware_at), _first_time(st.adopt_at)
        total = _curves(first_aware, first_aware, first_adopt, first_adopt, kind, useful, people, hours)
        for col, name in enumerate(CURVES):
            curves[n_msg, :, col] = total[:, col] if name in UNION else curves[:n_msg, :, col].sum(axis=0)
    flows = np.zeros((n_msg + 1, hours, len(FLOWS)), np.float64)
    flows[:n_msg] = _flows(hourly, people, model.people_per_impression)
    flows[n_msg] = flows[:n_msg].sum(axis=0)

    finals = {name: np.full(n_msg + 1, np.nan) for name in FINALS}
    caused_total = np.zeros(pop.size, np.int64)
    largest_all, depths_all = 0, np.zeros(3, np.int64)      # depths: count, sum, max
    launches = [model.launch_hour_of(m) for m in range(n_msg)]
    for m in range(n_msg + 1):
        c, f = curves[m, -1], flows[m, -1]
        col = {name: c[i] for i, name in enumerate(CURVES)}
        fcol = {name: f[i] for i, name in enumerate(FLOWS)}
        relays, seeded = col["relayed"], col["seeded"]
        spent = float(model.spent.sum() if m == n_msg else model.spent[m])
        if m < n_msg:
            sizes, caused = relay_trees(st.relay_at[m], st.relay_parent[m])
            caused_total += caused
            largest = int(sizes.max()) if sizes.size else 0
            largest_all = max(largest_all, largest)
            depth = _depth_stats(st.aware_at[m], st.aware_depth[m])
            depths_all[:2] += depth[:2]
            depths_all[2] = max(depths_all[2], depth[2])
            agents_k = int((caused >= k_relays).sum())
            launch = launches[m]
        else:
            largest, depth = largest_all, depths_all
            agents_k = int((caused_total >= k_relays).sum())
            launch = min([x for x in launches if x >= 0], default=-1)
        reach_curve = curves[m, :, CURVES.index("reach")]
        new_aware = np.diff(reach_curve, prepend=0)
        final_reach = reach_curve[-1]
        values = {
            "reach": final_reach, "useful_reach": col["useful_reach"], "relays": relays,
            "adoptions": col["adopted"], "useful_adoptions": col["useful_adopted"], "seeded": seeded,
            "impressions": fcol["impressions"], "exposures": fcol["exposures"],
            "missed_posts": fcol["missed_posts"], "posts": flows[m, :, FLOWS.index("posts_this_hour")].sum(),
            "engagements": fcol["engagements"], "spent": spent,
            "frequency": fcol["exposures"] / final_reach if final_reach else np.nan,
            "share_rate": relays / fcol["exposures"] if fcol["exposures"] else np.nan,
            "cost_per_engagement": _per(spent, fcol["engagements"]),
            "cost_per_adoption": _per(spent, col["adopted"]),
            "useful_reach_per_euro": col["useful_reach"] / spent if spent > 0 else np.nan,
            "amplification_per_seed": relays / seeded if seeded else np.nan,
            "amplification_per_1000_impressions": relays / (fcol["impressions"] / 1000) if fcol["impressions"] else np.nan,
            "cost_per_useful_contact": _per(spent, col["useful_reach"]),
            "time_to_half_reach": (int(np.argmax(reach_curve >= 0.5 * final_reach)) - launch + 1)
            if final_reach > 0 and launch >= 0 else np.nan,
            "peak_hour": int(np.argmax(new_aware)) if final_reach > 0 else np.nan,
            "cascade_depth_max": depth[2] if depth[0] else np.nan,
            "cascade_depth_mean": depth[1] / depth[0] if depth[0] else np.nan,
            "organic_relay_share": relays / (relays + seeded) if relays + seeded else np.nan,
            "largest_relay_tree": largest,
            "agents_relaying_to_k": agents_k,
        }
        for name in FINALS:
            finals[name][m] = values[name]
    return curves, flows, finals


TIER_STATS = ("accounts_posting", "posts", "follower_views", "engagements", "sponsored", "spent_sponsored")


def tier_stats(model) -> np.ndarray:
    """Per influencer tier (consumers and bloggers by real followers), in people: accounts
    that posted, their posts, follower views (posts x followers: the denominator of an
    engagement rate), the likes and comments those posts got, accounts sponsored and what
    sponsoring them cost."""
    st = model.state
    posts = st.posts.sum(axis=0)
    sponsored = (st.seeded_at >= 0).sum(axis=0)
    j = np.flatnonzero((posts > 0) | (sponsored > 0))         # the few accounts that did anything
    j = j[per_kind("sponsorable", np.bool_)[model.population.kind[j]]]
    posts, sponsored, people, tier = posts[j].astype(np.float64), sponsored[j], model.people[j], model.tier[j]
    posted = posts > 0
    weights = (people * posted, posts * people, posts * people * model.followers[j],
               st.engagements[:, j].sum(axis=0) * posted, people * (sponsored > 0), model.seed_costs[j] * sponsored)
    out = np.stack([np.bincount(tier, weights=w, minlength=len(TIERS)) for w in weights], axis=1)
    return out


def _per(spent: float, count: float) -> float:
    """Euros per unit of a result (0 for a free plan); undefined when nothing was achieved."""
    return spent / count if count > 0 else np.nan


def agent_names(model, agents) -> np.ndarray:
    """The agents' names: their handles (network=followers), else 'agent <index>' (made only
    for the agents asked about: a million names per replicate would cost more than the run)."""
    pop, agents = model.population, np.asarray(agents, dtype=np.int64)
    if pop.names is not None:
        return np.asarray(pop.names, dtype=object)[agents]
    return np.array([f"agent {i}" for i in agents], dtype=object)


def attribution_table(model) -> pd.DataFrame:
    """Who relayed to whom (one row per relay) in the model's current replicate."""
    st, kind = model.state, model.population.kind
    rows = []
    for m, msg in enumerate(model.messages):
        relayers = np.flatnonzero(st.relay_at[m] >= 0)
        parents = st.relay_parent[m, relayers]
        rows.append(pd.DataFrame({
            "message": msg.name,
            "source": parents,
            "source_kind": np.where(parents >= 0, np.asarray(KIND_NAMES)[kind[np.maximum(parents, 0)]], "ad"),
            "agent": relayers,
            "agent_kind": np.asarray(KIND_NAMES)[kind[relayers]],
            "hour": st.relay_at[m, relayers],
            "depth": st.relay_depth[m, relayers],
            "source_seeded": np.where(parents >= 0, st.seeded_at[m, np.maximum(parents, 0)] >= 0, False),
            "source_name": np.where(parents >= 0, agent_names(model, np.maximum(parents, 0)), "ad"),
            "agent_name": agent_names(model, relayers),
        }))
    return pd.concat(rows, ignore_index=True)
