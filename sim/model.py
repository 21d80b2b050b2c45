"""InfluenceModel: a Mesa model whose hour is one call of the numba kernel.

Tiny surface (after CyNetDiff): `reset(replicate)`, `step()` (one hour), `run(hours)`.
The population, network and campaign are built once; `reset` clears the diffusion
state and selects the replicate's random stream, so replicates reuse the agents.
Several messages (a campaign's mix) diffuse at once; message m's state is row m of
every state array.
"""
from __future__ import annotations

import copy
import logging

import mesa
import numpy as np

from . import calendar
from . import kernels as K
from . import market, reference, schedule
from .actions import Action
from .agents import AGENT_CLASSES, MarketAgent
from .campaign import actions_from_config, launch_step
from .checks import validate
from .config import Config, message_names
from .errors import ConfigError
from .kinds import CONSUMER, per_kind
from .message import Message
from .network import Network
from .population import Population, build_world
from .rng import stream_key
from .rules import rules_from_config
from .state import DiffusionState


# Mesa logs every model.step at INFO; a run makes thousands of them.
logging.getLogger("MESA").setLevel(logging.WARNING)


class InfluenceModel(mesa.Model):
    """Diffusion of a campaign's messages through consumers, bloggers and brand accounts.
    `state`: the state arrays of a model of the same world done with (loops that build a model
    per parameter set reuse them instead of allocating state for every agent each time)."""

    def __init__(self, cfg: Config | None = None, world: tuple[Population, Network] | None = None,
                 actions: list[Action] | None = None, mode: str | None = None,
                 cache: dict | None = None, state: DiffusionState | None = None):
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
        self.rules = rules_from_config(cfg.diffusion, self.messages, cfg.network.contact_rate,
                                       market.people_per_kind(cfg.population.scale))
        self.relevance = self._cached(("relevance", tuple(tuple(m.topics) for m in self.messages)),
                                      lambda: np.stack([m.relevance(pop.interests) for m in self.messages]))
        for k, seg in enumerate(cfg.target.segments):
            if seg >= pop.n_segments:
                raise ConfigError(f"target.segments[{k}]",
                                  f"segment {seg} does not exist (segments are 0..{pop.n_segments - 1})")
        self.useful = self._cached(("useful", tuple(cfg.target.segments)), lambda: (
            (pop.kind == CONSUMER) & np.isin(pop.segment, cfg.target.segments)).astype(np.uint8))
        self.consumers = self._cached(("consumers",), lambda: np.flatnonzero(pop.kind == CONSUMER).astype(np.int64))
        scale, c = float(cfg.population.scale), cfg.campaign
        self.people = self._cached(("people", scale), lambda: market.people_per_agent(pop.kind, scale))
        real = self._cached(("real followers", scale), lambda: market.real_followers(net, self.people))
        self.followers, self.tier, self.seed_costs = self._cached(
            ("accounts", scale, tuple(c.seed_fee_fixed.as_list()), tuple(c.seed_fee_per_follower.as_list())),
            lambda: market.accounts(c, pop, net, self.people, real))
        self.credibility = market.credibility(pop.kind, pop.credibility, cfg.diffusion.tier_trust, self.tier)
        self.people_per_impression = float(cfg.population.scale)     # ads go to consumers
        self.launch = launch_step(cfg)
        self.start = calendar.start_of(cfg)
        self.horizon = calendar.horizon(cfg)
        self._build_world_record(self.horizon)
        self.state = (state if state is not None and state.fits(len(self.messages), pop.size, net.edges,
                                                                  self.rules.attention_window)
                      else DiffusionState(len(self.messages), pop.size, net.edges, self.rules.attention_window))
        self.notes: list[str] = list(pop.notes or [])
        self.actions = actions if actions is not None else actions_from_config(self)
        for action in self.actions:
            action.initialize(self)
        self._agent_list: list[MarketAgent] | None = None    # Mesa agents, created on first use
        self._schedule = None                                 # the scheduled actions' plan (sim.schedule)
        self.out = np.zeros((len(self.messages), K.N_OUT), dtype=np.int64)
        self.reset(0)

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
                      self.rules.relay_max, self.rules.w_relevance, self.state.static)
        self.hour = 0
        self.steps = 0
        self.spent = np.zeros(len(self.messages))         # euros, per message
        self.history: list[np.ndarray] = []               # per hour: the kernel's counts
        self.reference = reference.Reference(self) if self.mode == "reference" else None
        for action in self.actions:
            action.reset(self)

    def step(self) -> None:
        """One hour: campaign actions, then exposures, decisions and posts."""
        t = self.hour
        self._seeds, self._posts, self._costs = [], [], []
        self.ad_reach = np.zeros(len(self.messages))
        self.ad_count = np.zeros(len(self.messages), dtype=np.int64)
        for action in self.actions:
            action.apply(self, t)
        if self.mode == "fast":
            self._advance_kernel(t)
        else:
            reference.hour(self.reference, t)
        self.spent += self.out[:, K.IMPRESSIONS] * self.people_per_impression * self.cfg.campaign.cpm / 1000.0
        self.history.append(self.out.copy())
        self.hour += 1

    def run(self, hours: int | None = None) -> np.ndarray:
        """Advance `hours` hours (default: the horizon); return hourly counts (hours x messages x N_OUT).
        In fast mode, the hours in which no action needs Python run in one kernel call each stretch
        (`sim.schedule`), exactly as step by step."""
        end = self.hour + (self.horizon if hours is None else hours)
        while self.hour < end:
            stop = schedule.quiet_until(self, end) if self.mode == "fast" else self.hour
            if stop > self.hour:
                self._advance_kernel_hours(stop)
            else:
                self.step()
        return np.array(self.history, dtype=np.int64).reshape(-1, len(self.messages), K.N_OUT)

    # ------------------------------------------------------------ what actions call
    def post(self, agents, message: int = 0) -> None:
        """These agents post message `message` once this hour."""
        self._posts.extend((message, int(a)) for a in agents)

    def seed(self, agents, message: int = 0, cost: float = 0.0) -> None:
        """These agents start talking about `message` this hour (sponsored, for `cost` euros)."""
        self._seeds.extend((message, int(a)) for a in agents)
        self._costs.append((message, float(cost)))
        self.spent[message] += cost

    def show_ads(self, reach: float = 0.0, count: int = 0, message: int = 0) -> None:
        """Paid ads this hour: each online consumer sees one with probability `reach`,
        and/or `count` impressions go to random online consumers (each costs cpm/1000)."""
        self.ad_reach[message] = max(self.ad_reach[message], float(reach))
        self.ad_count[message] += int(count)

    # ------------------------------------------------------------ helpers
    def _cached(self, key, make):
        """Arrays derived from the world and the settings in `key`, made once per world
        (replicas, the scenarios of a comparison and a calibration's particles share `cache`:
        nothing per agent is recomputed per model); never modified in place (writable all the
        same: a read-only array is another type to numba, so another compilation of each kernel)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def launch_hour_of(self, m: int) -> int:
        return int(self.state.launch[m])

    def _build_world_record(self, hours: int) -> None:
        """The kernel's view of the world, with the online profile of every hour up to `hours`
        plus the attention window (posts made in the last hour are routed that far ahead)."""
        pop, net = self.population, self.network
        length = hours + self.rules.attention_window + 2
        share = self._cached(("online share", self.start, length),
                             lambda: calendar.hourly_share(self.start, *pop.profiles, length))
        self.world = K.World(net.indptr, net.indices, pop.kind, pop.activity, self.credibility, share, self.consumers,
                             per_kind("fully_promotional", np.bool_))

    def online_share(self, t: int) -> float:
        """The online profile of simulated hour t (its local hour, weekday or weekend)."""
        if t + self.rules.attention_window + 2 > self.world.online_share.size:
            self._build_world_record(2 * (t + 1))
        return float(self.world.online_share[t])

    def _advance_kernel(self, t: int) -> None:
        seeds = np.asarray(self._seeds, dtype=np.int64).reshape(-1, 2)
        posts = np.asarray(self._posts, dtype=np.int64).reshape(-1, 2)
        plan = K.HourPlan(seeds[:, 0].copy(), seeds[:, 1].copy(), posts[:, 0].copy(), posts[:, 1].copy(),
                          self.ad_reach, self.ad_count)
        self.online_share(t)                     # the profile reaches this hour (run past the horizon)
        self.state.inbox = K.advance(t, self._key64, self.world, self.rules, self.state.record(), plan, self.out)

    def _advance_kernel_hours(self, stop: int) -> None:
        """Hours self.hour .. stop - 1 on the recorded schedule, in one kernel call."""
        t, plan = self.hour, schedule.recorded(self)
        self.online_share(stop - 1)
        chunk = np.empty((stop - t, len(self.messages), K.N_OUT), dtype=np.int64)
        self.state.inbox = K.advance_hours(t, stop, self._key64, self.world, self.rules, self.state.record(), plan,
                                           self.people_per_impression, float(self.cfg.campaign.cpm), self.spent,
                                           chunk)
        self.history.extend(chunk)
        self.out[:] = chunk[-1]
        self.hour = stop
        self.steps += stop - t

    def replica(self) -> "InfluenceModel":
        """Another model of the same world, parameters and campaign actions, with its own state
        (replicates run in parallel threads, one model each): a custom plan or an edited
        parameter record of this model applies to every thread."""
        twin = InfluenceModel(self.cfg, world=(self.population, self.network), actions=copy.deepcopy(self.actions),
                              mode=self.mode, cache=self.cache)
        twin.rules = copy.deepcopy(self.rules)
        twin.reset(0)
        return twin

    def release(self) -> None:
        """Forget this model in Mesa's class-level id counter (it keeps models alive)."""
        mesa.Agent._ids.pop(self, None)


__all__ = ["InfluenceModel", "DiffusionState", "MarketAgent"]
