"""InfluenceModel: a Mesa model whose hour is one call of the numba kernel.

Tiny surface (after CyNetDiff): `reset(replicate)`, `step()` (one hour), `run(hours)`.
The population, network and campaign are built once; `reset` clears the diffusion
state and selects the replicate's random stream, so replicates reuse the agents.
"""
from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from . import kernels as K
from .agents import AGENT_CLASSES, MarketAgent
from .campaign import Action, actions_from_config
from .config import Config, ConfigError, DiffusionConfig, validate
from .message import Message
from .network import Network
from .population import BRAND, CONSUMER, Population, build_world
from .rng import ONLINE, draw_py, stream_key


@dataclass
class DiffusionRules:
    """Behavioural parameters of the relay and adoption rules (README, "Model")."""
    relay_max: np.ndarray        # per kind of the relaying agent
    credibility: np.ndarray      # per kind of source (brand value also used for ads)
    weight_interest: float
    weight_relevance: float
    weight_novelty: float
    weight_trust: float
    attention_window: int
    talk_hours: int
    adoption_prob: float
    adoption_min_sources: int
    relayers_adopt: bool
    contact_rate: float

    @classmethod
    def from_config(cls, d: DiffusionConfig, contact_rate: float = 0.0) -> "DiffusionRules":
        return cls(np.asarray(d.relay_max.as_list()), np.asarray(d.credibility.as_list()),
                   d.weight_interest, d.weight_relevance, d.weight_novelty, d.weight_trust,
                   d.attention_window, d.talk_hours, d.adoption_prob, d.adoption_min_sources,
                   bool(d.relayers_adopt), contact_rate)


class DiffusionState:
    """Per-replicate state, one array per attribute (hours; -1 = not yet)."""
    I32_ROWS = ("aware_at", "relay_at", "adopt_at", "seeded_at", "exposures", "sources",
                "talk_until", "last_post")

    def __init__(self, n: int, edges: int, window: int):
        self.i32 = np.empty((len(self.I32_ROWS), n), dtype=np.int32)
        for row, name in enumerate(self.I32_ROWS):
            setattr(self, name, self.i32[row])
        self.seen_edge = np.zeros(edges, dtype=np.uint8)
        self.seen_ad = np.zeros(n, dtype=np.uint8)
        self.views_now = np.zeros(n, dtype=np.int32)     # scratch for the current hour
        self.new_src = np.zeros(n, dtype=np.int32)
        self.hits = np.zeros(n, dtype=np.uint8)
        self.touched = np.zeros(n, dtype=np.int32)
        self.post_ring = np.zeros((window, n), dtype=np.int32)   # who posted in each of the last hours
        self.post_count = np.zeros(window, dtype=np.int64)
        self.talking = np.zeros(n, dtype=np.int32)
        self.misc = np.zeros(2, dtype=np.int64)           # n_talking, launch hour
        self.clear()

    def clear(self) -> None:
        self.i32[:] = -1
        self.exposures[:] = 0
        self.sources[:] = 0
        for a in (self.seen_edge, self.seen_ad, self.views_now, self.new_src, self.hits, self.post_count):
            a[:] = 0
        self.misc[:] = (0, -1)


class InfluenceModel(mesa.Model):
    """Diffusion of one message through consumers, bloggers and brand accounts."""

    def __init__(self, cfg: Config | None = None, world: tuple[Population, Network] | None = None,
                 actions: list[Action] | None = None, mode: str | None = None):
        cfg = validate(cfg if cfg is not None else Config())
        super().__init__(seed=cfg.run.seed)
        self.cfg = cfg
        self.mode = mode or cfg.run.mode
        self.population, self.network = world if world is not None else build_world(cfg)
        pop, net = self.population, self.network
        self.message = Message.from_config(cfg.message)
        self.rules = DiffusionRules.from_config(cfg.diffusion, cfg.network.contact_rate)
        self.relevance = self.message.relevance(pop.interests)
        for k, seg in enumerate(cfg.campaign.target_segments):
            if seg >= pop.n_segments:
                raise ConfigError(f"campaign.target_segments[{k}]",
                                  f"segment {seg} does not exist (segments are 0..{pop.n_segments - 1})")
        self.useful = ((pop.kind == CONSUMER)
                       & np.isin(pop.segment, cfg.campaign.target_segments)).astype(np.uint8)
        self.is_consumer = (pop.kind == CONSUMER).astype(np.uint8)
        self._fp, self._ip = self._kernel_parameters()
        self.state = DiffusionState(pop.size, net.edges, self.rules.attention_window)
        self.actions = actions if actions is not None else actions_from_config(cfg.campaign, self)
        for action in self.actions:
            action.initialize(self)
        for i, kind in enumerate(pop.kind):
            AGENT_CLASSES[kind](self, i)
        self.out = np.zeros(K.N_OUT, dtype=np.int64)
        self.reset(0)

    def _kernel_parameters(self):
        m, r = self.message, self.rules
        fp = np.zeros(K.N_FP)
        fp[[K.F_INTEREST, K.F_NOVELTY, K.F_DECAY, K.F_WEAROUT, K.F_PROMO, K.F_WI, K.F_WR, K.F_WN,
            K.F_WT, K.F_ADOPT, K.F_CONTACT, K.F_AD_CRED]] = (
            m.interest, m.novelty, m.decay, m.wearout, m.promotional, r.weight_interest,
            r.weight_relevance, r.weight_novelty, r.weight_trust, r.adoption_prob, r.contact_rate,
            r.credibility[BRAND])
        fp[K.F_RELAY_MAX:K.F_RELAY_MAX + 3] = r.relay_max
        ip = np.zeros(K.N_IP, dtype=np.int64)
        ip[[K.I_WINDOW, K.I_TALK, K.I_MIN_SOURCES, K.I_RELAYERS_ADOPT, K.I_START_HOUR]] = (
            r.attention_window, r.talk_hours, r.adoption_min_sources, int(r.relayers_adopt),
            self.cfg.run.start_hour)
        return fp, ip

    # ------------------------------------------------------------ surface
    def reset(self, replicate: int = 0) -> None:
        """Clear the diffusion and switch to replicate `replicate`'s random stream."""
        self.replicate = int(replicate)
        self.key = stream_key(self.cfg.run.seed, self.replicate)
        self._key64 = np.uint64(self.key)
        self.state.clear()
        self.hour = 0
        self.steps = 0
        self.history: list[np.ndarray] = []       # per hour: the kernel's N_OUT counts
        self.posts_by_hour: dict[int, set] = {}   # reference mode only
        self.talkers: list[int] = []              # reference mode only

    def step(self) -> None:
        """One hour: campaign actions, then exposures, decisions and posts."""
        t = self.hour
        self._seeds, self._posts, self.mass_reach_now = [], [], 0.0
        for action in self.actions:
            action.apply(self, t)
        if self.mode == "fast":
            self._advance_kernel(t)
        else:
            self._advance_reference(t)
        self.history.append(self.out.copy())
        self.hour += 1

    def run(self, hours: int | None = None) -> np.ndarray:
        """Advance `hours` hours (default run.hours); return the hourly counts (hours x N_OUT)."""
        for _ in range(self.cfg.run.hours if hours is None else hours):
            self.step()
        return np.array(self.history, dtype=np.int64).reshape(-1, K.N_OUT)

    # ------------------------------------------------------------ what actions call
    def post(self, agents) -> None:
        """These agents post the message once this hour."""
        self._posts.extend(int(a) for a in agents)

    def seed(self, agents) -> None:
        """These agents start talking about the message this hour (sponsored)."""
        self._seeds.extend(int(a) for a in agents)

    def show_ads(self, reach: float) -> None:
        """Paid ads this hour: each online consumer sees one with probability `reach`."""
        self.mass_reach_now = max(self.mass_reach_now, float(reach))

    # ------------------------------------------------------------ helpers
    @property
    def launch_hour(self) -> int:
        return int(self.state.misc[K.M_LAUNCH])

    def draw(self, purpose: int, s: int, a: int, b: int = 0, c: int = 0) -> float:
        return draw_py(self.key, purpose, s, a, b, c)

    def is_online(self, i: int, s: int) -> bool:
        pop = self.population
        return self.draw(ONLINE, s, i) < pop.activity[i] * pop.daily_profile[(self.cfg.run.start_hour + s) % 24]

    def make_aware(self, i: int) -> None:
        st = self.state
        if st.aware_at[i] < 0:
            st.aware_at[i] = self.hour
            self.out[K.NEW_AWARE + self.population.kind[i]] += 1
            if self.useful[i]:
                self.out[K.NEW_USEFUL] += 1

    def _advance_kernel(self, t: int) -> None:
        pop, net, st = self.population, self.network, self.state
        K.advance(t, self._key64, net.indptr, net.indices, pop.kind, self.relevance, pop.scepticism,
                  pop.activity, pop.credibility, pop.daily_profile, self.is_consumer, self.useful,
                  self._fp, self._ip, st.i32, st.seen_edge, st.seen_ad, st.views_now, st.new_src,
                  st.hits, st.touched, st.post_ring, st.post_count, st.talking, st.misc,
                  np.asarray(self._seeds, dtype=np.int32), np.asarray(self._posts, dtype=np.int32),
                  float(self.mass_reach_now), self.out)

    def _advance_reference(self, s: int) -> None:
        """The same hour in plain Python, through the agents' step() and advance()."""
        st, out = self.state, self.out
        out[:] = 0
        if st.misc[K.M_LAUNCH] < 0 and (self._seeds or self._posts or self.mass_reach_now > 0):
            st.misc[K.M_LAUNCH] = s
        self.agents.do("step")
        self.agents.do("advance")
        # post: new seeds start talking, one-off posts, every talker posts
        talk = self.rules.talk_hours
        posted: set[int] = set()
        for j in self._seeds:
            if st.seeded_at[j] < 0:
                st.seeded_at[j] = s
                out[K.NEW_SEEDED] += 1
                self.make_aware(j)
                if st.talk_until[j] < s:
                    st.talk_until[j] = s + talk - 1 if talk > 0 else K.NEVER
                    self.talkers.append(j)
        for j in self._posts:
            self.make_aware(j)
            posted.add(j)
        self.talkers = [j for j in self.talkers if st.talk_until[j] >= s]
        posted.update(self.talkers)
        self.talkers = [j for j in self.talkers if st.talk_until[j] > s]
        for j in posted:
            st.last_post[j] = s
        out[K.POSTS] = len(posted)
        self.posts_by_hour[s] = posted
        self.posts_by_hour.pop(s - self.rules.attention_window, None)

    def release(self) -> None:
        """Forget this model in Mesa's class-level id counter (it keeps models alive)."""
        mesa.Agent._ids.pop(self, None)


__all__ = ["InfluenceModel", "DiffusionRules", "DiffusionState", "MarketAgent"]
