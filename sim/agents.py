"""Mesa agents: consumers, bloggers and brand accounts.

An agent object holds only its index: every attribute is a view onto the model's
arrays, so the numba kernel and the agents can never disagree. `step()`/`advance()`
are the plain-Python reference of one hour (used by `run.mode=reference` and by the
tests that check the kernel against it): `step` reads the feed, ads and chats and
makes the relay and adoption draws from the state at the start of the hour;
`advance` commits them, so updates are synchronous. `reference_ads` and
`reference_post` are the model-level parts of the same hour (counted ad impressions,
posting).
"""
from __future__ import annotations

import mesa
import numpy as np

from . import kernels as K
from .population import BRAND, CONSUMER
from .rng import ADOPT, AD_PICK, ATTENTION, CONTACT, NOTICE, PICK, RELAY, STREAMS

_trust, _appeal, _novelty = K.trust.py_func, K.appeal.py_func, K.novelty_now.py_func
_weighted, _draw_key = K.weighted.py_func, K.draw_key.py_func
_NONE = (K.NO_DRAW, K.NO_DRAW, 0)      # (relay-draw key, source, depth) before any exposure


class MarketAgent(mesa.Agent):
    """Shared behaviour; `index` is the agent's row in every model array."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = int(index)
        self._pending: dict = {}

    # --- attributes (views onto the model's arrays)
    @property
    def kind(self) -> int:
        return int(self.model.population.kind[self.index])

    @property
    def segment(self) -> int:
        return int(self.model.population.segment[self.index])

    @property
    def interests(self) -> np.ndarray:
        return self.model.population.interests[self.index]

    @property
    def scepticism(self) -> float:
        return float(self.model.population.scepticism[self.index])

    @scepticism.setter
    def scepticism(self, value: float) -> None:
        self.model.population.scepticism[self.index] = value
        self.model.static[:, self.index, K.A_SCEPTICISM] = value     # the kernel's copy

    @property
    def activity(self) -> float:
        return float(self.model.population.activity[self.index])

    @activity.setter
    def activity(self, value: float) -> None:
        self.model.population.activity[self.index] = value

    @property
    def credibility(self) -> float:
        return float(self.model.population.credibility[self.index])

    @property
    def followers(self) -> np.ndarray:
        return self.model.network.followers(self.index)

    @property
    def following(self) -> np.ndarray:
        return self.model.network.followees(self.index)

    @property
    def fee(self) -> float:
        """Price of one sponsored post by this agent (campaign cost model)."""
        return float(self.model.seed_costs[self.index])

    # --- diffusion state of the current replicate (message 0 unless told)
    def is_aware(self, message: int = 0) -> bool:
        return bool(self.model.state.aware_at[message, self.index] >= 0)

    @property
    def aware(self) -> bool:
        return self.is_aware(0)

    @property
    def relayed(self) -> bool:
        return bool(self.model.state.relay_at[0, self.index] >= 0)

    @property
    def adopted(self) -> bool:
        return bool(self.model.state.adopt_at[0, self.index] >= 0)

    @property
    def exposures(self) -> int:
        return int(self.model.state.exposures[0, self.index])

    # --- reference hour
    def step(self) -> None:
        """Gather this hour's exposures: unseen feed posts (within attention), ads, a chat."""
        m_, i = self.model, self.index
        s, st, net = m_.hour, m_.state, m_.network
        if not m_.is_online(i, s):
            return
        window, limit = m_.rules.attention_window, m_.rules.attention_limit
        feed = []            # (pick draw, message, source, edge, post hour)
        for m in range(len(m_.messages)):
            for k in range(net.in_indptr[i], net.in_indptr[i + 1]):
                j = int(net.in_indices[k])
                for t0 in range(max(0, s - window), s):
                    if j in m_.posts_by_hour.get(t0, {}).get(m, ()) and \
                            not any(m_.is_online(i, s2) for s2 in range(t0 + 1, s)):
                        u = m_.draw(PICK + STREAMS * m, s, i, j + 3, t0) if limit > 0 else 0.0
                        feed.append((u, m, j, int(net.in_edge[k]), t0))
        if limit > 0 and len(feed) > limit:      # read the `limit` posts with the smallest pick draw
            feed.sort()
            for dropped in feed[limit:]:
                m_.out[dropped[1], K.MISSED] += 1
            feed = feed[:limit]
        for _, m, j, e, t0 in feed:
            self.see(m, j, e, t0)
        for m in range(len(m_.messages)):
            reach = m_.ad_reach[m]
            if reach > 0 and self.kind == CONSUMER and m_.draw(ATTENTION + STREAMS * m, s, i) < reach:
                m_.out[m, K.IMPRESSIONS] += 1
                if m_.draw(NOTICE + STREAMS * m, s, i) < m_.rules.ad_notice:
                    self.see(m, K.AD_SOURCE, -1, s)
        q = m_.rules.contact_rate
        if q > 0 and s >= 1:
            for m in range(len(m_.messages)):
                if m_.draw(ATTENTION + STREAMS * m, s, i) >= 1.0 - q:
                    c = int(m_.draw(CONTACT + STREAMS * m, s, i) * m_.population.size)
                    if c != i and st.last_post[m, c] == s - 1:
                        self.see(m, c, -2, s - 1)

    def see(self, m: int, source: int, edge: int, t0: int) -> None:
        """One exposure to message m posted by `source` (K.AD_SOURCE: the ad)."""
        mdl, i, st, pop = self.model, self.index, self.model.state, self.model.population
        msg, rules, s = mdl.messages[m], mdl.rules, mdl.hour
        p = self._pending.setdefault(m, {"views": 0, "new_src": 0, "hits": 0,
                                         "aware": _NONE, "relay": _NONE})
        p["views"] += 1
        if edge >= 0:
            if not st.seen_edge[m, edge]:
                st.seen_edge[m, edge] = 1
                p["new_src"] += 1
        elif edge == -1:
            if not st.seen_ad[m, i]:
                st.seen_ad[m, i] = 1
                p["new_src"] += 1
        else:
            p["new_src"] += 1
        if source == K.AD_SOURCE:
            kind_j, cred_j, depth_j = BRAND, rules.credibility[BRAND], 0
        else:
            kind_j, cred_j = int(pop.kind[source]), float(pop.credibility[source])
            depth_j = int(st.relay_depth[m, source])
        tone = 1.0 if kind_j == BRAND else msg.promotional
        ap = _appeal(_weighted(msg.interest, rules.weight_interest),
                     _weighted(float(mdl.relevance[m, i]), rules.weight_relevance),
                     _weighted(_trust(cred_j, float(pop.scepticism[i]), tone), rules.weight_trust))
        could_relay = st.relay_at[m, i] < 0 and st.seeded_at[m, i] < 0
        if could_relay or st.aware_at[m, i] < 0:
            u = mdl.draw(RELAY + STREAMS * m, s, i, source + 3, t0)
            k = int(_draw_key(u))          # credit: smallest key, then smallest source
            p["aware"] = min(p["aware"], (k, source, depth_j))
            if could_relay:
                nov = _novelty(msg.novelty, msg.decay, float(s - mdl.launch_hour_of(m)), msg.wearout,
                               int(st.exposures[m, i]))
                if u < rules.relay_max[self.kind] * ap * _weighted(nov, rules.weight_novelty):
                    p["hits"] |= 1
                    p["relay"] = min(p["relay"], (k, source, depth_j))
        if st.adopt_at[m, i] < 0 and \
                mdl.draw(ADOPT + STREAMS * m, s, i, source + 3, t0) < rules.adoption_prob * ap:
            p["hits"] |= 2

    def advance(self) -> None:
        """Commit this hour: awareness, relay (start talking), adoption."""
        mdl, i, st = self.model, self.index, self.model.state
        s, rules, out = mdl.hour, mdl.rules, mdl.out
        for m, p in sorted(self._pending.items()):
            out[m, K.EXPOSURES] += p["views"]
            if mdl.make_aware(m, i):
                st.aware_parent[m, i] = p["aware"][1]
                st.aware_depth[m, i] = p["aware"][2] + 1
            st.exposures[m, i] += p["views"]
            st.sources[m, i] += p["new_src"]
            h = p["hits"]
            if h & 1:
                st.relay_at[m, i] = s
                st.relay_parent[m, i] = p["relay"][1]
                st.relay_depth[m, i] = p["relay"][2] + 1
                out[m, K.NEW_RELAY + self.kind] += 1
                start_talking(mdl, m, i, s)
            if st.adopt_at[m, i] < 0 and ((h & 2 and st.sources[m, i] >= rules.adoption_min_sources)
                                          or (h & 1 and rules.relayers_adopt)):
                st.adopt_at[m, i] = s
                out[m, K.NEW_ADOPT + self.kind] += 1
                if mdl.useful[i]:
                    out[m, K.NEW_USEFUL_ADOPT] += 1
        self._pending = {}


class Consumer(MarketAgent):
    """A member of the public: in a segment, with interests, scepticism and online habits."""


class Blogger(MarketAgent):
    """A topical account with a large following, credible to its followers."""


class BrandAccount(MarketAgent):
    """The brand's own account: posts on schedule, never relays, low trust with sceptics."""


AGENT_CLASSES = (Consumer, Blogger, BrandAccount)


# ---------------------------------------------------------------- model-level reference parts
def start_talking(mdl, m: int, j: int, s: int) -> None:
    st, talk = mdl.state, mdl.rules.talk_hours
    if st.talk_until[m, j] < s:
        st.talk_until[m, j] = s + talk - 1 if talk > 0 else K.NEVER
        mdl.talkers[m].append(j)


def reference_ads(mdl, s: int) -> None:
    """Counted ad impressions: the same attempts, in the same order, as the kernel."""
    for m in range(len(mdl.messages)):
        count = int(mdl.ad_count[m])
        delivered = attempt = 0
        while count and delivered < count and attempt < 200 * count:
            i = int(mdl.consumers[int(mdl.draw(AD_PICK + STREAMS * m, s, attempt) * mdl.consumers.size)])
            attempt += 1
            if not mdl.is_online(i, s):
                continue
            mdl.out[m, K.IMPRESSIONS] += 1
            if mdl.draw(NOTICE + STREAMS * m, s, i, attempt) < mdl.rules.ad_notice:
                mdl.agent_list[i].see(m, K.AD_SOURCE, -1, s + 1 + attempt)
            delivered += 1


def reference_post(mdl, s: int) -> None:
    """New seeds start talking; one-off posts; every talker posts this hour."""
    st, out = mdl.state, mdl.out
    posted = [set() for _ in mdl.messages]
    for m, j in mdl._seeds:
        if st.seeded_at[m, j] < 0:
            st.seeded_at[m, j] = s
            out[m, K.NEW_SEEDED] += 1
            if mdl.make_aware(m, j):
                st.aware_depth[m, j] = 0
            if st.relay_at[m, j] < 0:
                st.relay_depth[m, j] = 0
            start_talking(mdl, m, j, s)
    for m, j in mdl._posts:
        if mdl.make_aware(m, j):
            st.aware_depth[m, j] = 0
        if st.relay_at[m, j] < 0:
            st.relay_depth[m, j] = 0
        posted[m].add(j)
    for m in range(len(mdl.messages)):
        talkers = [j for j in mdl.talkers[m] if st.talk_until[m, j] >= s]
        posted[m].update(talkers)
        mdl.talkers[m] = [j for j in talkers if st.talk_until[m, j] > s]
        for j in posted[m]:
            st.last_post[m, j] = s
        out[m, K.POSTS] = len(posted[m])
    mdl.posts_by_hour[s] = dict(enumerate(posted))
    mdl.posts_by_hour.pop(s - mdl.rules.attention_window, None)
