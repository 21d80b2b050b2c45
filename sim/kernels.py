"""The numba step kernel: one simulated hour of one replicate, on plain arrays.

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
Formulas shared with the plain-Python reference live in small jitted functions
whose `.py_func` the reference calls, so both evaluate them identically.

Who caused what: when several exposures in one hour could be credited, the one with
the smallest relay draw wins (an order-free rule), giving each aware agent an
`aware_parent` and each relayer a `relay_parent` (-2 = the paid ad).
"""
import math

import numpy as np
from numba import njit

from .rng import (ADOPT, AD_PICK, ATTENTION, CONTACT, NOTICE, ONLINE, PICK, RELAY, STREAMS, draw,
                  draw_from, draw_prefix)

BRAND_KIND = 2
NEVER = 2_147_483_647          # talk_until for "keeps talking until the end"
AD_SOURCE = -2                 # parent id of exposures to the paid ad
NO_DRAW = 2_147_483_647        # "no exposure yet" in the draw-key fields

# Layout of the per-hour `out[m]` counts.
NEW_AWARE = 0        # +kind (3)
NEW_RELAY = 3        # +kind (3)
NEW_ADOPT = 6        # +kind (3)
NEW_USEFUL = 9       # newly aware agents inside the campaign's target
NEW_USEFUL_ADOPT = 10
IMPRESSIONS = 11     # paid ad impressions delivered
EXPOSURES = 12       # all exposures (feed posts read, noticed ads, chats)
POSTS = 13           # posts made this hour
NEW_SEEDED = 14
MISSED = 15          # feed posts scrolled past for lack of attention
N_OUT = 16

# Per-message float parameters `fpm[m]`.
F_INTEREST, F_NOVELTY, F_DECAY, F_WEAROUT, F_PROMO = range(5)
N_FPM = 5
# Global float parameters `fpg`.
# (the relay cap per kind is in `static`, refreshed from the rules at each reset)
G_WI, G_WR, G_WN, G_WT, G_ADOPT, G_CONTACT, G_AD_CRED, G_AD_NOTICE = range(8)
N_FPG = 8
# Global int parameters `ip`.
I_WINDOW, I_TALK, I_MIN_SOURCES, I_RELAYERS_ADOPT, I_START_HOUR, I_ATTENTION = range(6)
N_IP = 6

# State is stored per (message, agent) as records, so that one exposure touches one or
# two cache lines instead of one line in each of twenty arrays (at a million agents
# memory latency, not arithmetic, is what an exposure costs).
# `hot[m, i, :]` int32, 64 bytes: what every exposure reads or writes (hours; -1 = not yet).
H_AWARE, H_RELAY, H_ADOPT, H_SEEDED, H_EXPOSURES, H_SOURCES, H_SEEN_AD, \
    H_VIEWS, H_NEW_SRC, H_HITS, H_KEY_AWARE, H_KEY_RELAY, H_SRC_AWARE, H_SRC_RELAY, \
    H_DEPTH_AWARE, H_DEPTH_RELAY = range(16)
N_HOT = 16           # H_VIEWS.. are this hour's scratch: exposures, new sources, hits, and the
#                      credited exposure (smallest relay-draw key) for awareness and for relay
# `cold[m, i, :]` int32: written when something happens to the agent.
C_TALK_UNTIL, C_LAST_POST, C_AWARE_PARENT, C_RELAY_PARENT, C_AWARE_DEPTH, C_RELAY_DEPTH = range(6)
N_COLD = 8
# `static[m, i, :]` float64: per-replicate constants of agent i for message m.
A_RELEVANCE_W, A_SCEPTICISM, A_RELAY_CAP, A_USEFUL = range(4)
N_STATIC = 4
M_TALKING, M_LAUNCH = 0, 1      # `misc[m]` int64 state
N_WEAR = 16          # novelty factors tabulated per hour for 0..N_WEAR-1 earlier exposures


@njit(cache=True)
def trust(credibility, scepticism, tone):
    """Trust in a source: its credibility, discounted by scepticism times promotional tone."""
    return credibility * (1.0 - scepticism * tone)


@njit(cache=True)
def weighted(factor, weight):
    """A factor of the relay rule raised to its weight (1: the factor itself, exactly)."""
    return factor if weight == 1.0 else factor ** weight


@njit(cache=True)
def appeal(interest_w, relevance_w, trust_w):
    """How attractive one exposure is: conjunctive, near zero if any (weighted) factor is."""
    return interest_w * relevance_w * trust_w


@njit(cache=True)
def novelty_now(novelty, decay, age, wearout, exposures):
    """Novelty at `age` hours after launch for an agent with `exposures` earlier exposures."""
    return novelty * math.exp(-decay * age) * wearout ** float(exposures)


@njit(cache=True)
def draw_key(u):
    """A relay draw as a 31-bit integer: credit goes to the smallest (ties: smallest source)."""
    return np.int32(u * 2147483648.0)


@njit(cache=True)
def online(key, s, i, activity, profile, start_hour):
    return draw(key, ONLINE, s, i, 0, 0) < activity[i] * profile[(start_hour + s) % 24]


@njit(cache=True)
def fill_static(relevance, scepticism, kind, useful, relay_max, w_relevance, static):
    """static[m, i] = (relevance^w, scepticism, relay cap of i's kind, in target)."""
    for m in range(relevance.shape[0]):
        for i in range(relevance.shape[1]):
            static[m, i, A_RELEVANCE_W] = weighted(relevance[m, i], w_relevance)
            static[m, i, A_SCEPTICISM] = scepticism[i]
            static[m, i, A_RELAY_CAP] = relay_max[kind[i]]
            static[m, i, A_USEFUL] = useful[i]


@njit(cache=True)
def clear_records(hot, cold):
    """Start of a replicate: every hour field -1 (not yet), counts and scratch 0."""
    for m in range(hot.shape[0]):
        for i in range(hot.shape[1]):
            h = hot[m, i]
            h[:] = 0
            h[H_AWARE] = h[H_RELAY] = h[H_ADOPT] = h[H_SEEDED] = -1
            cold[m, i, :] = -1


@njit(cache=True)
def _expose(m, i, source, kind_j, cred_j, depth_j, edge, t0, age, n_touched, static, fpm, fpg,
            hot, seen_edge, touched, relay_prefix, adopt_prefix, interest_w, novelty_w):
    """Record one exposure of agent i to message m posted by `source` (AD_SOURCE: the ad).
    The last four arguments are this hour's per-message constants (see `_hour_tables`)."""
    n = hot.shape[1]
    h = hot[m, i]
    if h[H_VIEWS] == 0:
        touched[n_touched] = m * n + i
        n_touched += 1
        h[H_KEY_AWARE] = NO_DRAW
        h[H_KEY_RELAY] = NO_DRAW
        h[H_SRC_AWARE] = NO_DRAW
        h[H_SRC_RELAY] = NO_DRAW
    h[H_VIEWS] += 1
    if edge >= 0:                    # feed: a source counts once per follow link
        if seen_edge[m, edge] == 0:
            seen_edge[m, edge] = 1
            h[H_NEW_SRC] += 1
    elif edge == -1:                 # the paid ad counts as one source
        if h[H_SEEN_AD] == 0:
            h[H_SEEN_AD] = 1
            h[H_NEW_SRC] += 1
    else:                            # chat in a mixed population: a new source each time
        h[H_NEW_SRC] += 1
    b = source + 3                   # ad -> 1, agents -> index + 3
    could_relay = h[H_RELAY] < 0 and h[H_SEEDED] < 0
    could_adopt = h[H_ADOPT] < 0
    ap = 0.0
    a = static[m, i]
    if could_relay or could_adopt:   # the exposure's appeal matters only for a decision still open
        tone = 1.0 if kind_j == BRAND_KIND else fpm[m, F_PROMO]
        tr = trust(cred_j, a[A_SCEPTICISM], tone)
        ap = appeal(interest_w[m], a[A_RELEVANCE_W], weighted(tr, fpg[G_WT]))
    if could_relay or h[H_AWARE] < 0:
        u = draw_from(relay_prefix[m], i, b, t0)
        k = draw_key(u)
        if k < h[H_KEY_AWARE] or (k == h[H_KEY_AWARE] and source < h[H_SRC_AWARE]):
            h[H_KEY_AWARE] = k       # credit for awareness: smallest relay draw
            h[H_SRC_AWARE] = source
            h[H_DEPTH_AWARE] = depth_j
        if could_relay:
            x = np.int64(h[H_EXPOSURES])
            nov_w = novelty_w[m, x] if x < N_WEAR else weighted(
                novelty_now(fpm[m, F_NOVELTY], fpm[m, F_DECAY], age, fpm[m, F_WEAROUT], x), fpg[G_WN])
            p = a[A_RELAY_CAP] * ap * nov_w
            if u < p:
                h[H_HITS] |= 1
                if k < h[H_KEY_RELAY] or (k == h[H_KEY_RELAY] and source < h[H_SRC_RELAY]):
                    h[H_KEY_RELAY] = k   # credit for the relay: smallest successful draw
                    h[H_SRC_RELAY] = source
                    h[H_DEPTH_RELAY] = depth_j
    if could_adopt:
        if draw_from(adopt_prefix[m], i, b, t0) < fpg[G_ADOPT] * ap:
            h[H_HITS] |= 2
    return n_touched


@njit(cache=True)
def _make_aware(m, i, s, kind, static, hot, out):
    if hot[m, i, H_AWARE] < 0:
        hot[m, i, H_AWARE] = s
        out[m, NEW_AWARE + kind[i]] += 1
        if static[m, i, A_USEFUL] > 0.0:
            out[m, NEW_USEFUL] += 1
        return True
    return False


@njit(cache=True)
def _post(m, j, s, cold, out):
    """Agent j posts message m in hour s (once per hour); True if this is a new post."""
    if cold[m, j, C_LAST_POST] != s:
        cold[m, j, C_LAST_POST] = s
        out[m, POSTS] += 1
        return True
    return False


@njit(cache=True)
def _deliver(m, j, s, indptr, indices, activity, online_prefix, online_share, inbox, inbox_count):
    """Put j's post of hour s in each follower's feed for the first hour, among the next
    `window` (= online_prefix.size), in which that follower is online (a follower never
    online in the window never sees it). Each follow link is visited once per post, not
    once per hour in the window; returns the inbox (reallocated when a bucket is full).
    `online_prefix[d]`, `online_share[d]`: the ONLINE draw prefix and the daily profile
    of hour s + 1 + d."""
    window = online_prefix.size
    for e in range(indptr[j], indptr[j + 1]):
        i = indices[e]
        a = activity[i]
        for d in range(window):
            if draw_from(online_prefix[d], i, 0, 0) < a * online_share[d]:
                s2 = s + 1 + d
                b = s2 % (window + 1)
                k = inbox_count[b]
                if k == inbox.shape[1]:
                    bigger = np.empty((inbox.shape[0], 2 * k, inbox.shape[2]), inbox.dtype)
                    bigger[:, :k] = inbox
                    inbox = bigger
                inbox[b, k, 0], inbox[b, k, 1], inbox[b, k, 2], inbox[b, k, 3], inbox[b, k, 4] = m, i, j, e, s
                inbox_count[b] = k + 1
                break
    return inbox


@njit(cache=True, inline="always")
def _pick(key, s, rec):
    """Priority of the feed post `rec` (m, i, j, e, t0) when i has more than it can read."""
    return draw(key, PICK + STREAMS * np.int64(rec[0]), s, rec[1], rec[2] + 3, rec[4])


@njit(cache=True)
def _start_talking(m, j, s, talk, cold, talking, misc):
    if cold[m, j, C_TALK_UNTIL] < s:
        cold[m, j, C_TALK_UNTIL] = s + talk - 1 if talk > 0 else NEVER
        talking[m, misc[m, M_TALKING]] = j
        misc[m, M_TALKING] += 1


@njit(cache=True)
def _hour_tables(s, key, fpm, fpg, misc):
    """Per-message constants of hour s: the relay and adoption draw prefixes, the weighted
    interest, and the weighted novelty for 0..N_WEAR-1 earlier exposures."""
    n_msg = fpm.shape[0]
    relay_prefix = np.empty(n_msg, np.uint64)
    adopt_prefix = np.empty(n_msg, np.uint64)
    interest_w = np.empty(n_msg)
    novelty_w = np.empty((n_msg, N_WEAR))
    for m in range(n_msg):
        relay_prefix[m] = draw_prefix(key, RELAY + STREAMS * m, s)
        adopt_prefix[m] = draw_prefix(key, ADOPT + STREAMS * m, s)
        interest_w[m] = weighted(fpm[m, F_INTEREST], fpg[G_WI])
        age = float(s - misc[m, M_LAUNCH])
        for x in range(N_WEAR):
            novelty_w[m, x] = weighted(novelty_now(fpm[m, F_NOVELTY], fpm[m, F_DECAY], age,
                                                   fpm[m, F_WEAROUT], x), fpg[G_WN])
    return relay_prefix, adopt_prefix, interest_w, novelty_w


@njit(cache=True, nogil=True)
def advance(s, key, indptr, indices, kind, activity, credibility, profile, consumers,
            fpm, fpg, ip, static, hot, cold, seen_edge, touched, cand, inbox, inbox_count,
            talking, misc, seed_msg, seed_agent, post_msg, post_agent, ad_reach, ad_count, out):
    """Simulate hour `s` in place; fill `out[m]` with this hour's counts (N_OUT layout).

    `hot`, `cold`, `static`: the per (message, agent) records above; `seed_*`/`post_*`:
    this hour's seeds and one-off posts as (message, agent); `ad_reach[m]`: chance an
    online consumer sees message m's ad; `ad_count[m]`: ad impressions to deliver to
    random online consumers. `inbox[b]` (b = hour % (window + 1)) holds `inbox_count[b]`
    posts (message, follower, source, link, post hour) due in that hour; the inbox is
    returned because posting may have to enlarge it. `cand[i]`: (feed posts due, slot)
    scratch for the attention limit.
    """
    n_msg, n = hot.shape[0], hot.shape[1]
    window, talk, start_hour, limit = ip[I_WINDOW], ip[I_TALK], ip[I_START_HOUR], ip[I_ATTENTION]
    out[:, :] = 0
    for m in range(n_msg):
        if misc[m, M_LAUNCH] < 0 and (ad_reach[m] > 0.0 or ad_count[m] > 0):
            misc[m, M_LAUNCH] = s
    for k in range(seed_msg.size):
        if misc[seed_msg[k], M_LAUNCH] < 0:
            misc[seed_msg[k], M_LAUNCH] = s
    for k in range(post_msg.size):
        if misc[post_msg[k], M_LAUNCH] < 0:
            misc[post_msg[k], M_LAUNCH] = s
    n_touched = np.int64(0)
    relay_prefix, adopt_prefix, interest_w, novelty_w = _hour_tables(s, key, fpm, fpg, misc)

    # 1. feed: the posts due this hour (routed when posted, see `_deliver`) ...
    b = s % (window + 1)
    nc = inbox_count[b]
    box = inbox[b]
    n_over = 0
    if limit > 0:
        for c in range(nc):
            i = box[c, 1]
            cand[i, 0] += 1
            if cand[i, 0] == limit + 1:
                n_over += 1
    # ... an agent with more than `limit` of them reads the `limit` with the smallest pick draw
    thresholds = np.empty(n_over, np.float64)
    if n_over > 0:
        over = np.empty(n_over, np.int64)
        k = 0
        for c in range(nc):
            i = box[c, 1]
            if cand[i, 0] > limit and cand[i, 1] < 0:
                cand[i, 1] = k
                over[k] = i
                k += 1
        starts = np.zeros(n_over + 1, np.int64)
        for a in range(n_over):
            starts[a + 1] = starts[a] + cand[over[a], 0]
        fill = starts[:-1].copy()
        picks = np.empty(starts[-1], np.float64)
        for c in range(nc):
            a = cand[box[c, 1], 1]
            if a >= 0:
                picks[fill[a]] = _pick(key, s, box[c])
                fill[a] += 1
        for a in range(n_over):
            thresholds[a] = np.sort(picks[starts[a]:starts[a + 1]])[limit - 1]
    for c in range(nc):
        m, i, j, e, t0 = np.int64(box[c, 0]), np.int64(box[c, 1]), np.int64(box[c, 2]), \
            np.int64(box[c, 3]), np.int64(box[c, 4])
        if n_over > 0 and cand[i, 1] >= 0 and _pick(key, s, box[c]) > thresholds[cand[i, 1]]:
            out[m, MISSED] += 1
            continue
        n_touched = _expose(m, i, j, np.int64(kind[j]), credibility[j], np.int64(cold[m, j, C_RELAY_DEPTH]),
                            e, t0, float(s - misc[m, M_LAUNCH]), n_touched, static, fpm, fpg, hot, seen_edge,
                            touched, relay_prefix, adopt_prefix, interest_w, novelty_w)
    if limit > 0:
        for c in range(nc):
            cand[box[c, 1], 0] = 0
            cand[box[c, 1], 1] = -1
    inbox_count[b] = 0

    # 2. ads: by reach (bottom of the online consumer's attention draw) or by count
    for m in range(n_msg):
        age = float(s - misc[m, M_LAUNCH])
        if ad_reach[m] > 0.0:
            for i in consumers:
                if online(key, s, i, activity, profile, start_hour) \
                        and draw(key, ATTENTION + STREAMS * m, s, i, 0, 0) < ad_reach[m]:
                    out[m, IMPRESSIONS] += 1
                    if draw(key, NOTICE + STREAMS * m, s, i, 0, 0) < fpg[G_AD_NOTICE]:
                        n_touched = _expose(np.int64(m), np.int64(i), np.int64(AD_SOURCE), np.int64(BRAND_KIND),
                                            fpg[G_AD_CRED], np.int64(0), np.int64(-1), np.int64(s), age,
                                            n_touched, static, fpm, fpg, hot, seen_edge, touched,
                                            relay_prefix, adopt_prefix, interest_w, novelty_w)
        if ad_count[m] > 0 and consumers.size > 0:
            delivered, attempt = 0, 0
            while delivered < ad_count[m] and attempt < 200 * ad_count[m]:
                i = consumers[int(draw(key, AD_PICK + STREAMS * m, s, attempt, 0, 0) * consumers.size)]
                attempt += 1
                if not online(key, s, i, activity, profile, start_hour):
                    continue
                out[m, IMPRESSIONS] += 1
                if draw(key, NOTICE + STREAMS * m, s, i, attempt, 0) < fpg[G_AD_NOTICE]:
                    n_touched = _expose(np.int64(m), np.int64(i), np.int64(AD_SOURCE), np.int64(BRAND_KIND),
                                        fpg[G_AD_CRED], np.int64(0), np.int64(-1), np.int64(s + 1 + attempt), age, n_touched, static, fpm, fpg, hot,
                                        seen_edge, touched, relay_prefix, adopt_prefix, interest_w,
                                        novelty_w)
                delivered += 1

    # 3. chats: the top of the attention draw goes to a chat with a uniformly random agent
    contact_rate = fpg[G_CONTACT]
    if contact_rate > 0.0 and s >= 1:
        for m in range(n_msg):
            age = float(s - misc[m, M_LAUNCH])
            for i in range(n):
                if online(key, s, i, activity, profile, start_hour) \
                        and draw(key, ATTENTION + STREAMS * m, s, i, 0, 0) >= 1.0 - contact_rate:
                    c = int(draw(key, CONTACT + STREAMS * m, s, i, 0, 0) * n)
                    if c != i and cold[m, c, C_LAST_POST] == s - 1:
                        n_touched = _expose(np.int64(m), np.int64(i), np.int64(c), np.int64(kind[c]),
                                            credibility[c], np.int64(cold[m, c, C_RELAY_DEPTH]),
                                            np.int64(-2), np.int64(s - 1), age, n_touched, static, fpm, fpg, hot, seen_edge,
                                            touched, relay_prefix, adopt_prefix, interest_w, novelty_w)

    # 4. commit: awareness, relays, adoptions
    for k in range(n_touched):
        m, i = touched[k] // n, touched[k] % n
        h = hot[m, i]
        out[m, EXPOSURES] += h[H_VIEWS]
        if _make_aware(m, i, s, kind, static, hot, out):
            cold[m, i, C_AWARE_PARENT] = h[H_SRC_AWARE]
            cold[m, i, C_AWARE_DEPTH] = h[H_DEPTH_AWARE] + 1
        h[H_EXPOSURES] += h[H_VIEWS]
        h[H_SOURCES] += h[H_NEW_SRC]
        hits = h[H_HITS]
        if hits & 1:
            h[H_RELAY] = s
            cold[m, i, C_RELAY_PARENT] = h[H_SRC_RELAY]
            cold[m, i, C_RELAY_DEPTH] = h[H_DEPTH_RELAY] + 1
            out[m, NEW_RELAY + kind[i]] += 1
            _start_talking(m, i, s, talk, cold, talking, misc)
        if h[H_ADOPT] < 0 and (((hits & 2) and h[H_SOURCES] >= ip[I_MIN_SOURCES])
                               or ((hits & 1) and ip[I_RELAYERS_ADOPT])):
            h[H_ADOPT] = s
            out[m, NEW_ADOPT + kind[i]] += 1
            if static[m, i, A_USEFUL] > 0.0:
                out[m, NEW_USEFUL_ADOPT] += 1
        h[H_VIEWS] = 0
        h[H_NEW_SRC] = 0
        h[H_HITS] = 0

    # 5. post: new seeds start talking; one-off posts; every talker posts this hour
    online_prefix = np.empty(window, np.uint64)
    online_share = np.empty(window)
    for d in range(window):
        online_prefix[d] = draw_prefix(key, ONLINE, s + 1 + d)
        online_share[d] = profile[(start_hour + s + 1 + d) % 24]
    for k in range(seed_msg.size):
        m, j = seed_msg[k], seed_agent[k]
        if hot[m, j, H_SEEDED] < 0:
            hot[m, j, H_SEEDED] = s
            out[m, NEW_SEEDED] += 1
            if _make_aware(m, j, s, kind, static, hot, out):
                cold[m, j, C_AWARE_DEPTH] = 0
            if hot[m, j, H_RELAY] < 0:
                cold[m, j, C_RELAY_DEPTH] = 0
            _start_talking(m, j, s, talk, cold, talking, misc)
    for k in range(post_msg.size):
        m, j = post_msg[k], post_agent[k]
        if _make_aware(m, j, s, kind, static, hot, out):
            cold[m, j, C_AWARE_DEPTH] = 0
        if hot[m, j, H_RELAY] < 0:
            cold[m, j, C_RELAY_DEPTH] = 0
        if _post(np.int64(m), np.int64(j), s, cold, out):
            inbox = _deliver(np.int64(m), np.int64(j), s, indptr, indices, activity, online_prefix,
                             online_share, inbox, inbox_count)
    for m in range(n_msg):
        kept = 0
        for k in range(misc[m, M_TALKING]):
            j = talking[m, k]
            if cold[m, j, C_TALK_UNTIL] >= s:
                if _post(np.int64(m), np.int64(j), s, cold, out):
                    inbox = _deliver(np.int64(m), np.int64(j), s, indptr, indices, activity,
                                     online_prefix, online_share, inbox, inbox_count)
                if cold[m, j, C_TALK_UNTIL] > s:
                    talking[m, kept] = j
                    kept += 1
        misc[m, M_TALKING] = kept
    return inbox
