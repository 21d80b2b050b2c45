"""Mesa agents: consumers, bloggers and brand accounts.

An agent object holds only its index: every attribute is a view onto the model's
arrays, so the numba kernel and the agents can never disagree. `step()`/`advance()`
are the plain-Python reference of one hour (used by `run.mode=reference` and by the
tests that check the kernel against it): `step` reads the feed, ads and chats and
makes the relay and adoption draws from the state at the start of the hour;
`advance` commits them, so updates are synchronous.
"""
from __future__ import annotations

import mesa
import numpy as np

from . import kernels as K
from .population import BRAND, CONSUMER
from .rng import ADOPT, ATTENTION, CONTACT, RELAY

_trust, _appeal, _novelty = K.trust.py_func, K.appeal.py_func, K.novelty_now.py_func


class MarketAgent(mesa.Agent):
    """Shared behaviour; `index` is the agent's row in every model array."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = int(index)

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

    # --- diffusion state of the current replicate
    @property
    def aware(self) -> bool:
        return bool(self.model.state.aware_at[self.index] >= 0)

    @property
    def relayed(self) -> bool:
        return bool(self.model.state.relay_at[self.index] >= 0)

    @property
    def adopted(self) -> bool:
        return bool(self.model.state.adopt_at[self.index] >= 0)

    @property
    def exposures(self) -> int:
        return int(self.model.state.exposures[self.index])

    # --- reference hour
    def step(self) -> None:
        """Gather this hour's exposures: feed posts not yet seen, the ad, a chat."""
        m, i = self.model, self.index
        s, st, net = m.hour, m.state, m.network
        if not m.is_online(i, s):
            return
        window = m.rules.attention_window
        for k in range(net.in_indptr[i], net.in_indptr[i + 1]):
            j = int(net.in_indices[k])
            for t0 in range(max(0, s - window), s):
                if j in m.posts_by_hour.get(t0, ()) and \
                        not any(m.is_online(i, s2) for s2 in range(t0 + 1, s)):
                    self._see(j, int(net.in_edge[k]), t0)
        if m.mass_reach_now > 0 and self.kind == CONSUMER and m.draw(ATTENTION, s, i) < m.mass_reach_now:
            m.out[K.IMPRESSIONS] += 1
            self._see(-1, -1, s)
        q = m.rules.contact_rate
        if q > 0 and s >= 1 and m.draw(ATTENTION, s, i) >= 1.0 - q:
            c = int(m.draw(CONTACT, s, i) * m.population.size)
            if c != i and st.last_post[c] == s - 1:
                self._see(c, -2, s - 1)

    def _see(self, source: int, edge: int, t0: int) -> None:
        m, i, st, pop = self.model, self.index, self.model.state, self.model.population
        msg, rules = m.message, m.rules
        st.views_now[i] += 1
        if edge >= 0:
            if not st.seen_edge[edge]:
                st.seen_edge[edge] = 1
                st.new_src[i] += 1
        elif edge == -1:
            if not st.seen_ad[i]:
                st.seen_ad[i] = 1
                st.new_src[i] += 1
        else:
            st.new_src[i] += 1
        if source < 0:
            kind_j, cred_j = BRAND, rules.credibility[BRAND]
        else:
            kind_j, cred_j = int(pop.kind[source]), float(pop.credibility[source])
        tone = 1.0 if kind_j == BRAND else msg.promotional
        ap = _appeal(msg.interest, float(m.relevance[i]), _trust(cred_j, float(pop.scepticism[i]), tone),
                     rules.weight_interest, rules.weight_relevance, rules.weight_trust)
        s = m.hour
        if st.relay_at[i] < 0 and st.seeded_at[i] < 0:
            nov = _novelty(msg.novelty, msg.decay, float(s - m.launch_hour), msg.wearout, int(st.exposures[i]))
            p = rules.relay_max[self.kind] * ap * nov ** rules.weight_novelty
            if m.draw(RELAY, s, i, source + 1, t0) < p:
                st.hits[i] |= 1
        if st.adopt_at[i] < 0 and m.draw(ADOPT, s, i, source + 1, t0) < rules.adoption_prob * ap:
            st.hits[i] |= 2

    def advance(self) -> None:
        """Commit this hour: awareness, relay (start talking), adoption."""
        m, i, st = self.model, self.index, self.model.state
        views = int(st.views_now[i])
        if views == 0:
            return
        s, rules, out = m.hour, m.rules, m.out
        out[K.EXPOSURES] += views
        m.make_aware(i)
        st.exposures[i] += views
        st.sources[i] += st.new_src[i]
        h = int(st.hits[i])
        if h & 1:
            st.relay_at[i] = s
            out[K.NEW_RELAY + self.kind] += 1
            st.talk_until[i] = s + rules.talk_hours - 1 if rules.talk_hours > 0 else K.NEVER
            m.talkers.append(i)
        if st.adopt_at[i] < 0 and ((h & 2 and st.sources[i] >= rules.adoption_min_sources)
                                   or (h & 1 and rules.relayers_adopt)):
            st.adopt_at[i] = s
            out[K.NEW_ADOPT + self.kind] += 1
            if m.useful[i]:
                out[K.NEW_USEFUL_ADOPT] += 1
        st.views_now[i] = st.new_src[i] = st.hits[i] = 0


class Consumer(MarketAgent):
    """A member of the public: in a segment, with interests, scepticism and online habits."""


class Blogger(MarketAgent):
    """A topical account with a large following, credible to its followers; has a fee."""

    @property
    def fee(self) -> float:
        return float(self.model.population.fee[self.index])


class BrandAccount(MarketAgent):
    """The brand's own account: posts on schedule, never relays, low trust with sceptics."""


AGENT_CLASSES = (Consumer, Blogger, BrandAccount)
