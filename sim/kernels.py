"""The numba hour kernel: one simulated hour of one replicate, on plain arrays.

`advance` follows the model's rules (README, "Model") for M messages at once, in five
phases, all reading the state as it was at the start of the hour (synchronous: a
message moves at most one hop per hour):

1. feed:  followers of every post made in the last `attention_window` hours see it,
          if they are online now and were not online since it was posted; an agent
          reads at most `attention_limit` of these posts per hour (all messages
          together, the rest scrolled past): messages compete for attention.
          Each post is routed once, when it is made, to the hour its follower will
          first be online (an `inbox` bucket per hour), so a follow link costs one
          visit per post whatever the window;
2. ads:   paid impressions (by reach probability or by count), noticed or not;
3. chats: (fully mixed population) an online agent chats with a random agent and
          hears its post of the previous hour;
4. commit: exposures make agents aware; relay and adoption draws take effect;
5. post:  seeds start talking; scheduled one-off posts (brand) and every talker post.

Only posts and the agents they reach are touched, so an hour costs in proportion to
its posts' follow links and its exposures (plus the ad and chat phases, when active).
The relay and adoption rule itself lives in `sim.rules`.

Arguments come as four records built once per model (`World`, `sim.rules.Rules`,
`State`) or per hour (`HourPlan`); the state of each (message, agent) pair is a
structured record (`HOT`, `COLD`, `STATIC`), so fields have names, not column numbers.

Who caused what: when several exposures in one hour could be credited, the one with
the smallest relay draw wins (an order-free rule), giving each aware agent an
`aware_parent` and each relayer a `relay_parent` (-2 = the paid ad).
"""
from collections import namedtuple

import numpy as np
from numba import njit

from .kinds import BRAND, N_KINDS
from .rng import (ADOPT, AD_PICK, ATTENTION, CONTACT, ENGAGE, NOTICE, ONLINE, PICK, REACTION, RELAY, STREAMS,
                  draw, draw_from, draw_prefix)
from .rules import (adoption_chance, appeal, disclosed_credibility, engagement_chance, novelty_now, relay_chance,
                    source_tone, trust, weighted)

NEVER = 2_147_483_647          # talk_until for "keeps talking until the end"
AD_SOURCE = -2                 # parent id of exposures to the paid ad
NO_DRAW = 2_147_483_647        # "no exposure yet" in the draw-key fields
N_WEAR = 16                    # novelty factors tabulated per hour for 0..N_WEAR-1 earlier exposures
FEED, AD, CHAT = 0, -1, -2     # what `_expose` is told about a source (feed: its follow link id >= 0)

# Layout of the per-hour counts `out[m]`: blocks of one count per kind, then totals.
# Per kind of the agent concerned: newly aware, relaying, adopting; exposures (feed posts
# read, noticed ads, chats), feed posts scrolled past for lack of attention, posts made,
# engagements (likes and comments) given. Counts are agents, not people: `sim.metrics`
# weighs each kind by the people an agent stands for (population.scale).
(NEW_AWARE, NEW_RELAY, NEW_ADOPT, EXPOSED, MISSED, POSTED, ENGAGED) = range(0, 7 * N_KINDS, N_KINDS)
(NEW_USEFUL,          # newly aware agents inside the campaign's target
 NEW_USEFUL_ADOPT,
 IMPRESSIONS,         # paid ad impressions delivered (to consumers)
 NEW_SEEDED) = range(7 * N_KINDS, 7 * N_KINDS + 4)
N_OUT = 7 * N_KINDS + 4

# Per (message, agent) records. `HOT` (64 bytes): what every exposure reads or writes;
# hours are -1 until the event. `views` .. `depth_relay` are this hour's scratch: the
# exposures, new sources, relay/adopt hits (bits 1, 2) and the credited exposure
# (smallest relay-draw key, its source and depth) for awareness and for the relay.
_i4, _f8 = np.int32, np.float64
HOT = np.dtype([("aware", _i4), ("relay", _i4), ("adopt", _i4), ("seeded", _i4), ("exposures", _i4),
                ("sources", _i4), ("seen_ad", _i4), ("views", _i4), ("new_sources", _i4), ("hits", _i4),
                ("key_aware", _i4), ("key_relay", _i4), ("src_aware", _i4), ("src_relay", _i4),
                ("depth_aware", _i4), ("depth_relay", _i4)])
# `COLD`: written when something happens to the agent (`posts`: posts it made). The people
# who liked or commented on an agent's posts are in a plain array (`State.engaged_on`).
COLD = np.dtype([("talk_until", _i4), ("last_post", _i4), ("aware_parent", _i4), ("relay_parent", _i4),
                 ("aware_depth", _i4), ("relay_depth", _i4), ("posts", _i4)])
# `STATIC` (32 bytes): per-replicate constants of the agent for the message (refreshed by reset).
STATIC = np.dtype([("relevance_w", _f8), ("scepticism", _f8), ("relay_cap", _f8), ("useful", _i4), ("kind", _i4)])


def due_dtype(wide: bool) -> np.dtype:
    """A post waiting in a follower's feed: message, reader, author, follow link, post hour."""
    t = np.int64 if wide else np.int32
    return np.dtype([("message", t), ("reader", t), ("author", t), ("link", t), ("hour", t)])


# The world as the kernel sees it (fixed for a run).
# `online_share[s]`: the online profile of simulated hour s (its local hour, weekday or weekend).
World = namedtuple("World", ["indptr", "indices", "kind", "activity", "credibility", "online_share", "consumers",
                             "fully_promotional"])
# The diffusion state of one replicate: the records above and the kernel's bookkeeping.
State = namedtuple("State", ["hot", "cold", "static", "engaged_on", "seen_edge", "touched", "due", "due_slot", "inbox",
                             "inbox_count", "talking", "n_talking", "launch"])
# What the campaign does this hour: seeds and one-off posts as (message, agent) pairs, ads per message.
HourPlan = namedtuple("HourPlan", ["seed_message", "seed_agent", "post_message", "post_agent", "ad_reach",
                                   "ad_count"])
# What one exposure to message m needs this hour, one record per message (see `_hour_constants`):
# the relay, adoption and engagement draw prefixes, the weighted interest, the message's tone
# and novelty parameters, the weights, and the weighted novelty for 0..N_WEAR-1 earlier exposures.
HOUR = np.dtype([("relay_prefix", np.uint64), ("adopt_prefix", np.uint64), ("engage_prefix", np.uint64),
                 ("interest_w", _f8), ("tone", _f8), ("novelty", _f8), ("decay", _f8), ("wearout", _f8),
                 ("w_novelty", _f8), ("w_trust", _f8), ("adoption_prob", _f8), ("engagement", _f8),
                 ("people", _f8, (N_KINDS,)), ("novelty_w", _f8, (N_WEAR,))])


# ---------------------------------------------------------------- records
@njit(cache=True, nogil=True)
def fill_static(relevance, scepticism, kind, useful, relay_max, w_relevance, static):
    """static[m, i] = (relevance^w, scepticism, relay cap of i's kind, in target, kind)."""
    for m in range(relevance.shape[0]):
        for i in range(relevance.shape[1]):
            a = static[m, i]
            a.relevance_w = weighted(relevance[m, i], w_relevance)
            a.scepticism = scepticism[i]
            a.relay_cap = relay_max[kind[i]]
            a.useful = useful[i]
            a.kind = kind[i]


@njit(cache=True, nogil=True)
def clear_records(hot, cold):
    """Start of a replicate: every hour field -1 (not yet), counts and scratch 0."""
    for m in range(hot.shape[0]):
        for i in range(hot.shape[1]):
            h = hot[m, i]
            h.aware = h.relay = h.adopt = h.seeded = -1
            h.exposures = h.sources = h.seen_ad = h.views = h.new_sources = h.hits = 0
            h.key_aware = h.key_relay = h.src_aware = h.src_relay = h.depth_aware = h.depth_relay = 0
            c = cold[m, i]
            c.talk_until = c.last_post = c.aware_parent = c.relay_parent = c.aware_depth = c.relay_depth = -1
            c.posts = 0


# ---------------------------------------------------------------- one exposure
# Helpers called once per exposure or follow link take the few arrays they use, never
# a whole record: each array passed costs a reference-count update per call.
@njit(cache=True)
def draw_key(u):
    """A relay draw as a 31-bit integer: credit goes to the smallest (ties: smallest source)."""
    return np.int32(u * 2147483648.0)


@njit(cache=True)
def exposure_appeal(a, c, promotional_source, cred_j):
    """Appeal of an exposure: `a` the receiver's STATIC record, `c` the message's HOUR record."""
    tone = source_tone(promotional_source, c.tone)
    return appeal(c.interest_w, a.relevance_w, weighted(trust(cred_j, a.scepticism, tone), c.w_trust))


@njit(cache=True)
def exposure_novelty(c, earlier, age):
    """Weighted novelty, `age` hours after launch, after `earlier` exposures (`c`: HOUR record)."""
    if earlier < N_WEAR:
        return c.novelty_w[earlier]
    return weighted(novelty_now(c.novelty, c.decay, age, c.wearout, earlier), c.w_novelty)


@njit(cache=True)
def _count_source(m, h, edge, seen_edge):
    """A new source? Each follow link counts once, the ad once, every chat anew."""
    if edge >= 0:
        if seen_edge[m, edge] == 0:
            seen_edge[m, edge] = 1
            h.new_sources += 1
    elif edge == AD:
        if h.seen_ad == 0:
            h.seen_ad = 1
            h.new_sources += 1
    else:
        h.new_sources += 1


@njit(cache=True)
def _credit_aware(h, k, source, depth_j):
    """Keep the exposure with the smallest relay-draw key (ties: smallest source)."""
    if k < h.key_aware or (k == h.key_aware and source < h.src_aware):
        h.key_aware, h.src_aware, h.depth_aware = k, source, depth_j


@njit(cache=True)
def _credit_relay(h, k, source, depth_j):
    if k < h.key_relay or (k == h.key_relay and source < h.src_relay):
        h.key_relay, h.src_relay, h.depth_relay = k, source, depth_j


@njit(cache=True, inline="always")
def _expose(m, i, source, promotional_source, cred_j, depth_j, edge, t0, age, n_touched, hot, static, engaged_on,
            seen_edge, touched, hour, out):
    """Record one exposure of agent i to message m posted by `source` (AD_SOURCE: the ad)
    at hour t0; `edge` is the follow link (FEED, >= 0), AD or CHAT; `cred_j` is the source's
    credibility as its reader sees it (after any disclosure). Returns n_touched. Inlined
    where it is called: as a call, passing its seven arrays cost a third of the feed phase."""
    h = hot[m, i]
    if h.views == 0:
        touched[n_touched] = m * hot.shape[1] + i
        n_touched += 1
        h.key_aware = h.key_relay = h.src_aware = h.src_relay = NO_DRAW
    h.views += 1
    _count_source(m, h, edge, seen_edge)
    b = source + 3                   # ad -> 1, agents -> index + 3
    could_relay = h.relay < 0 and h.seeded < 0
    could_adopt = h.adopt < 0
    c, a = hour[m], static[m, i]
    ap = 0.0
    if could_relay or could_adopt or c.engagement > 0.0:   # appeal matters only for a decision still open
        ap = exposure_appeal(a, c, promotional_source, cred_j)
    if c.engagement > 0.0 and draw_from(c.engage_prefix, i, b, t0) < engagement_chance(c.engagement, ap):
        out[m, ENGAGED + a.kind] += 1                  # a like or a comment (every post read can get one)
        if source >= 0:
            engaged_on[m, source] += c.people[a.kind]
    if could_relay or h.aware < 0:
        u = draw_from(c.relay_prefix, i, b, t0)
        k = draw_key(u)
        _credit_aware(h, k, source, depth_j)
        if could_relay and u < relay_chance(a.relay_cap, ap, exposure_novelty(c, np.int64(h.exposures), age)):
            h.hits |= 1
            _credit_relay(h, k, source, depth_j)       # credit for the relay: smallest successful draw
    if could_adopt and draw_from(c.adopt_prefix, i, b, t0) < adoption_chance(c.adoption_prob, ap):
        h.hits |= 2
    return n_touched


# ---------------------------------------------------------------- phases
@njit(cache=True)
def _launch(s, launch, plan):
    """A message is launched by its first post, seed or ad."""
    for m in range(launch.size):
        if launch[m] < 0 and (plan.ad_reach[m] > 0.0 or plan.ad_count[m] > 0):
            launch[m] = s
    for k in range(plan.seed_message.size):
        if launch[plan.seed_message[k]] < 0:
            launch[plan.seed_message[k]] = s
    for k in range(plan.post_message.size):
        if launch[plan.post_message[k]] < 0:
            launch[plan.post_message[k]] = s


@njit(cache=True)
def hour_constants(s, key, rules, launch):
    """The HOUR record of each message for hour s."""
    hour = np.empty(launch.size, HOUR)
    for m in range(launch.size):
        c = hour[m]
        c.relay_prefix = draw_prefix(key, RELAY + STREAMS * m, s)
        c.adopt_prefix = draw_prefix(key, ADOPT + STREAMS * m, s)
        c.engage_prefix = draw_prefix(key, ENGAGE + STREAMS * m, s)
        c.engagement = rules.engagement
        c.people[:] = rules.people
        c.interest_w = weighted(rules.interest[m], rules.w_interest)
        c.tone, c.novelty, c.decay, c.wearout = rules.tone[m], rules.novelty[m], rules.decay[m], rules.wearout[m]
        c.w_novelty, c.w_trust, c.adoption_prob = rules.w_novelty, rules.w_trust, rules.adoption_prob
        age = float(s - launch[m])
        for x in range(N_WEAR):
            c.novelty_w[x] = weighted(novelty_now(c.novelty, c.decay, age, c.wearout, x), c.w_novelty)
    return hour


@njit(cache=True, inline="always")
def _pick(key, s, post):
    """Priority of a feed post when its reader has more than it can read (smallest first)."""
    return draw(key, PICK + STREAMS * np.int64(post.message), s, post.reader, post.author + 3, post.hour)


@njit(cache=True)
def _attention_thresholds(s, key, limit, box, nc, due, due_slot):
    """For each reader with more than `limit` posts due, the pick draw of the last post it
    reads (`due_slot[i]` indexes the result; -1: reads everything)."""
    n_over = 0
    for c in range(nc):
        i = box[c].reader
        due[i] += 1
        if due[i] == limit + 1:
            n_over += 1
    thresholds = np.empty(n_over, np.float64)
    if n_over == 0:
        return thresholds
    over = np.empty(n_over, np.int64)
    k = 0
    for c in range(nc):
        i = box[c].reader
        if due[i] > limit and due_slot[i] < 0:
            due_slot[i] = k
            over[k] = i
            k += 1
    starts = np.zeros(n_over + 1, np.int64)
    for a in range(n_over):
        starts[a + 1] = starts[a] + due[over[a]]
    fill = starts[:-1].copy()
    picks = np.empty(starts[-1], np.float64)
    for c in range(nc):
        a = due_slot[box[c].reader]
        if a >= 0:
            picks[fill[a]] = _pick(key, s, box[c])
            fill[a] += 1
    for a in range(n_over):
        thresholds[a] = np.sort(picks[starts[a]:starts[a + 1]])[limit - 1]
    return thresholds


@njit(cache=True)
def _feed(s, key, world, rules, state, inbox, hour, out, n_touched):
    """Phase 1: the posts due in this hour's inbox bucket, within each reader's attention."""
    hot, static, cold, seen_edge, touched = state.hot, state.static, state.cold, state.seen_edge, state.touched
    kind, credibility, promotional, launch = world.kind, world.credibility, world.fully_promotional, state.launch
    due, due_slot, limit = state.due, state.due_slot, rules.attention_limit
    b = s % (rules.attention_window + 1)
    nc = state.inbox_count[b]
    box = inbox[b]
    thresholds = np.empty(0, np.float64)
    if limit > 0:
        thresholds = _attention_thresholds(s, key, limit, box, nc, due, due_slot)
    for c in range(nc):
        post = box[c]
        m, i, j = np.int64(post.message), np.int64(post.reader), np.int64(post.author)
        if thresholds.size > 0 and due_slot[i] >= 0 and _pick(key, s, post) > thresholds[due_slot[i]]:
            out[m, MISSED + kind[i]] += 1
            continue
        cred = disclosed_credibility(credibility[j], hot[m, j].seeded, np.int64(post.hour), rules.disclosure)
        n_touched = _expose(m, i, j, promotional[kind[j]], cred, np.int64(cold[m, j].relay_depth),
                            np.int64(post.link), np.int64(post.hour), float(s - launch[m]), n_touched, hot, static,
                            state.engaged_on, seen_edge, touched, hour, out)
    if limit > 0:
        for c in range(nc):
            due[box[c].reader] = 0
            due_slot[box[c].reader] = -1
    state.inbox_count[b] = 0
    return n_touched


@njit(cache=True)
def _ads(s, key, world, rules, state, plan, hour, out, n_touched):
    """Phase 2: ads by reach (bottom of an online consumer's attention draw) or by count
    (impressions to random online consumers); a shown ad is noticed with `ad_notice`.
    (Draw prefixes are hoisted out of the loops: `draw_from(draw_prefix(..)) == draw(..)`.)"""
    hot, static, seen_edge, touched = state.hot, state.static, state.seen_edge, state.touched
    activity, consumers, notice = world.activity, world.consumers, rules.ad_notice
    share = world.online_share[s]
    promotional, cred = world.fully_promotional[BRAND], rules.ad_credibility
    online = draw_prefix(key, ONLINE, s)
    for m in range(state.launch.size):
        age = float(s - state.launch[m])
        reach = plan.ad_reach[m]
        noticed = draw_prefix(key, NOTICE + STREAMS * m, s)
        if reach > 0.0:
            attention = draw_prefix(key, ATTENTION + STREAMS * m, s)
            for i in consumers:
                if draw_from(online, i, 0, 0) < activity[i] * share and draw_from(attention, i, 0, 0) < reach:
                    out[m, IMPRESSIONS] += 1
                    if draw_from(noticed, i, 0, 0) < notice:
                        n_touched = _expose(np.int64(m), np.int64(i), np.int64(AD_SOURCE), promotional, cred,
                                            np.int64(0), np.int64(AD), np.int64(s), age, n_touched, hot, static,
                                            state.engaged_on, seen_edge, touched, hour, out)
        count = plan.ad_count[m]
        delivered, attempt = 0, 0
        pick = draw_prefix(key, AD_PICK + STREAMS * m, s)
        # consumers are usually agents first .. first + size - 1: then no lookup (a random read)
        first = consumers[0] if consumers.size > 0 and consumers[-1] - consumers[0] == consumers.size - 1 else -1
        while consumers.size > 0 and delivered < count and attempt < 200 * count:
            k = int(draw_from(pick, attempt, 0, 0) * consumers.size)
            i = first + k if first >= 0 else consumers[k]
            attempt += 1
            if not draw_from(online, i, 0, 0) < activity[i] * share:
                continue
            out[m, IMPRESSIONS] += 1
            if draw_from(noticed, i, attempt, 0) < notice:
                n_touched = _expose(np.int64(m), np.int64(i), np.int64(AD_SOURCE), promotional, cred, np.int64(0),
                                    np.int64(AD), np.int64(s + 1 + attempt), age, n_touched, hot, static,
                                    state.engaged_on, seen_edge, touched, hour, out)
            delivered += 1
    return n_touched


@njit(cache=True)
def _chats(s, key, world, rules, state, hour, out, n_touched):
    """Phase 3: the top of the attention draw goes to a chat with a uniformly random agent,
    who passes on its post of the previous hour."""
    q = rules.contact_rate
    if q <= 0.0 or s < 1:
        return n_touched
    hot, static, cold, seen_edge, touched = state.hot, state.static, state.cold, state.seen_edge, state.touched
    activity, kind, credibility, promotional = world.activity, world.kind, world.credibility, world.fully_promotional
    share = world.online_share[s]
    n = hot.shape[1]
    online = draw_prefix(key, ONLINE, s)
    for m in range(state.launch.size):
        age = float(s - state.launch[m])
        attention, contact = draw_prefix(key, ATTENTION + STREAMS * m, s), draw_prefix(key, CONTACT + STREAMS * m, s)
        for i in range(n):
            if draw_from(online, i, 0, 0) < activity[i] * share and draw_from(attention, i, 0, 0) >= 1.0 - q:
                c = int(draw_from(contact, i, 0, 0) * n)
                if c != i and cold[m, c].last_post == s - 1:
                    cred = disclosed_credibility(credibility[c], hot[m, c].seeded, np.int64(s - 1), rules.disclosure)
                    n_touched = _expose(np.int64(m), np.int64(i), np.int64(c), promotional[kind[c]], cred,
                                        np.int64(cold[m, c].relay_depth), np.int64(CHAT), np.int64(s - 1), age,
                                        n_touched, hot, static, state.engaged_on, seen_edge, touched, hour, out)
    return n_touched


@njit(cache=True)
def _make_aware(m, i, s, kind, hot, static, out):
    h = hot[m, i]
    if h.aware < 0:
        h.aware = s
        out[m, NEW_AWARE + kind[i]] += 1
        if static[m, i].useful > 0:
            out[m, NEW_USEFUL] += 1
        return True
    return False


@njit(cache=True)
def _start_talking(m, j, s, talk, cold, talking, n_talking):
    c = cold[m, j]
    if c.talk_until < s:
        c.talk_until = s + talk - 1 if talk > 0 else NEVER
        talking[m, n_talking[m]] = j
        n_talking[m] += 1


@njit(cache=True)
def _commit(s, world, rules, state, out, n_touched):
    """Phase 4: exposures make agents aware; relay and adoption hits take effect."""
    hot, static, cold, touched, kind = state.hot, state.static, state.cold, state.touched, world.kind
    talking, n_talking, talk, min_sources = state.talking, state.n_talking, rules.talk_hours, rules.adoption_min_sources
    n = hot.shape[1]
    for k in range(n_touched):
        m, i = touched[k] // n, touched[k] % n
        h, c = hot[m, i], cold[m, i]
        out[m, EXPOSED + kind[i]] += h.views
        if _make_aware(m, i, s, kind, hot, static, out):
            c.aware_parent = h.src_aware
            c.aware_depth = h.depth_aware + 1
        h.exposures += h.views
        h.sources += h.new_sources
        if h.hits & 1:
            h.relay = s
            c.relay_parent = h.src_relay
            c.relay_depth = h.depth_relay + 1
            out[m, NEW_RELAY + kind[i]] += 1
            _start_talking(m, i, s, talk, cold, talking, n_talking)
        if h.adopt < 0 and (((h.hits & 2) and h.sources >= min_sources) or ((h.hits & 1) and rules.relayers_adopt)):
            h.adopt = s
            out[m, NEW_ADOPT + kind[i]] += 1
            if static[m, i].useful > 0:
                out[m, NEW_USEFUL_ADOPT] += 1
        h.views = 0
        h.new_sources = 0
        h.hits = 0


@njit(cache=True)
def _deliver(m, j, s, indptr, indices, activity, inbox, inbox_count, online_prefix, online_share, reaction,
             reaction_prefix):
    """Put j's post of hour s in each follower's feed for the first hour, among the next
    `window` (= online_prefix.size), in which that follower is online (a follower never
    online in the window never sees it). With reaction times (message.decay=power_law),
    the follower turns to the post no earlier than its reaction delay: d0 whole hours
    after the post's hour, drawn from `reaction[d]` = P(delay < d + 1 hours). Each follow
    link is visited once per post, not once per hour in the window; returns the inbox,
    enlarged first if j's followers might not fit (so the loop over them never reallocates:
    an array variable reassigned inside the loop doubled its cost per link).
    `online_prefix[d]`, `online_share[d]`: the ONLINE draw prefix and the daily profile
    of hour s + 1 + d."""
    need = inbox_count.max() + indptr[j + 1] - indptr[j]
    if need > inbox.shape[1]:
        bigger = np.empty((inbox.shape[0], max(need, 2 * inbox.shape[1])), inbox.dtype)
        bigger[:, :inbox.shape[1]] = inbox
        inbox = bigger
    _route(m, j, s, indptr, indices, activity, inbox, inbox_count, online_prefix, online_share, reaction,
           reaction_prefix)
    return inbox


@njit(cache=True)
def _route(m, j, s, indptr, indices, activity, inbox, inbox_count, online_prefix, online_share, reaction,
           reaction_prefix):
    """The loop of `_deliver`, into an inbox with room for every follower of j."""
    window = online_prefix.size
    timed = reaction[0] < 1.0
    for e in range(indptr[j], indptr[j + 1]):
        i = indices[e]
        a = activity[i]
        d0 = 0
        if timed:
            d0 = np.searchsorted(reaction, draw_from(reaction_prefix, i, j + 3, 0), side="right")
        for d in range(d0, window):
            if draw_from(online_prefix[d], i, 0, 0) < a * online_share[d]:
                b = (s + 1 + d) % (window + 1)
                k = inbox_count[b]
                due = inbox[b, k]
                due.message, due.reader, due.author, due.link, due.hour = m, i, j, e, s
                inbox_count[b] = k + 1
                break


@njit(cache=True)
def _publish(m, j, s, world, cold, out, inbox, inbox_count, online_prefix, online_share, reaction, reaction_prefix):
    """Agent j posts message m in hour s (once per hour, however many reasons it has)."""
    if cold[m, j].last_post != s:
        cold[m, j].last_post = s
        cold[m, j].posts += 1
        out[m, POSTED + world.kind[j]] += 1
        inbox = _deliver(np.int64(m), np.int64(j), s, world.indptr, world.indices, world.activity, inbox, inbox_count,
                         online_prefix, online_share, reaction[m], reaction_prefix[m])
    return inbox


@njit(cache=True)
def _campaign_author(m, j, s, kind, hot, static, cold, out):
    """A seed or one-off post is the campaign's own: its author is aware, at depth 0."""
    if _make_aware(m, j, s, kind, hot, static, out):
        cold[m, j].aware_depth = 0
    if hot[m, j].relay < 0:
        cold[m, j].relay_depth = 0


@njit(cache=True)
def _post(s, key, world, rules, state, inbox, plan, out):
    """Phase 5: new seeds start talking; one-off posts; every talker posts. Returns the inbox."""
    hot, static, cold, kind = state.hot, state.static, state.cold, world.kind
    talking, n_talking, talk = state.talking, state.n_talking, rules.talk_hours
    inbox_count, reaction = state.inbox_count, rules.reaction
    online_prefix = np.empty(rules.attention_window, np.uint64)       # hours s + 1 .. s + window
    online_share = np.empty(rules.attention_window)
    for d in range(rules.attention_window):
        online_prefix[d] = draw_prefix(key, ONLINE, s + 1 + d)
        online_share[d] = world.online_share[s + 1 + d]
    reaction_prefix = np.empty(state.launch.size, np.uint64)
    for m in range(state.launch.size):
        reaction_prefix[m] = draw_prefix(key, REACTION + STREAMS * m, s)
    for k in range(plan.seed_message.size):
        m, j = plan.seed_message[k], plan.seed_agent[k]
        if hot[m, j].seeded < 0:
            hot[m, j].seeded = s
            out[m, NEW_SEEDED] += 1
            _campaign_author(m, j, s, kind, hot, static, cold, out)
            _start_talking(m, j, s, talk, cold, talking, n_talking)
    for k in range(plan.post_message.size):
        m, j = plan.post_message[k], plan.post_agent[k]
        _campaign_author(m, j, s, kind, hot, static, cold, out)
        inbox = _publish(m, j, s, world, cold, out, inbox, inbox_count, online_prefix, online_share, reaction,
                         reaction_prefix)
    for m in range(state.launch.size):
        kept = 0
        for k in range(n_talking[m]):
            j = talking[m, k]
            if cold[m, j].talk_until >= s:
                inbox = _publish(np.int64(m), np.int64(j), s, world, cold, out, inbox, inbox_count, online_prefix,
                                 online_share, reaction, reaction_prefix)
                if cold[m, j].talk_until > s:
                    talking[m, kept] = j
                    kept += 1
        n_talking[m] = kept
    return inbox


@njit(cache=True)
def _hour(s, key, world, rules, state, inbox, plan, out):
    """Hour s: the five phases; returns the inbox (posting may have had to enlarge it)."""
    out[:, :] = 0
    _launch(s, state.launch, plan)
    # a phase with nothing to do is skipped: each call costs about a microsecond of
    # reference counting on the arrays it takes out of the records, even when idle
    feed = state.inbox_count[s % (rules.attention_window + 1)] > 0
    ads = plan.ad_reach.max() > 0.0 or plan.ad_count.max() > 0 if plan.ad_reach.size else False
    chats = rules.contact_rate > 0.0 and s >= 1
    n_touched = 0
    if feed or ads or chats:
        hour = hour_constants(s, key, rules, state.launch)
        if feed:
            n_touched = _feed(s, key, world, rules, state, inbox, hour, out, n_touched)
        if ads:
            n_touched = _ads(s, key, world, rules, state, plan, hour, out, n_touched)
        if chats:
            n_touched = _chats(s, key, world, rules, state, hour, out, n_touched)
    if n_touched > 0:
        _commit(s, world, rules, state, out, n_touched)
    if plan.seed_message.size == 0 and plan.post_message.size == 0 and state.n_talking.max() == 0:
        return inbox
    return _post(s, key, world, rules, state, inbox, plan, out)


@njit(cache=True, nogil=True)
def advance(s, key, world, rules, state, plan, out):
    """Simulate hour `s` in place; fill `out[m]` with this hour's counts (N_OUT layout).
    Returns the inbox (posting may have had to enlarge it)."""
    return _hour(s, key, world, rules, state, state.inbox, plan, out)


# A campaign's plan for every hour, recorded ahead from actions that depend on the hour only
# (`Action.scheduled`): ads per hour and message; seeds, one-off posts and seed costs of hour
# s at [start[s], start[s + 1]) of their arrays, in the order the actions made them.
Schedule = namedtuple("Schedule", ["ad_reach", "ad_count", "seed_start", "seed_message", "seed_agent", "post_start",
                                   "post_message", "post_agent", "cost_start", "cost_message", "cost"])


@njit(cache=True, nogil=True)
def advance_hours(s0, s1, key, world, rules, state, schedule, people_per_impression, cpm, spent, history):
    """Hours s0 .. s1 - 1, each exactly as `advance` with the schedule's plan of that hour:
    one call instead of one per hour (no per-hour dispatch). history[s - s0] gets hour s's
    counts; `spent` accrues each hour's seed costs, then its impressions, as the model does.
    Returns the inbox."""
    inbox = state.inbox
    for s in range(s0, s1):
        sd, pt = schedule.seed_start, schedule.post_start
        plan = HourPlan(schedule.seed_message[sd[s]:sd[s + 1]], schedule.seed_agent[sd[s]:sd[s + 1]],
                        schedule.post_message[pt[s]:pt[s + 1]], schedule.post_agent[pt[s]:pt[s + 1]],
                        schedule.ad_reach[s], schedule.ad_count[s])
        out = history[s - s0]
        inbox = _hour(s, key, world, rules, state, inbox, plan, out)
        for k in range(schedule.cost_start[s], schedule.cost_start[s + 1]):
            spent[schedule.cost_message[k]] += schedule.cost[k]
        for m in range(spent.size):
            spent[m] += out[m, IMPRESSIONS] * people_per_impression * cpm / 1000.0
    return inbox
