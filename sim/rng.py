"""Counter-based random numbers: every draw is a hash of (stream, purpose, step, a, b, c).

Why: a draw depends only on *what* it is for (which agent, which post, which hour),
never on the order in which code asks for it. So the numba kernel, the plain-Python
reference and any number of threads produce bit-identical runs, and two campaign
scenarios see the same online hours and the same coin flips for the same agents
(common random numbers), which keeps strategy comparisons low-variance.

The mixer is SplitMix64's finaliser; `draw` returns a float in [0, 1) with 53 bits.
`draw_py` is the same function in plain Python (used by the reference model and
by tests that check the two agree).
"""
import numpy as np
from numba import njit

# Purposes: one named stream per kind of decision.
ONLINE = 1        # is agent i online in hour s
ATTENTION = 2     # where agent i's attention goes in hour s (ad at the bottom, chat at the top)
CONTACT = 3       # which agent i chats with in a fully mixed population
RELAY = 4         # does this exposure make i relay
ADOPT = 5         # does this exposure convince i
PICK = 6          # priority of a feed post when i has more posts than attention
AD_PICK = 7       # which consumer a counted ad impression goes to
NOTICE = 8        # does i notice an ad impression
INFLUENCE = 9     # reverse-reachable sets for influence scores
ENGAGE = 10       # does this exposure get a like or a comment from i
REACTION = 11     # i's reaction delay to a post (message.decay=power_law)
STREAMS = 16      # message m uses purpose + STREAMS * m (message 0: the plain purposes)

_M64 = 0xFFFFFFFFFFFFFFFF
_GOLDEN = 0x9E3779B97F4A7C15
_C1 = 0xBF58476D1CE4E5B9
_C2 = 0x94D049BB133111EB
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


# ---------------------------------------------------------------- plain Python
def _mix_py(z: int) -> int:
    z &= _M64
    z = ((z ^ (z >> 30)) * _C1) & _M64
    z = ((z ^ (z >> 27)) * _C2) & _M64
    return z ^ (z >> 31)


def stream_key(seed: int, replicate: int) -> int:
    """The 64-bit key of one replicate's stream (computed once, in Python)."""
    return _mix_py(_mix_py((seed * _GOLDEN + 1) & _M64) ^ ((replicate + 1) * _C2 & _M64))


def draw_py(key: int, purpose: int, step: int, a: int, b: int = 0, c: int = 0) -> float:
    h = _mix_py(key ^ ((purpose * _GOLDEN) & _M64))
    h = _mix_py(h ^ (step & _M64))
    h = _mix_py(h ^ (a & _M64))
    h = _mix_py(h ^ (b & _M64))
    h = _mix_py(h ^ (c & _M64))
    return (h >> 11) * _TO_UNIT


# ---------------------------------------------------------------- numba
@njit(cache=True)
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_C1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_C2)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def draw_prefix(key, purpose, step):
    """The part of `draw` shared by every draw of one purpose in one step (hoisted by kernels)."""
    return _mix(_mix(key ^ (np.uint64(purpose) * np.uint64(_GOLDEN))) ^ np.uint64(step))


@njit(cache=True)
def draw_from(prefix, a, b, c):
    """`draw(key, purpose, step, a, b, c)` given `draw_prefix(key, purpose, step)`."""
    h = _mix(prefix ^ np.uint64(a))
    h = _mix(h ^ np.uint64(b))
    h = _mix(h ^ np.uint64(c))
    return np.float64(h >> np.uint64(11)) * _TO_UNIT


@njit(cache=True)
def draw(key, purpose, step, a, b, c):
    """Uniform [0, 1) for (key, purpose, step, a, b, c); key is a uint64 stream key."""
    h = _mix(key ^ (np.uint64(purpose) * np.uint64(_GOLDEN)))
    h = _mix(h ^ np.uint64(step))
    h = _mix(h ^ np.uint64(a))
    h = _mix(h ^ np.uint64(b))
    h = _mix(h ^ np.uint64(c))
    return np.float64(h >> np.uint64(11)) * _TO_UNIT


@njit(cache=True)
def stream_keys(seed, count):
    """`stream_key(seed, r)` for r = 0..count-1, without a Python loop (seed: uint64)."""
    out = np.empty(count, np.uint64)
    base = _mix(seed * np.uint64(_GOLDEN) + np.uint64(1))
    for r in range(count):
        out[r] = _mix(base ^ (np.uint64(r + 1) * np.uint64(_C2)))
    return out
