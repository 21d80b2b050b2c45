"""The plain-Python reference hour: the README's rules evaluated directly, phase by phase.

It follows `sim.kernels.advance` phase for phase (feed, ads, chats, commit, post), so
the two can be read side by side, but shares none of its rule code: relevance, trust,
appeal, novelty, the relay cap, the visible hours and the attention limit are computed
here from the configuration and the Mesa agents' attributes, not through `sim.rules`,
the kernel's precomputed records or the model's parameter record. Randomness is the
same counter-based draws (`sim.rng.draw_py`), so kernel and reference must agree
exactly, hour by hour (`tests/test_kernel_reference.py`); the behavioural tests check
the rules themselves against closed forms.

`run.mode=reference` uses it; it is slow (every agent, every hour) and meant for
checking and reading.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import kernels as K
from .config import message_configs
from .kinds import BRAND, CONSUMER, KINDS
from .rng import ADOPT, AD_PICK, ATTENTION, CONTACT, ENGAGE, NOTICE, ONLINE, PICK, REACTION, RELAY, STREAMS, draw_py

AD = -2                                  # the paid ad as a source (its credibility and tone: the brand's)


@dataclass
class Pending:
    """One agent's exposures to one message this hour, committed at the end of the hour."""
    views: int = 0
    new_sources: int = 0
    hits: int = 0                        # bit 1: a relay draw succeeded, bit 2: an adoption draw
    aware: tuple = (math.inf, math.inf, 0)    # credited exposure (draw key, source, depth)
    relay: tuple = (math.inf, math.inf, 0)


@dataclass
class Reference:
    """What the reference keeps besides the model's state arrays."""
    model: object
    pending: dict = field(default_factory=dict)           # (message, agent) -> Pending
    _tier_trust: dict = field(default_factory=dict)       # account -> its tier's trust factor
    posts_by_hour: dict = field(default_factory=dict)     # hour -> per message, the set of posters
    talkers: list = field(default_factory=list)           # per message, agents still talking

    def __post_init__(self):
        cfg = self.model.cfg
        self.start = datetime.strptime(cfg.timing.start, "%Y-%m-%d %H:%M")
        self.messages = message_configs(cfg)
        self.d = cfg.diffusion
        self.reset()

    def reset(self):
        self.pending, self.posts_by_hour = {}, {}
        self.talkers = [[] for _ in self.messages]

    # --- the README's formulas
    def relevance(self, m: int, agent) -> float:
        """cos(message topics, interests), in [0, 1]."""
        a, b = list(self.messages[m].topics), [float(x) for x in agent.interests]
        dot = sum(x * y for x, y in zip(a, b))
        norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
        return min(max(dot / norm, 0.0), 1.0) if norm > 0 else 0.0

    def tier_trust(self, j: int) -> float:
        """The factor of j's tier (consumers and bloggers): its real followers, the people of
        its followers per person it stands for, in the bands 10,000 / 100,000 / 1,000,000."""
        agents = self.model.agent_list
        if not KINDS[agents[j].kind].sponsorable:
            return 1.0
        if j not in self._tier_trust:
            declared = self.model.population.declared or {}
            followers = sum(self.people(agents[int(f)]) for f in self.model.network.followers(j)) / self.people(agents[j])
            if "followers" in declared and not math.isnan(declared["followers"][j]):
                followers = declared["followers"][j]                     # as the accounts file says
            tier = sum(followers >= bound for bound in (10_000, 100_000, 1_000_000))
            if "tier" in declared and declared["tier"][j] >= 0:
                tier = int(declared["tier"][j])
            self._tier_trust[j] = getattr(self.d.tier_trust, ("nano", "micro", "macro", "mega")[tier])
        return self._tier_trust[j]

    def appeal(self, m: int, agent, source: int, disclosed: bool = False) -> float:
        """interest^wI x relevance^wR x trust^wT, trust = credibility x (1 - scepticism x tone),
        credibility = the source kind's x its tier's factor, x (1 - disclosure penalty) for a
        sponsored post (`source` AD: the paid ad, with the brand's credibility and tone)."""
        msg, d = self.messages[m], self.d
        source_kind = BRAND if source == AD else self.model.agent_list[source].kind
        tone = 1.0 if KINDS[source_kind].fully_promotional else msg.promotional
        credibility = getattr(d.credibility, KINDS[source_kind].name)
        if source != AD:
            credibility *= self.tier_trust(source)
        if disclosed:
            credibility *= 1.0 - d.disclosure_penalty
        trust = credibility * (1.0 - agent.scepticism * tone)
        return (msg.interest ** d.weight_interest * self.relevance(m, agent) ** d.weight_relevance
                * trust ** d.weight_trust)

    def novelty(self, m: int, s: int, earlier: int) -> float:
        """novelty x 2^(-(s - launch) / half_life) x wearout^earlier."""
        msg = self.messages[m]
        age = s - self.model.launch_hour_of(m)
        decay = 1.0 if msg.half_life_hours is None else 2.0 ** (-age / msg.half_life_hours)
        return msg.novelty * decay * msg.wearout ** earlier

    def reaction_delay(self, m: int, i: int, j: int, t0: int) -> int:
        """Whole hours after its hour before agent i turns to j's post of hour t0: 0 unless
        message.decay=power_law, then the d with P(delay < d) <= u < P(delay < d + 1) for the
        SEISMIC kernel, P(delay < t) = 1 - (t/s0)^-theta / (1 + theta) beyond s0 (window: never)."""
        msg, window = self.messages[m], self.d.attention_window
        if msg.decay != "power_law":
            return 0
        u = draw_py(self.model.key, REACTION + STREAMS * m, t0, i, j + 3, 0)
        theta, s0 = msg.reaction_exponent, msg.reaction_onset_minutes / 60.0
        for d in range(window):
            t = d + 1.0
            below = theta * t / ((1 + theta) * s0) if t <= s0 else 1.0 - (t / s0) ** -theta / (1 + theta)
            if u < below:
                return d
        return window

    def people(self, agent) -> float:
        """People of the real market the agent stands for (consumers: population.scale)."""
        return self.model.cfg.population.scale if agent.kind == CONSUMER else 1.0

    def online(self, agent, s: int) -> bool:
        """Online with chance activity x the profile of the local hour (weekday or weekend)."""
        pop = self.model.population
        moment = self.start + timedelta(hours=s)
        profile = pop.daily_profile if moment.weekday() < 5 or pop.weekend_profile is None else pop.weekend_profile
        return draw_py(self.model.key, ONLINE, s, agent.index) < agent.activity * profile[moment.hour]


# ---------------------------------------------------------------- one exposure
def expose(ref: Reference, m: int, agent, source: int, link: int, t0: int, s: int) -> None:
    """Agent sees message m posted by `source` at hour t0 (`link`: follow link id, or
    -1 for the ad, -2 for a chat)."""
    mdl, st, i = ref.model, ref.model.state, agent.index
    p = ref.pending.setdefault((m, i), Pending())
    p.views += 1
    if link >= 0:                                   # a followed account counts once per link ...
        if not st.seen_edge[m, link]:
            st.seen_edge[m, link] = 1
            p.new_sources += 1
    elif link == -1:                                # ... the ad once ...
        if not st.seen_ad[m, i]:
            st.seen_ad[m, i] = 1
            p.new_sources += 1
    else:                                           # ... every chat anew
        p.new_sources += 1
    depth = 0 if source == AD else int(st.relay_depth[m, source])
    disclosed = source != AD and 0 <= st.seeded_at[m, source] <= t0      # a sponsored post carries #ad
    appeal = ref.appeal(m, agent, source, disclosed)
    if ref.d.engagement > 0 and \
            draw_py(mdl.key, ENGAGE + STREAMS * m, s, i, source + 3, t0) < ref.d.engagement * appeal:
        mdl.out[m, K.ENGAGED + agent.kind] += 1
        if source != AD:
            st.engagements[m, source] += ref.people(agent)
    could_relay = st.relay_at[m, i] < 0 and st.seeded_at[m, i] < 0
    if could_relay or st.aware_at[m, i] < 0:
        u = draw_py(mdl.key, RELAY + STREAMS * m, s, i, source + 3, t0)
        key = int(u * 2**31)                        # credit: the smallest relay draw, then source
        p.aware = min(p.aware, (key, source, depth))
        if could_relay:
            cap = getattr(ref.d.relay_max, KINDS[agent.kind].name)
            if u < cap * appeal * ref.novelty(m, s, int(st.exposures[m, i])) ** ref.d.weight_novelty:
                p.hits |= 1
                p.relay = min(p.relay, (key, source, depth))
    if st.adopt_at[m, i] < 0 and \
            draw_py(mdl.key, ADOPT + STREAMS * m, s, i, source + 3, t0) < ref.d.adoption_prob * appeal:
        p.hits |= 2


# ---------------------------------------------------------------- phases
def launch(ref: Reference, s: int) -> None:
    """A message is launched by its first post, seed or ad."""
    mdl = ref.model
    for m in range(len(ref.messages)):
        if mdl.state.launch[m] < 0 and (mdl.ad_reach[m] > 0 or mdl.ad_count[m] > 0
                                        or any(x == m for x, _ in mdl._seeds + mdl._posts)):
            mdl.state.launch[m] = s


def first_chance(ref: Reference, m: int, agent, j: int, t0: int, s: int) -> bool:
    """Is hour s (the agent online) its first chance to read j's post of hour t0: its
    reaction delay is over, and it has not been online since it was?"""
    ready = t0 + 1 + ref.reaction_delay(m, agent.index, j, t0)
    return ready <= s and not any(ref.online(agent, s2) for s2 in range(ready, s))


def feed(ref: Reference, agent, s: int) -> None:
    """Phase 1: the posts of followed accounts made in the last W hours that the agent has
    not had a chance to see (it was offline since), at most `attention_limit` of them."""
    mdl, net, window, limit = ref.model, ref.model.network, ref.d.attention_window, ref.d.attention_limit
    i = agent.index
    if not ref.online(agent, s):
        return
    posts = []                                       # (pick draw, message, author, link, post hour)
    for k in range(net.in_indptr[i], net.in_indptr[i + 1]):
        j, link = int(net.in_indices[k]), int(net.in_edge[k])
        for t0 in range(max(0, s - window), s):
            for m, posters in enumerate(ref.posts_by_hour.get(t0, ())):
                if j in posters and first_chance(ref, m, agent, j, t0, s):
                    pick = draw_py(mdl.key, PICK + STREAMS * m, s, i, j + 3, t0) if limit > 0 else 0.0
                    posts.append((pick, m, j, link, t0))
    if 0 < limit < len(posts):                       # read the `limit` posts with the smallest pick draws
        posts.sort()
        for _, m, *_ in posts[limit:]:
            mdl.out[m, K.MISSED + agent.kind] += 1
        posts = posts[:limit]
    for _, m, j, link, t0 in posts:
        expose(ref, m, agent, j, link, t0, s)


def ads(ref: Reference, s: int) -> None:
    """Phase 2: ads by reach (each online consumer whose attention draw is below the reach)
    and by count (impressions to consumers drawn at random, offline ones skipped)."""
    mdl = ref.model
    agents = mdl.agent_list
    for m in range(len(ref.messages)):
        reach = mdl.ad_reach[m]
        if reach > 0:
            for agent in agents:
                if agent.kind == CONSUMER and ref.online(agent, s) and \
                        draw_py(mdl.key, ATTENTION + STREAMS * m, s, agent.index) < reach:
                    mdl.out[m, K.IMPRESSIONS] += 1
                    if draw_py(mdl.key, NOTICE + STREAMS * m, s, agent.index) < ref.d.ad_notice:
                        expose(ref, m, agent, AD, -1, s, s)
        count = int(mdl.ad_count[m])
        consumers = [a for a in agents if a.kind == CONSUMER]
        delivered = attempt = 0
        while count and consumers and delivered < count and attempt < 200 * count:
            agent = consumers[int(draw_py(mdl.key, AD_PICK + STREAMS * m, s, attempt) * len(consumers))]
            attempt += 1
            if not ref.online(agent, s):
                continue
            mdl.out[m, K.IMPRESSIONS] += 1
            if draw_py(mdl.key, NOTICE + STREAMS * m, s, agent.index, attempt) < ref.d.ad_notice:
                expose(ref, m, agent, AD, -1, s + 1 + attempt, s)
            delivered += 1


def chats(ref: Reference, s: int) -> None:
    """Phase 3: with the top `contact_rate` of its attention draw, an online agent chats with
    a uniformly random agent and hears that agent's post of the previous hour."""
    mdl, q = ref.model, ref.model.cfg.network.contact_rate
    if q <= 0 or s < 1:
        return
    n = len(mdl.agent_list)
    for m in range(len(ref.messages)):
        for agent in mdl.agent_list:
            i = agent.index
            if ref.online(agent, s) and draw_py(mdl.key, ATTENTION + STREAMS * m, s, i) >= 1.0 - q:
                c = int(draw_py(mdl.key, CONTACT + STREAMS * m, s, i) * n)
                if c != i and mdl.state.last_post[m, c] == s - 1:
                    expose(ref, m, agent, c, -2, s - 1, s)


def make_aware(ref: Reference, m: int, agent, s: int) -> bool:
    mdl, i = ref.model, agent.index
    if mdl.state.aware_at[m, i] >= 0:
        return False
    mdl.state.aware_at[m, i] = s
    mdl.out[m, K.NEW_AWARE + agent.kind] += 1
    if agent.kind == CONSUMER and agent.segment in mdl.cfg.target.segments:
        mdl.out[m, K.NEW_USEFUL] += 1
    return True


def start_talking(ref: Reference, m: int, j: int, s: int) -> None:
    st, talk = ref.model.state, ref.d.talk_hours
    if st.talk_until[m, j] < s:
        st.talk_until[m, j] = s + talk - 1 if talk > 0 else K.NEVER
        ref.talkers[m].append(j)


def commit(ref: Reference, s: int) -> None:
    """Phase 4: exposures make agents aware; a successful relay draw makes the agent relay
    (and start talking), a convincing exposure from enough distinct sources makes it adopt."""
    mdl, st = ref.model, ref.model.state
    for (m, i), p in sorted(ref.pending.items()):
        agent = mdl.agent_list[i]
        mdl.out[m, K.EXPOSED + agent.kind] += p.views
        if make_aware(ref, m, agent, s):
            st.aware_parent[m, i], st.aware_depth[m, i] = p.aware[1], p.aware[2] + 1
        st.exposures[m, i] += p.views
        st.sources[m, i] += p.new_sources
        if p.hits & 1:
            st.relay_at[m, i] = s
            st.relay_parent[m, i], st.relay_depth[m, i] = p.relay[1], p.relay[2] + 1
            mdl.out[m, K.NEW_RELAY + agent.kind] += 1
            start_talking(ref, m, i, s)
        if st.adopt_at[m, i] < 0 and ((p.hits & 2 and st.sources[m, i] >= ref.d.adoption_min_sources)
                                      or (p.hits & 1 and ref.d.relayers_adopt)):
            st.adopt_at[m, i] = s
            mdl.out[m, K.NEW_ADOPT + agent.kind] += 1
            if agent.kind == CONSUMER and agent.segment in mdl.cfg.target.segments:
                mdl.out[m, K.NEW_USEFUL_ADOPT] += 1
    ref.pending = {}


def post(ref: Reference, s: int) -> None:
    """Phase 5: new seeds start talking; one-off posts; every talker posts this hour."""
    mdl, st = ref.model, ref.model.state
    posted = [set() for _ in ref.messages]
    for m, j in mdl._seeds:
        if st.seeded_at[m, j] < 0:
            st.seeded_at[m, j] = s
            mdl.out[m, K.NEW_SEEDED] += 1
            campaign_author(ref, m, j, s)
            start_talking(ref, m, j, s)
    for m, j in mdl._posts:
        campaign_author(ref, m, j, s)
        posted[m].add(j)
    for m in range(len(ref.messages)):
        talkers = [j for j in ref.talkers[m] if st.talk_until[m, j] >= s]
        posted[m].update(talkers)
        ref.talkers[m] = [j for j in talkers if st.talk_until[m, j] > s]
        for j in posted[m]:
            st.last_post[m, j] = s
            st.posts[m, j] += 1
            mdl.out[m, K.POSTED + mdl.agent_list[j].kind] += 1
    ref.posts_by_hour[s] = posted
    ref.posts_by_hour.pop(s - ref.d.attention_window, None)


def campaign_author(ref: Reference, m: int, j: int, s: int) -> None:
    """A seed or one-off post is the campaign's own: its author is aware, at depth 0."""
    st = ref.model.state
    if make_aware(ref, m, ref.model.agent_list[j], s):
        st.aware_depth[m, j] = 0
    if st.relay_at[m, j] < 0:
        st.relay_depth[m, j] = 0


def hour(ref: Reference, s: int) -> None:
    """Hour s, phase by phase as in `sim.kernels.advance`."""
    ref.model.out[:] = 0
    launch(ref, s)
    for agent in ref.model.agent_list:
        feed(ref, agent, s)
    ads(ref, s)
    chats(ref, s)
    commit(ref, s)
    post(ref, s)
