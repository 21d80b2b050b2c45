"""The message a campaign diffuses: what it is about and how interesting and new it is."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .config import MessageConfig
from .rules import novelty_now
from .population import cosine


@dataclass
class Message:
    name: str
    topics: np.ndarray          # weights over the K topics
    interest: float             # intrinsic appeal in [0, 1]
    novelty: float              # novelty at launch in [0, 1]
    half_life_hours: float | None   # novelty halves every this many hours (None: never)
    wearout: float              # novelty multiplier per earlier exposure of the same agent
    promotional: float          # promotional tone in [0, 1]
    reaction: str = "exponential"   # message.decay: exponential | power_law (reaction delays to a post)
    reaction_exponent: float = 0.2314843
    reaction_onset_minutes: float = 5.0

    @classmethod
    def from_config(cls, cfg: MessageConfig, name: str | None = None) -> "Message":
        return cls(name or cfg.name, np.asarray(cfg.topics, dtype=np.float64), cfg.interest, cfg.novelty,
                   cfg.half_life_hours, cfg.wearout, cfg.promotional, cfg.decay, cfg.reaction_exponent,
                   cfg.reaction_onset_minutes)

    @property
    def decay(self) -> float:
        """Novelty decay rate per hour (ln 2 / half-life)."""
        return 0.0 if self.half_life_hours is None else math.log(2.0) / self.half_life_hours

    def relevance(self, interests: np.ndarray) -> np.ndarray:
        """Cosine of the message's topic mix with each agent's interests, in [0, 1]."""
        return cosine(interests, self.topics)

    def novelty_at(self, hours_since_launch: float, exposures: int = 0) -> float:
        """Novelty for an agent who has already seen the message `exposures` times."""
        return novelty_now.py_func(self.novelty, self.decay, float(hours_since_launch),
                                   self.wearout, exposures)
