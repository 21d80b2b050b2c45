"""Mesa agents: consumers, bloggers and brand accounts.

An agent object holds only its index: every attribute is a view onto the model's
arrays, so the numba kernel and the agents can never disagree. The plain-Python
reference hour (`sim.reference`) reads the agents' attributes through these views.
"""
from __future__ import annotations

import mesa
import numpy as np

from .kinds import KINDS


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
        self.model.state.static["scepticism"][:, self.index] = value     # the kernel's copy

    @property
    def activity(self) -> float:
        return float(self.model.population.activity[self.index])

    @activity.setter
    def activity(self, value: float) -> None:
        self.model.population.activity[self.index] = value

    @property
    def credibility(self) -> float:
        return float(self.model.credibility[self.index])

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


class Consumer(MarketAgent):
    """A member of the public: in a segment, with interests, scepticism and online habits."""


class Blogger(MarketAgent):
    """A topical account with a large following, credible to its followers."""


class BrandAccount(MarketAgent):
    """The brand's own account: posts on schedule, never relays, low trust with sceptics."""


AGENT_CLASSES = tuple(globals()[kind.agent_class] for kind in KINDS)    # by kind id (sim.kinds)
