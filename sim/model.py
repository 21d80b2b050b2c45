"""InfluenceModel: a Mesa model whose hour is one call of the numba kernel.

Tiny surface (after CyNetDiff): `reset(replicate)`, `step()` (one hour), `run(hours)`.
The population, network and campaign are built once; `reset` clears the diffusion
state and selects the replicate's random stream, so replicates reuse the agents.
Several messages (a campaign's mix) diffuse at once; message m's state is row m of
every state array.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import mesa
import numpy as np

from . import kernels as K
from .agents import AGENT_CLASSES, MarketAgent
from .campaign import Action, actions_from_config, launch_step
from .config import Config, ConfigError, DiffusionConfig, message_names, validate
from .message import Message
from .network import Network
from .population import BRAND, CONSUMER, Population, build_world
from .rng import ONLINE, draw_py, stream_key


# Mesa logs every model.step at INFO; a run makes thousands of them.
logging.getLogger("MESA").setLevel(logging.WARNING)


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
    attention_limit: int
    ad_notice: float
    adoption_prob: float
    adoption_min_sources: int
    relayers_adopt: bool
    contact_rate: float

    @classmethod
    def from_config(cls, d: DiffusionConfig, contact_rate: float = 0.0) -> "DiffusionRules":
        return cls(np.asarray(d.relay_max.as_list()), np.asarray(d.credibility.as_list()),
                   d.weight_interest, d.weight_relevance, d.weight_novelty, d.weight_trust,
                   d.attention_window, d.talk_hours, d.attention_limit, d.ad_notice,
                   d.adoption_prob, d.adoption_min_sources, bool(d.relayers_adopt), contact_rate)


class DiffusionState:
    """Per-replicate state of every (message, agent) pair, as records (see `sim.kernels`):
    `hot` (what each exposure touches) and `cold` (what changes when something happens).
    The named attributes are [message, agent] views, e.g. `aware_at[m, i]` (hour; -1 = not yet)."""
    HOT = {"aware_at": K.H_AWARE, "relay_at": K.H_RELAY, "adopt_at": K.H_ADOPT,
           "seeded_at": K.H_SEEDED, "exposures": K.H_EXPOSURES, "sources": K.H_SOURCES,
           "seen_ad": K.H_SEEN_AD}
    COLD = {"talk_until": K.C_TALK_UNTIL, "last_post": K.C_LAST_POST, "aware_parent": K.C_AWARE_PARENT,
            "relay_parent": K.C_RELAY_PARENT, "aware_depth": K.C_AWARE_DEPTH, "relay_depth": K.C_RELAY_DEPTH}
    ROWS = tuple(HOT) + tuple(COLD)

    def __init__(self, messages: int, n: int, edges: int, window: int):
        self.hot = np.empty((messages, n, K.N_HOT), dtype=np.int32)
        self.cold = np.empty((messages, n, K.N_COLD), dtype=np.int32)
        for name, col in self.HOT.items():
            setattr(self, name, self.hot[:, :, col])
        for name, col in self.COLD.items():
            setattr(self, name, self.cold[:, :, col])
        self.seen_edge = np.zeros((messages, edges), dtype=np.uint8)
        self.touched = np.zeros(messages * n, dtype=np.int64)
        self.cand = np.zeros((n, 2), dtype=np.int64)              # attention-limit scratch
        self.cand[:, 1] = -1
        # posts waiting for the hour their follower is next online: (m, i, j, link, hour)
        wide = max(n, edges) >= 2**31
        self.inbox = np.zeros((window + 1, 1024, 5), dtype=np.int64 if wide else np.int32)
        self.inbox_count = np.zeros(window + 1, dtype=np.int64)
        self.talking = np.zeros((messages, n), dtype=np.int32)
        self.misc = np.zeros((messages, 2), dtype=np.int64)           # n_talking, launch hour
        self.clear()

    def clear(self) -> None:
        K.clear_records(self.hot, self.cold)
        self.seen_edge[:] = 0
        self.inbox_count[:] = 0
        self.misc[:, 0] = 0
        self.misc[:, 1] = -1

    def snapshot(self) -> np.ndarray:
        """Every named attribute stacked (for comparing two runs)."""
        return np.stack([getattr(self, name) for name in self.ROWS])


class InfluenceModel(mesa.Model):
    """Diffusion of a campaign's messages through consumers, bloggers and brand accounts."""

    def __init__(self, cfg: Config | None = None, world: tuple[Population, Network] | None = None,
                 actions: list[Action] | None = None, mode: str | None = None,
                 cache: dict | None = None):
        cfg = validate(cfg if cfg is not None else Config())
        super().__init__(seed=cfg.run.seed)
        self.cfg = cfg
        self.mode = mode or cfg.run.mode
        self.population, self.network = world if world is not None else build_world(cfg)
        self.cache = cache if cache is not None else {}     # shared by scenarios on one world
        pop, net = self.population, self.network
        extra = {name: mc for name, mc in cfg.messages.items() if name != cfg.message.name}
        self.messages = [Message.from_config(cfg.message)] + [
            Message.from_config(mc, name) for name, mc in extra.items()]
        assert [m.name for m in self.messages] == message_names(cfg)
        self.rules = DiffusionRules.from_config(cfg.diffusion, cfg.network.contact_rate)
        self.relevance = np.stack([m.relevance(pop.interests) for m in self.messages])
        for k, seg in enumerate(cfg.target.segments):
            if seg >= pop.n_segments:
                raise ConfigError(f"target.segments[{k}]",
                                  f"segment {seg} does not exist (segments are 0..{pop.n_segments - 1})")
        self.useful = ((pop.kind == CONSUMER) & np.isin(pop.segment, cfg.target.segments)).astype(np.uint8)
        self.consumers = np.flatnonzero(pop.kind == CONSUMER).astype(np.int64)
        c = cfg.campaign
        followers = net.follower_counts.astype(np.float64)
        self.seed_costs = (np.asarray(c.seed_fee_fixed.as_list())[pop.kind]
                           + np.asarray(c.seed_fee_per_follower.as_list())[pop.kind] * followers)
        self.launch = launch_step(cfg)
        self._fpm, self._fpg, self._ip = self._kernel_parameters()
        self.state = DiffusionState(len(self.messages), pop.size, net.edges, self.rules.attention_window)
        # per (message, agent) constants of the relay rule, refreshed by reset()
        self.static = np.empty((len(self.messages), pop.size, K.N_STATIC))
        self.notes: list[str] = []
        self.actions = actions if actions is not None else actions_from_config(self)
        for action in self.actions:
            action.initialize(self)
        self._agent_list: list[MarketAgent] | None = None    # Mesa agents, created on first use
        self.out = np.zeros((len(self.messages), K.N_OUT), dtype=np.int64)
        self.reset(0)

    def _kernel_parameters(self):
        r = self.rules
        fpm = np.array([[m.interest, m.novelty, m.decay, m.wearout, m.promotional]
                        for m in self.messages], dtype=np.float64)
        fpg = np.zeros(K.N_FPG)
        fpg[[K.G_WI, K.G_WR, K.G_WN, K.G_WT, K.G_ADOPT, K.G_CONTACT, K.G_AD_CRED, K.G_AD_NOTICE]] = (
            r.weight_interest, r.weight_relevance, r.weight_novelty, r.weight_trust,
            r.adoption_prob, r.contact_rate, r.credibility[BRAND], r.ad_notice)
        ip = np.zeros(K.N_IP, dtype=np.int64)
        ip[[K.I_WINDOW, K.I_TALK, K.I_MIN_SOURCES, K.I_RELAYERS_ADOPT, K.I_START_HOUR, K.I_ATTENTION]] = (
            r.attention_window, r.talk_hours, r.adoption_min_sources, int(r.relayers_adopt),
            self.cfg.run.start_hour, r.attention_limit)
        return fpm, fpg, ip

    # ------------------------------------------------------------ Mesa agents, on demand
    # The kernel needs only the arrays, so the agent objects (about 1 KB each) are made
    # the first time anything asks for them: `model.agents`, `agents_by_type`,
    # `agent_types`, `agent_list` or reference mode. A fast run of a million agents
    # never pays for them; whoever looks sees the full, ordinary Mesa AgentSet.
    @property
    def agent_list(self) -> list[MarketAgent]:
        if self._agent_list is None:
            self._agent_list = [AGENT_CLASSES[kind](self, i) for i, kind in enumerate(self.population.kind)]
        return self._agent_list

    @property
    def agents(self):
        _ = self.agent_list          # make the agent objects if nobody has yet
        return mesa.Model.agents.fget(self)

    @property
    def agents_by_type(self):
        _ = self.agent_list
        return mesa.Model.agents_by_type.fget(self)

    @property
    def agent_types(self):
        _ = self.agent_list
        return mesa.Model.agent_types.fget(self)

    # ------------------------------------------------------------ surface
    def reset(self, replicate: int = 0) -> None:
        """Clear the diffusion and switch to replicate `replicate`'s random stream."""
        self.replicate = int(replicate)
        self.key = stream_key(self.cfg.run.seed, self.replicate)
        self._key64 = np.uint64(self.key)
        self.state.clear()
        pop = self.population
        K.fill_static(self.relevance, pop.scepticism, pop.kind, self.useful,     # 3-15 ms at 1M agents
                      self.rules.relay_max.astype(np.float64), float(self.rules.weight_relevance), self.static)
        self.hour = 0
        self.steps = 0
        self.spent = np.zeros(len(self.messages))         # euros, per message
        self.history: list[np.ndarray] = []               # per hour: the kernel's counts
        self.posts_by_hour: dict[int, list[set]] = {}     # reference mode only
        self.talkers: list[list[int]] = [[] for _ in self.messages]   # reference mode only
        for action in self.actions:
            action.reset(self)

    def step(self) -> None:
        """One hour: campaign actions, then exposures, decisions and posts."""
        t = self.hour
        self._seeds, self._posts = [], []
        self.ad_reach = np.zeros(len(self.messages))
        self.ad_count = np.zeros(len(self.messages), dtype=np.int64)
        for action in self.actions:
            action.apply(self, t)
        if self.mode == "fast":
            self._advance_kernel(t)
        else:
            self._advance_reference(t)
        self.spent += self.out[:, K.IMPRESSIONS] * self.cfg.campaign.cpm / 1000.0
        self.history.append(self.out.copy())
        self.hour += 1

    def run(self, hours: int | None = None) -> np.ndarray:
        """Advance `hours` hours (default run.hours); return hourly counts (hours x messages x N_OUT)."""
        for _ in range(self.cfg.run.hours if hours is None else hours):
            self.step()
        return np.array(self.history, dtype=np.int64).reshape(-1, len(self.messages), K.N_OUT)

    # ------------------------------------------------------------ what actions call
    def post(self, agents, message: int = 0) -> None:
        """These agents post message `message` once this hour."""
        self._posts.extend((message, int(a)) for a in agents)

    def seed(self, agents, message: int = 0, cost: float = 0.0) -> None:
        """These agents start talking about `message` this hour (sponsored, for `cost` euros)."""
        self._seeds.extend((message, int(a)) for a in agents)
        self.spent[message] += cost

    def show_ads(self, reach: float = 0.0, count: int = 0, message: int = 0) -> None:
        """Paid ads this hour: each online consumer sees one with probability `reach`,
        and/or `count` impressions go to random online consumers (each costs cpm/1000)."""
        self.ad_reach[message] = max(self.ad_reach[message], float(reach))
        self.ad_count[message] += int(count)

    # ------------------------------------------------------------ helpers
    def launch_hour_of(self, m: int) -> int:
        return int(self.state.misc[m, K.M_LAUNCH])

    def draw(self, purpose: int, s: int, a: int, b: int = 0, c: int = 0) -> float:
        return draw_py(self.key, purpose, s, a, b, c)

    def is_online(self, i: int, s: int) -> bool:
        pop = self.population
        return self.draw(ONLINE, s, i) < pop.activity[i] * pop.daily_profile[(self.cfg.run.start_hour + s) % 24]

    def make_aware(self, m: int, i: int) -> bool:
        st = self.state
        if st.aware_at[m, i] < 0:
            st.aware_at[m, i] = self.hour
            self.out[m, K.NEW_AWARE + self.population.kind[i]] += 1
            if self.useful[i]:
                self.out[m, K.NEW_USEFUL] += 1
            return True
        return False

    def _inputs(self):
        def pairs(items):
            a = np.asarray(items, dtype=np.int64).reshape(-1, 2)
            return a[:, 0].copy(), a[:, 1].copy()
        return pairs(self._seeds) + pairs(self._posts)

    def _advance_kernel(self, t: int) -> None:
        pop, net, st = self.population, self.network, self.state
        seed_msg, seed_agent, post_msg, post_agent = self._inputs()
        st.inbox = K.advance(t, self._key64, net.indptr, net.indices, pop.kind, pop.activity,
                             pop.credibility, pop.daily_profile, self.consumers, self._fpm, self._fpg,
                             self._ip, self.static, st.hot, st.cold, st.seen_edge, st.touched, st.cand,
                             st.inbox, st.inbox_count, st.talking, st.misc,
                             seed_msg, seed_agent, post_msg, post_agent, self.ad_reach, self.ad_count,
                             self.out)

    def _advance_reference(self, s: int) -> None:
        """The same hour in plain Python, through the agents' step() and advance()."""
        from .agents import reference_ads, reference_post
        st, out = self.state, self.out
        out[:] = 0
        for m in range(len(self.messages)):
            if st.misc[m, K.M_LAUNCH] < 0 and (self.ad_reach[m] > 0 or self.ad_count[m] > 0
                                               or any(x == m for x, _ in self._seeds + self._posts)):
                st.misc[m, K.M_LAUNCH] = s
        self.agents.do("step")
        reference_ads(self, s)
        self.agents.do("advance")
        reference_post(self, s)

    def release(self) -> None:
        """Forget this model in Mesa's class-level id counter (it keeps models alive)."""
        mesa.Agent._ids.pop(self, None)


__all__ = ["InfluenceModel", "DiffusionRules", "DiffusionState", "MarketAgent"]
