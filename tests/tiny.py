"""Tiny hand-built worlds for the behavioural tests: every agent, link and post chosen."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.actions import Action
from sim.config import Config, MessageConfig
from sim.model import InfluenceModel
from sim.network import Network
from sim.kinds import BLOGGER, BRAND, CONSUMER
from sim.population import Population

__all__ = ["BLOGGER", "BRAND", "CONSUMER", "Plan", "behaviour_config", "tiny_model", "outcomes"]


class Plan(Action):
    """Exactly these actions: posts and seeds as (hour, agents, message), ads as
    (hour, reach, count, message)."""

    def __init__(self, posts=(), seeds=(), ads=()):
        self.posts, self.seeds, self.ads = list(posts), list(seeds), list(ads)

    def apply(self, model, t):
        for hour, agents, m in self.posts:
            if hour == t:
                model.post(agents, m)
        for hour, agents, m in self.seeds:
            if hour == t:
                model.seed(agents, m)
        for hour, reach, count, m in self.ads:
            if hour == t:
                model.show_ads(reach=reach, count=count, message=m)


def behaviour_config(interest=1.0, promotional=0.0, topics=(1.0, 0.5, 0, 0, 0, 0, 0, 0), second_topics=None,
                     half_life=None, wearout=1.0, window=1, limit=0, profile=None) -> Config:
    """Everyone online every hour, one-hour window, no attention limit, no decay, no wear-out,
    no adoption: each test switches on the mechanism it measures."""
    cfg = Config()
    cfg.timing.start, cfg.run.hours, cfg.run.replicates = "2027-03-01 00:00", 24, 1      # a Monday, midnight
    cfg.population.daily_profile = list(profile) if profile is not None else [1.0] * 24
    cfg.population.weekend_profile = None
    m = cfg.message
    m.topics, m.interest, m.promotional = list(topics), interest, promotional
    m.novelty, m.half_life_hours, m.wearout = 1.0, half_life, wearout
    if second_topics is not None:
        cfg.messages = {"second": MessageConfig(name="second", topics=list(second_topics), interest=interest,
                                                promotional=promotional, novelty=1.0, half_life_hours=half_life,
                                                wearout=wearout)}
    d = cfg.diffusion
    d.attention_window, d.attention_limit, d.talk_hours = window, limit, 1
    d.adoption_prob, d.adoption_min_sources, d.relayers_adopt, d.ad_notice = 0.0, 1, False, 1.0
    cfg.campaign.mass_reach = 0.0
    cfg.target.segments = [0]
    return cfg


def tiny_model(cfg: Config, kinds, edges, interests=None, scepticism=0.0, activity=1.0, actions=(),
               mode="fast") -> InfluenceModel:
    """A model on exactly these agents (kinds), follow links (source, follower) and traits."""
    kind = np.asarray(kinds, dtype=np.int8)
    n = kind.size
    if interests is None:
        interests = np.tile(np.asarray(cfg.message.topics, float), (n, 1))
    interests = np.asarray(interests, dtype=np.float64)
    interests = interests / interests.sum(axis=1, keepdims=True)
    credibility = np.asarray(cfg.diffusion.credibility.as_list())[kind]
    pop = Population(kind=kind, segment=np.where(kind == CONSUMER, 0, -1).astype(np.int32), interests=interests,
                     scepticism=np.broadcast_to(np.asarray(scepticism, float), n).copy(),
                     activity=np.broadcast_to(np.asarray(activity, float), n).copy(), credibility=credibility,
                     daily_profile=np.asarray(cfg.population.daily_profile, dtype=np.float64), n_segments=1)
    src, dst = (np.asarray(edges, dtype=np.int64).reshape(-1, 2).T if len(edges) else
                (np.empty(0, np.int64), np.empty(0, np.int64)))
    return InfluenceModel(cfg, world=(pop, Network.from_edges(n, src, dst)), actions=list(actions), mode=mode)


@dataclass
class Outcomes:
    """Per replicate (rows) and agent (columns), after the run; `_m` lists are per message."""
    aware_at: np.ndarray
    relay_at: np.ndarray
    exposures: np.ndarray
    sources: np.ndarray
    adopted: np.ndarray
    relayed_m: list
    exposures_m: list
    impressions: np.ndarray     # per replicate, all messages
    missed: np.ndarray          # per replicate
    posts: np.ndarray           # replicates x hours, all messages

    @property
    def relayed(self):
        return self.relay_at >= 0

    @property
    def exposed(self):
        return self.exposures > 0


def outcomes(model: InfluenceModel, reps: int, hours: int, m: int = 0) -> Outcomes:
    """Run replicates 0..reps-1 for `hours` and keep message m's per-agent results."""
    from sim import kernels as K
    from sim.kinds import N_KINDS
    rows = []
    for r in range(reps):
        model.reset(r)
        hourly = model.run(hours)
        st = model.state
        rows.append((st.aware_at[m].copy(), st.relay_at[m].copy(), st.exposures[m].copy(), st.sources[m].copy(),
                     st.adopt_at[m] >= 0, [st.relay_at[k] >= 0 for k in range(len(model.messages))],
                     [st.exposures[k].copy() for k in range(len(model.messages))],
                     hourly[:, :, K.IMPRESSIONS].sum(), hourly[:, :, K.MISSED:K.MISSED + N_KINDS].sum(),
                     hourly[:, :, K.POSTED:K.POSTED + N_KINDS].sum(axis=(1, 2))))
    model.release()
    cols = list(zip(*rows))
    stack = [np.array(c) for c in cols]
    per_message = [[np.array([row[k] for row in c]) for k in range(len(model.messages))] for c in (cols[5], cols[6])]
    return Outcomes(stack[0], stack[1], stack[2], stack[3], stack[4], per_message[0], per_message[1],
                    stack[7], stack[8], stack[9])
