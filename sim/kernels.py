"""The numba step kernel: one simulated hour of one replicate, on plain arrays.

`advance` follows the model's rules (README, "Model") for M messages at once, in five
phases, all reading the state as it was at the start of the hour (synchronous: a
message moves at most one hop per hour):

1. feed:  followers of every post made in the last `attention_window` hours see it,
          if they are online now and were not online since it was posted; an agent
          reads at most `attention_limit` of these posts per hour (all messages
          together, the rest scrolled past): messages compete for attention;
2. ads:   paid impressions (by reach probability or by count), noticed or not;
3. chats: (fully mixed population) an online agent chats with a random agent and
          hears its post of the previous hour;
4. commit: exposures make agents aware; relay and adoption draws take effect;
5. post:  seeds start talking; scheduled one-off posts (brand) and every talker post.

Only posts in the window and agents they reach are touched, so an hour costs in
proportion to its exposures (plus the ad and chat phases, when active).
Formulas shared with the plain-Python reference live in small jitted functions
whose `.py_func` the reference calls, so both evaluate them identically.

Who caused what: when several exposures in one hour could be credited, the one with
the smallest relay draw wins (an order-free rule), giving each aware agent an
`aware_parent` and each relayer a `relay_parent` (-2 = the paid ad).
"""
import math

import numpy as np
from numba import njit

from .rng import ADOPT, AD_PICK, ATTENTION, CONTACT, NOTICE, ONLINE, PICK, RELAY, STREAMS, draw

BRAND_KIND = 2
NEVER = 2_147_483_647          # talk_until for "keeps talking until the end"
AD_SOURCE = -2                 # parent id of exposures to the paid ad

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
G_WI, G_WR, G_WN, G_WT, G_ADOPT, G_CONTACT, G_AD_CRED, G_AD_NOTICE, G_RELAY_MAX = range(9)  # +kind
N_FPG = 12
# Global int parameters `ip`.
I_WINDOW, I_TALK, I_MIN_SOURCES, I_RELAYERS_ADOPT, I_START_HOUR, I_ATTENTION = range(6)
N_IP = 6
# Rows of the int32 state block `st[row, m, i]` (hours; -1 = not yet / none).
S_AWARE, S_RELAY, S_ADOPT, S_SEEDED, S_EXPOSURES, S_SOURCES, S_TALK_UNTIL, S_LAST_POST, \
    S_AWARE_PARENT, S_RELAY_PARENT, S_AWARE_DEPTH, S_RELAY_DEPTH = range(12)
N_STATE = 12
M_TALKING, M_LAUNCH = 0, 1      # `misc[m]` int64 state


@njit(cache=True)
def trust(credibility, scepticism, tone):
    """Trust in a source: its credibility, discounted by scepticism times promotional tone."""
    return credibility * (1.0 - scepticism * tone)


@njit(cache=True)
def appeal(interest, relevance, trust_, w_interest, w_relevance, w_trust):
    """How attractive one exposure is: conjunctive, near zero if any factor is."""
    return interest ** w_interest * relevance ** w_relevance * trust_ ** w_trust


@njit(cache=True)
def novelty_now(novelty, decay, age, wearout, exposures):
    """Novelty at `age` hours after launch for an agent with `exposures` earlier exposures."""
    return novelty * math.exp(-decay * age) * wearout ** float(exposures)


@njit(cache=True)
def online(key, s, i, activity, profile, start_hour):
    return draw(key, ONLINE, s, i, 0, 0) < activity[i] * profile[(start_hour + s) % 24]


@njit(cache=True)
def _expose(m, i, source, kind_j, cred_j, depth_j, edge, t0, s, age, key, n_touched,
            kind, relevance, scepticism, fpm, fpg, st, seen_edge, seen_ad,
            views_now, new_src, hits, best_u, best_src, touched):
    """Record one exposure of agent i to message m posted by `source` (AD_SOURCE: the ad)."""
    n = kind.size
    if views_now[m, i] == 0:
        touched[n_touched] = m * n + i
        n_touched += 1
        best_u[0, m, i] = 2.0
        best_u[1, m, i] = 2.0
    views_now[m, i] += 1
    if edge >= 0:                    # feed: a source counts once per follow link
        if seen_edge[m, edge] == 0:
            seen_edge[m, edge] = 1
            new_src[m, i] += 1
    elif edge == -1:                 # the paid ad counts as one source
        if seen_ad[m, i] == 0:
            seen_ad[m, i] = 1
            new_src[m, i] += 1
    else:                            # chat in a mixed population: a new source each time
        new_src[m, i] += 1
    b = source + 3                   # ad -> 1, agents -> index + 3
    could_relay = st[S_RELAY, m, i] < 0 and st[S_SEEDED, m, i] < 0
    could_adopt = st[S_ADOPT, m, i] < 0
    ap = 0.0
    if could_relay or could_adopt:   # the exposure's appeal matters only for a decision still open
        tone = 1.0 if kind_j == BRAND_KIND else fpm[m, F_PROMO]
        tr = trust(cred_j, scepticism[i], tone)
        ap = appeal(fpm[m, F_INTEREST], relevance[m, i], tr, fpg[G_WI], fpg[G_WR], fpg[G_WT])
    if could_relay or st[S_AWARE, m, i] < 0:
        u = draw(key, RELAY + STREAMS * m, s, i, b, t0)
        if u < best_u[0, m, i]:          # credit for awareness: smallest relay draw
            best_u[0, m, i] = u
            best_src[0, m, i] = source
            best_src[2, m, i] = depth_j
        if could_relay:
            nov = novelty_now(fpm[m, F_NOVELTY], fpm[m, F_DECAY], age, fpm[m, F_WEAROUT],
                              st[S_EXPOSURES, m, i])
            p = fpg[G_RELAY_MAX + kind[i]] * ap * nov ** fpg[G_WN]
            if u < p:
                hits[m, i] |= 1
                if u < best_u[1, m, i]:  # credit for the relay: smallest successful draw
                    best_u[1, m, i] = u
                    best_src[1, m, i] = source
                    best_src[3, m, i] = depth_j
    if could_adopt:
        if draw(key, ADOPT + STREAMS * m, s, i, b, t0) < fpg[G_ADOPT] * ap:
            hits[m, i] |= 2
    return n_touched


@njit(cache=True)
def _make_aware(m, i, s, kind, useful, st, out):
    if st[S_AWARE, m, i] < 0:
        st[S_AWARE, m, i] = s
        out[m, NEW_AWARE + kind[i]] += 1
        if useful[i]:
            out[m, NEW_USEFUL] += 1
        return True
    return False


@njit(cache=True)
def _post(m, j, s, slot, st, post_ring, post_count, out):
    if st[S_LAST_POST, m, j] != s:
        st[S_LAST_POST, m, j] = s
        post_ring[m, slot, post_count[m, slot]] = j
        post_count[m, slot] += 1
        out[m, POSTS] += 1


@njit(cache=True)
def _start_talking(m, j, s, talk, st, talking, misc):
    if st[S_TALK_UNTIL, m, j] < s:
        st[S_TALK_UNTIL, m, j] = s + talk - 1 if talk > 0 else NEVER
        talking[m, misc[m, M_TALKING]] = j
        misc[m, M_TALKING] += 1


@njit(cache=True)
def _grow(a, size):
    b = np.empty(max(2 * a.size, size), dtype=a.dtype)
    b[:a.size] = a
    return b


@njit(cache=True, nogil=True)
def advance(s, key,
            indptr, indices, kind, relevance, scepticism, activity, credibility,
            profile, consumers, useful, fpm, fpg, ip,
            st, seen_edge, seen_ad, views_now, new_src, hits, best_u, best_src, touched,
            cand_count, cand_slot, post_ring, post_count, talking, misc,
            seed_msg, seed_agent, post_msg, post_agent, ad_reach, ad_count, out):
    """Simulate hour `s` in place; fill `out[m]` with this hour's counts (N_OUT layout).

    `st[row, m, i]`: the int32 state rows S_*; `relevance[m, i]`: message m's match with
    agent i; `seed_*`/`post_*`: this hour's seeds and one-off posts as (message, agent);
    `ad_reach[m]`: chance an online consumer sees message m's ad; `ad_count[m]`: ad
    impressions to deliver to random online consumers.
    """
    n_msg, n = relevance.shape[0], kind.size
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
    n_touched = 0

    # 1. feed: gather posts seen for the first time by followers online now ...
    cap = 1024
    c_m = np.empty(cap, np.int64)
    c_i = np.empty(cap, np.int64)
    c_j = np.empty(cap, np.int64)
    c_e = np.empty(cap, np.int64)
    c_t0 = np.empty(cap, np.int64)
    c_u = np.empty(cap, np.float64)
    nc = 0
    n_over = 0
    for m in range(n_msg):
        for t0 in range(max(0, s - window), s):
            slot = t0 % window
            for p in range(post_count[m, slot]):
                j = post_ring[m, slot, p]
                for e in range(indptr[j], indptr[j + 1]):
                    i = indices[e]
                    if not online(key, s, i, activity, profile, start_hour):
                        continue
                    seen = False
                    for s2 in range(t0 + 1, s):
                        if online(key, s2, i, activity, profile, start_hour):
                            seen = True
                            break
                    if seen:
                        continue
                    if nc == c_m.size:
                        c_m, c_i, c_j = _grow(c_m, nc + 1), _grow(c_i, nc + 1), _grow(c_j, nc + 1)
                        c_e, c_t0, c_u = _grow(c_e, nc + 1), _grow(c_t0, nc + 1), _grow(c_u, nc + 1)
                    c_m[nc], c_i[nc], c_j[nc], c_e[nc], c_t0[nc] = m, i, j, e, t0
                    if limit > 0:
                        c_u[nc] = draw(key, PICK + STREAMS * m, s, i, j + 3, t0)
                        cand_count[i] += 1
                        if cand_count[i] == limit + 1:
                            n_over += 1
                    nc += 1
    # ... an agent with more than `limit` of them reads the `limit` with the smallest pick draw
    thresholds = np.empty(n_over, np.float64)
    if n_over > 0:
        over = np.empty(n_over, np.int64)
        k = 0
        for c in range(nc):
            i = c_i[c]
            if cand_count[i] > limit and cand_slot[i] < 0:
                cand_slot[i] = k
                over[k] = i
                k += 1
        starts = np.zeros(n_over + 1, np.int64)
        for a in range(n_over):
            starts[a + 1] = starts[a] + cand_count[over[a]]
        fill = starts[:-1].copy()
        picks = np.empty(starts[-1], np.float64)
        for c in range(nc):
            a = cand_slot[c_i[c]]
            if a >= 0:
                picks[fill[a]] = c_u[c]
                fill[a] += 1
        for a in range(n_over):
            thresholds[a] = np.sort(picks[starts[a]:starts[a + 1]])[limit - 1]
    for c in range(nc):
        m, i, j = c_m[c], c_i[c], c_j[c]
        if n_over > 0 and cand_slot[i] >= 0 and c_u[c] > thresholds[cand_slot[i]]:
            out[m, MISSED] += 1
            continue
        n_touched = _expose(m, i, j, kind[j], credibility[j], st[S_RELAY_DEPTH, m, j], c_e[c],
                            c_t0[c], s, float(s - misc[m, M_LAUNCH]), key, n_touched,
                            kind, relevance, scepticism, fpm, fpg, st, seen_edge, seen_ad,
                            views_now, new_src, hits, best_u, best_src, touched)
    if limit > 0:
        for c in range(nc):
            cand_count[c_i[c]] = 0
            cand_slot[c_i[c]] = -1

    # 2. ads: by reach (bottom of the online consumer's attention draw) or by count
    for m in range(n_msg):
        age = float(s - misc[m, M_LAUNCH])
        if ad_reach[m] > 0.0:
            for i in consumers:
                if online(key, s, i, activity, profile, start_hour) \
                        and draw(key, ATTENTION + STREAMS * m, s, i, 0, 0) < ad_reach[m]:
                    out[m, IMPRESSIONS] += 1
                    if draw(key, NOTICE + STREAMS * m, s, i, 0, 0) < fpg[G_AD_NOTICE]:
                        n_touched = _expose(m, i, AD_SOURCE, BRAND_KIND, fpg[G_AD_CRED], 0, -1, s, s,
                                            age, key, n_touched, kind, relevance, scepticism, fpm,
                                            fpg, st, seen_edge, seen_ad, views_now, new_src, hits,
                                            best_u, best_src, touched)
        if ad_count[m] > 0 and consumers.size > 0:
            delivered, attempt = 0, 0
            while delivered < ad_count[m] and attempt < 200 * ad_count[m]:
                i = consumers[int(draw(key, AD_PICK + STREAMS * m, s, attempt, 0, 0) * consumers.size)]
                attempt += 1
                if not online(key, s, i, activity, profile, start_hour):
                    continue
                out[m, IMPRESSIONS] += 1
                if draw(key, NOTICE + STREAMS * m, s, i, attempt, 0) < fpg[G_AD_NOTICE]:
                    n_touched = _expose(m, i, AD_SOURCE, BRAND_KIND, fpg[G_AD_CRED], 0, -1,
                                        s + 1 + attempt, s, age, key, n_touched, kind, relevance,
                                        scepticism, fpm, fpg, st, seen_edge, seen_ad, views_now,
                                        new_src, hits, best_u, best_src, touched)
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
                    if c != i and st[S_LAST_POST, m, c] == s - 1:
                        n_touched = _expose(m, i, c, kind[c], credibility[c], st[S_RELAY_DEPTH, m, c],
                                            -2, s - 1, s, age, key, n_touched, kind, relevance,
                                            scepticism, fpm, fpg, st, seen_edge, seen_ad, views_now,
                                            new_src, hits, best_u, best_src, touched)

    # 4. commit: awareness, relays, adoptions
    for k in range(n_touched):
        m, i = touched[k] // n, touched[k] % n
        out[m, EXPOSURES] += views_now[m, i]
        if _make_aware(m, i, s, kind, useful, st, out):
            st[S_AWARE_PARENT, m, i] = best_src[0, m, i]
            st[S_AWARE_DEPTH, m, i] = best_src[2, m, i] + 1
        st[S_EXPOSURES, m, i] += views_now[m, i]
        st[S_SOURCES, m, i] += new_src[m, i]
        h = hits[m, i]
        if h & 1:
            st[S_RELAY, m, i] = s
            st[S_RELAY_PARENT, m, i] = best_src[1, m, i]
            st[S_RELAY_DEPTH, m, i] = best_src[3, m, i] + 1
            out[m, NEW_RELAY + kind[i]] += 1
            _start_talking(m, i, s, talk, st, talking, misc)
        if st[S_ADOPT, m, i] < 0 and (((h & 2) and st[S_SOURCES, m, i] >= ip[I_MIN_SOURCES])
                                      or ((h & 1) and ip[I_RELAYERS_ADOPT])):
            st[S_ADOPT, m, i] = s
            out[m, NEW_ADOPT + kind[i]] += 1
            if useful[i]:
                out[m, NEW_USEFUL_ADOPT] += 1
        views_now[m, i] = 0
        new_src[m, i] = 0
        hits[m, i] = 0

    # 5. post: new seeds start talking; one-off posts; every talker posts this hour
    slot = s % window
    post_count[:, slot] = 0
    for k in range(seed_msg.size):
        m, j = seed_msg[k], seed_agent[k]
        if st[S_SEEDED, m, j] < 0:
            st[S_SEEDED, m, j] = s
            out[m, NEW_SEEDED] += 1
            if _make_aware(m, j, s, kind, useful, st, out):
                st[S_AWARE_DEPTH, m, j] = 0
            if st[S_RELAY, m, j] < 0:
                st[S_RELAY_DEPTH, m, j] = 0
            _start_talking(m, j, s, talk, st, talking, misc)
    for k in range(post_msg.size):
        m, j = post_msg[k], post_agent[k]
        if _make_aware(m, j, s, kind, useful, st, out):
            st[S_AWARE_DEPTH, m, j] = 0
        if st[S_RELAY, m, j] < 0:
            st[S_RELAY_DEPTH, m, j] = 0
        _post(m, j, s, slot, st, post_ring, post_count, out)
    for m in range(n_msg):
        kept = 0
        for k in range(misc[m, M_TALKING]):
            j = talking[m, k]
            if st[S_TALK_UNTIL, m, j] >= s:
                _post(m, j, s, slot, st, post_ring, post_count, out)
                if st[S_TALK_UNTIL, m, j] > s:
                    talking[m, kept] = j
                    kept += 1
        misc[m, M_TALKING] = kept
