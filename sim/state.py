"""The diffusion state of one replicate: per (message, agent) records and the kernel's
bookkeeping, with [message, agent] views under readable names (`aware_at[m, i]`: the
hour agent i learnt of message m, -1 = not yet)."""
from __future__ import annotations

import numpy as np

from . import kernels as K

# name of the [message, agent] view -> field of the record it shows
HOT_VIEWS = {"aware_at": "aware", "relay_at": "relay", "adopt_at": "adopt", "seeded_at": "seeded",
             "exposures": "exposures", "sources": "sources", "seen_ad": "seen_ad"}
COLD_VIEWS = {"talk_until": "talk_until", "last_post": "last_post", "aware_parent": "aware_parent",
              "relay_parent": "relay_parent", "aware_depth": "aware_depth", "relay_depth": "relay_depth",
              "posts": "posts"}


class DiffusionState:
    """`hot` (what each exposure touches), `cold` (what changes when something happens) and
    `static` (per-replicate constants of the relay rule) records, see `sim.kernels`."""
    ROWS = tuple(HOT_VIEWS) + tuple(COLD_VIEWS) + ("engagements",)

    def __init__(self, messages: int, n: int, edges: int, window: int):
        self.hot = np.empty((messages, n), dtype=K.HOT)
        self.cold = np.empty((messages, n), dtype=K.COLD)
        self.static = np.empty((messages, n), dtype=K.STATIC)
        for name, f in HOT_VIEWS.items():
            setattr(self, name, self.hot[f])
        for name, f in COLD_VIEWS.items():
            setattr(self, name, self.cold[f])
        self.engagements = np.zeros((messages, n))            # people who liked or commented on i's posts
        self.seen_edge = np.zeros((messages, edges), dtype=np.uint8)
        self.touched = np.zeros(messages * n, dtype=np.int64)
        self.due = np.zeros(n, dtype=np.int64)                 # attention-limit scratch: posts due ...
        self.due_slot = np.full(n, -1, dtype=np.int64)         # ... and the reader's slot when over the limit
        # posts waiting for the hour their follower is next online, one bucket per hour of the window
        self.inbox = np.zeros((window + 1, 1024), dtype=K.due_dtype(wide=max(n, edges) >= 2**31))
        self.inbox_count = np.zeros(window + 1, dtype=np.int64)
        self.talking = np.zeros((messages, n), dtype=np.int32)
        self.n_talking = np.zeros(messages, dtype=np.int64)
        self.launch = np.full(messages, -1, dtype=np.int64)   # hour of each message's first post, seed or ad
        self.clear()

    def fits(self, messages: int, n: int, edges: int, window: int) -> bool:
        """Shaped for these messages, agents, follow links and attention window (reusable)."""
        return (self.hot.shape == (messages, n) and self.seen_edge.shape == (messages, edges)
                and self.inbox.shape[0] == window + 1)

    def clear(self) -> None:
        K.clear_records(self.hot, self.cold)
        self.engagements[:] = 0.0
        self.seen_edge[:] = 0
        self.inbox_count[:] = 0
        self.n_talking[:] = 0
        self.launch[:] = -1

    def record(self) -> K.State:
        """The kernel's view of this state (rebuilt each hour: the inbox may have grown)."""
        return K.State(self.hot, self.cold, self.static, self.engagements, self.seen_edge, self.touched, self.due, self.due_slot,
                       self.inbox, self.inbox_count, self.talking, self.n_talking, self.launch)

    def snapshot(self) -> np.ndarray:
        """Every named view stacked (for comparing two runs)."""
        return np.stack([getattr(self, name) for name in self.ROWS])
