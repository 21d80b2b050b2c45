"""The population (one array per attribute) and the world builder.

`build_world(cfg)` returns a `Population` and its follower `Network`, either generated
from config (segments with homophily, heavy-tailed follower counts, topical bloggers,
brand fans) or loaded from a SNAP edge list (kinds then assigned by follower count).
The world is fixed for a run; replicates vary only the diffusion's random draws. Each
attribute (segment, interests, scepticism, activity, follow links, audiences, ...) is
drawn from its own named stream, so changing one setting leaves the others' draws alone.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from .calendar import profiles
from .config import Config
from .errors import ConfigError
from .kinds import BLOGGER, BRAND, CONSUMER
from .accounts import match_accounts, read_accounts, read_follows
from .network import Network, load_edgelist
from .worldgen import fan_weights, followees_by_group, link_groups, picks_so_far


@dataclass
class Population:
    kind: np.ndarray          # int8[N]: CONSUMER, BLOGGER or BRAND
    segment: np.ndarray       # int32[N]: consumer target group (-1 for bloggers and brands)
    interests: np.ndarray     # float64[N, K]: topic interests, rows sum to 1
    scepticism: np.ndarray    # float64[N] in [0, 1]: discount on promotional talk
    activity: np.ndarray      # float64[N]: chance of being online at the daily peak
    credibility: np.ndarray   # float64[N]: how far followers trust this agent as a source
    daily_profile: np.ndarray  # float64[24]: multiplies activity by local hour, Monday to Friday
    n_segments: int
    node_ids: np.ndarray | None = None   # file ids of loaded nodes (None when generated)
    weekend_profile: np.ndarray | None = None   # float64[24] on Saturday and Sunday (None: as weekdays)
    names: np.ndarray | None = None      # handles (network=followers), None otherwise
    declared: dict | None = None         # accounts file: followers, fee, tier per agent (nan / -1: not given)
    notes: list | None = None            # what loading the world found worth saying (duplicates, ...)

    @property
    def profiles(self) -> tuple[np.ndarray, np.ndarray]:
        """(weekday, weekend) online profiles by local hour."""
        return self.daily_profile, self.daily_profile if self.weekend_profile is None else self.weekend_profile

    @property
    def size(self) -> int:
        return int(self.kind.size)

    def count(self, kind: int) -> int:
        return int(np.count_nonzero(self.kind == kind))


def _beta(rng, mean, concentration, size):
    mean = min(max(mean, 1e-6), 1 - 1e-6)
    return rng.beta(mean * concentration, (1 - mean) * concentration, size)


def _normalise(w):
    w = np.asarray(w, dtype=np.float64)
    return w / w.sum(axis=-1, keepdims=True)


def segment_profiles(rng, n_segments: int, topics: int) -> np.ndarray:
    """Each segment cares mostly about one topic, and a little about a second one."""
    prof = np.full((n_segments, topics), 0.02)
    for s in range(n_segments):
        prof[s, s % topics] += 1.0
        prof[s, (s + 1 + rng.integers(max(topics - 1, 1))) % topics] += 0.4
    return _normalise(prof)


def consumer_interests(rng, segment, profiles, focus):
    n, k = segment.size, profiles.shape[1]
    own = profiles[np.clip(segment, 0, profiles.shape[0] - 1)]
    return _normalise(focus * own + (1 - focus) * rng.dirichlet(np.ones(k), size=n))


def cosine(rows: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row with `vec` (all non-negative, so in [0, 1])."""
    vec = np.asarray(vec, dtype=np.float64)
    norms = np.linalg.norm(rows, axis=1) * np.linalg.norm(vec)
    out = np.zeros(rows.shape[0])
    np.divide(rows @ vec, norms, out=out, where=norms > 0)
    return np.clip(out, 0.0, 1.0)


def _weighted_sample(rng, weights, k):
    """k distinct indices, drawn with probability proportional to weights (Gumbel top-k)."""
    k = int(min(k, np.count_nonzero(weights > 0)))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    with np.errstate(divide="ignore"):
        keys = np.log(weights) - np.log(-np.log(rng.random(weights.size)))
    return np.argpartition(-keys, k - 1)[:k]


def _unit_rows(rows):
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-300)


def _fans(rng, unit_rows, topics, share, affinity, candidates):
    """Consumers following an account about `topics`: more likely the closer their interests.

    `unit_rows` are the candidates' interests scaled to unit length. Drawn with replacement
    from the weights, then de-duplicated (topped up if needed): close to weighted sampling
    without replacement, and fast for a million consumers."""
    k = int(round(share * candidates.size))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    t = np.asarray(topics, dtype=np.float64)
    closeness = unit_rows @ (t / np.linalg.norm(t))
    exact = k >= candidates.size // 2   # a large share: exact sampling without replacement
    if affinity == int(affinity):        # the usual case, in one pass (same numbers as below)
        w = fan_weights(closeness, int(affinity), running=not exact)
    else:
        w = np.clip(closeness, 0.0, 1.0) ** affinity + 1e-9
        w = w if exact else np.cumsum(w)
    if exact:
        return candidates[_weighted_sample(rng, w, k)]
    cum = w
    chosen = np.empty(0, dtype=np.int64)
    while chosen.size < k:
        chosen = picks_so_far(cum, rng.random(int(1.3 * (k - chosen.size)) + 16) * cum[-1], chosen, candidates.size)
    return candidates[rng.permutation(chosen)[:k]]


def world_stream(cfg: Config, name: str, *index: int) -> np.random.Generator:
    """The random stream of one attribute of the world, keyed by its name (and index) and
    run.seed: changing one population key redraws only what depends on it (Starsim's
    named streams), so scenarios over population settings share everything else."""
    return np.random.default_rng([cfg.run.seed, 0x5EED, zlib.crc32(name.encode()), *index])


def _consumer_follows(cfg, segment):
    """Consumer -> consumer follows: homophily by segment, popularity heavy-tailed (Pareto).
    Each link inside its follower's segment picks a member by popularity, each other link
    anyone; the draws come in that order: links outside, then inside each segment."""
    net = cfg.network
    n = segment.size
    popularity = world_stream(cfg, "popularity").pareto(net.popularity_alpha, n) + 1.0
    rng = world_stream(cfg, "follow links")
    out_degree = rng.poisson(net.follows_mean, n)
    follower = np.repeat(np.arange(n), out_degree)
    inside = rng.random(follower.size) < net.homophily
    segments = np.unique(segment)
    group, rank, counts = link_groups(inside, follower, segment, segments)     # group 0: outside
    draws, draw_start = np.empty(counts.sum()), np.concatenate(([0], np.cumsum(counts)))
    for g in range(counts.size):         # each group's draws in turn, as many as its links
        rng.random(out=draws[draw_start[g]:draw_start[g + 1]])
    pools = [np.arange(n)] + [np.flatnonzero(segment == s) for s in segments]
    cums = [np.cumsum(popularity[pool]) for pool in pools]
    start = [np.concatenate(([0], np.cumsum([a.size for a in arrays]))) for arrays in (cums, pools)]
    followee = followees_by_group(group, rank, draws, draw_start, np.concatenate(cums), start[0],
                                  np.concatenate(pools), start[1])
    return followee, follower            # (source, follower)


def _audiences(cfg, interests, nc, nb, nbrand):
    """Who follows each blogger (Pareto-sized audiences picked by interest) and each brand
    account (its fans, and every blogger); bloggers follow a few other bloggers."""
    net = cfg.network
    sources, followers = [], []
    consumers = np.arange(nc)
    unit = _unit_rows(interests[:nc])
    sizes = world_stream(cfg, "audience sizes").pareto(net.blogger_audience_alpha, nb) + 1.0
    if nb:
        sizes = np.minimum(sizes / sizes.mean() * net.blogger_audience_share, 0.5)
    for b in range(nb):
        fans = _fans(world_stream(cfg, "blogger audience", b), unit, interests[nc + b], sizes[b], net.topic_affinity,
                     consumers)
        sources.append(np.full(fans.size, nc + b))
        followers.append(fans)
        if nb > 1 and net.bloggers_follow:
            peers = nc + world_stream(cfg, "blogger peers", b).choice(nb, size=min(net.bloggers_follow, nb - 1),
                                                                      replace=False)
            sources.append(peers)
            followers.append(np.full(peers.size, nc + b))
    for k in range(nbrand):
        brand = nc + nb + k
        fans = _fans(world_stream(cfg, "brand fans", k), unit, interests[brand], net.brand_fan_share,
                     net.topic_affinity, consumers)
        sources += [np.full(fans.size, brand), np.full(nb, brand)]   # bloggers watch the brand too
        followers += [fans, np.arange(nc, nc + nb)]
    return sources, followers


def _generated_world(cfg: Config):
    p, net = cfg.population, cfg.network
    nc, nb, nbrand = p.consumers, p.bloggers, p.brands
    n = nc + nb + nbrand
    kind = np.concatenate([np.full(nc, CONSUMER), np.full(nb, BLOGGER), np.full(nbrand, BRAND)]).astype(np.int8)
    segment = np.full(n, -1, dtype=np.int32)
    segment[:nc] = world_stream(cfg, "segment").integers(0, p.segments, nc)
    profiles = segment_profiles(world_stream(cfg, "segment profiles"), p.segments, p.topics)
    interests = np.empty((n, p.topics))
    interests[:nc] = consumer_interests(world_stream(cfg, "interests"), segment[:nc], profiles, p.segment_focus)
    topics = world_stream(cfg, "blogger topics")
    for b in range(nb):          # topical bloggers: one main topic, a little of a second
        t = np.full(p.topics, 0.01)
        t[b % p.topics] += 0.8
        t[(b + 1 + topics.integers(max(p.topics - 1, 1))) % p.topics] += 0.2
        interests[nc + b] = t
    interests[nc + nb:] = np.asarray(p.brand_topics, dtype=np.float64)
    interests = _normalise(interests)
    sources, followers = [], []
    if net.kind == "generated" and nc > 1:
        s, f = _consumer_follows(cfg, segment[:nc])
        sources.append(s)
        followers.append(f)
    if net.kind == "generated":
        more_sources, more_followers = _audiences(cfg, interests, nc, nb, nbrand)
        sources += more_sources
        followers += more_followers
    src = np.concatenate(sources) if sources else np.empty(0, np.int64)
    fol = np.concatenate(followers) if followers else np.empty(0, np.int64)
    return kind, segment, interests, Network.from_edges(n, src, fol), p.segments, None


def _loaded_world(cfg: Config):
    p, net = cfg.population, cfg.network
    graph, node_ids, seg = load_edgelist(net.path, net.directed, net.edge_meaning, net.labels)
    n0 = graph.n
    nbrand = p.brands
    n = n0 + nbrand
    if p.bloggers >= n0:
        raise ConfigError("population.bloggers", f"must be fewer than the {n0} nodes of {net.path}")
    kind = np.full(n, CONSUMER, dtype=np.int8)
    kind[n0:] = BRAND
    if net.blogger_rule == "top_followers":     # most followers first, ties by lower index
        order = np.lexsort((np.arange(n0), -graph.follower_counts))
    else:
        order = world_stream(cfg, "bloggers").permutation(n0)
    bloggers = order[:p.bloggers]
    kind[bloggers] = BLOGGER
    n_segments = int(seg.max()) + 1 if seg is not None else p.segments
    segment = np.full(n, -1, dtype=np.int32)
    segment[:n0] = seg if seg is not None else world_stream(cfg, "segment").integers(0, p.segments, n0)
    profiles = segment_profiles(world_stream(cfg, "segment profiles"), n_segments, p.topics)
    interests = np.empty((n, p.topics))
    interests[:n0] = consumer_interests(world_stream(cfg, "interests"), segment[:n0], profiles, p.segment_focus)
    interests[n0:] = _normalise(np.asarray(p.brand_topics, dtype=np.float64))
    for b in bloggers:           # bloggers are topical: their segment's strongest topic dominates
        t = np.full(p.topics, 0.01)
        t[np.argmax(interests[b])] += 0.8
        interests[b] = t / t.sum()
    consumers = np.flatnonzero(kind == CONSUMER)
    out_src = [np.repeat(np.arange(n0), graph.follower_counts), ]
    out_fol = [graph.indices.astype(np.int64)]
    for k in range(nbrand):
        fans = _fans(world_stream(cfg, "brand fans", k), _unit_rows(interests[consumers]), interests[n0 + k],
                     net.brand_fan_share, net.topic_affinity, consumers)
        out_src.append(np.full(fans.size, n0 + k))
        out_fol.append(fans)
    network = Network.from_edges(n, np.concatenate(out_src), np.concatenate(out_fol))
    return kind, segment, interests, network, n_segments, node_ids


def _topical(rng, topics: int, chosen=None) -> np.ndarray:
    """Interests of a topical account: its topics (or one drawn at random) dominate."""
    t = np.full(topics, 0.01)
    main = chosen if chosen else [int(rng.integers(topics))]
    for k in main:
        t[k] += 0.8 / len(main)
    return t / t.sum()


def _followers_world(cfg: Config):
    """A follower export (handles) and the accounts file naming its bloggers and brands."""
    p, net = cfg.population, cfg.network
    follows = read_follows(net.path)
    accounts = read_accounts(cfg.accounts, p.topics)
    named = match_accounts(accounts, follows, net.path)
    n = follows.handles.size
    kind = np.full(n, CONSUMER, dtype=np.int8)
    kind[named] = accounts.kind
    declared = {"followers": np.full(n, np.nan), "fee": np.full(n, np.nan), "tier": np.full(n, -1, np.int8)}
    declared["followers"][named], declared["fee"][named], declared["tier"][named] = (
        accounts.followers, accounts.fee, accounts.tier)
    segment = np.full(n, -1, dtype=np.int32)
    consumers = kind == CONSUMER
    segment[consumers] = world_stream(cfg, "segment").integers(0, p.segments, int(consumers.sum()))
    profiles = segment_profiles(world_stream(cfg, "segment profiles"), p.segments, p.topics)
    interests = np.empty((n, p.topics))
    interests[consumers] = consumer_interests(world_stream(cfg, "interests"), segment[consumers], profiles,
                                              p.segment_focus)
    topics = world_stream(cfg, "blogger topics")
    for agent, k, chosen in zip(named, accounts.kind, accounts.topics):
        if k == BRAND and not chosen:
            interests[agent] = _normalise(np.asarray(p.brand_topics, dtype=np.float64))
        elif k != CONSUMER or chosen:
            interests[agent] = _topical(topics, p.topics, chosen)
    notes = [f"{net.path}: {n:,} handles, {follows.follower.size:,} follow links; {n - named.size:,} handles "
             f"not in {cfg.accounts} are consumers"]
    if follows.duplicates or follows.self_follows:
        notes.append(f"{net.path}: {follows.duplicates:,} repeated rows counted once, "
                     f"{follows.self_follows:,} self-follows ignored")
    network = Network.from_edges(n, follows.followed, follows.follower)      # followed's posts reach the follower
    return kind, segment, interests, network, p.segments, None, follows.handles, declared, notes


# keys of the configuration that build_world reads: a change to one of them needs a new world
WORLD_KEYS = ("population.", "network.", "diffusion.credibility.", "accounts")


def shapes_world(names) -> bool:
    """True if any of the dotted keys `names` changes the world build_world makes."""
    return any(name.startswith(WORLD_KEYS) for name in names)


def build_world(cfg: Config) -> tuple[Population, Network]:
    """Build the population and its network from config; each attribute from its own
    random stream (`world_stream`), seeded by run.seed."""
    p = cfg.population
    names, declared, notes = None, None, []
    if cfg.network.kind == "followers":
        kind, segment, interests, network, n_segments, node_ids, names, declared, notes = _followers_world(cfg)
    else:
        maker = _loaded_world if cfg.network.kind == "edgelist" else _generated_world
        kind, segment, interests, network, n_segments, node_ids = maker(cfg)
    n = kind.size
    scepticism = _beta(world_stream(cfg, "scepticism"), p.scepticism_mean, p.scepticism_concentration, n)
    activity = _beta(world_stream(cfg, "activity"), p.activity_mean, p.activity_concentration, n)
    activity[kind == BLOGGER] = p.blogger_activity
    activity[kind == BRAND] = p.brand_activity
    cred = np.asarray(cfg.diffusion.credibility.as_list())[kind]
    segment = np.where(kind == CONSUMER, segment, -1).astype(np.int32)
    weekday, weekend = profiles(p)
    pop = Population(kind, segment, interests, scepticism, activity, cred, weekday, n_segments, node_ids, weekend,
                     names, declared, notes)
    return pop, network
