"""The numba step kernel: one simulated hour of one replicate, on plain arrays.

`advance` follows the model's rules (README, "Model") in five phases, all reading the
state as it was at the start of the hour (synchronous: a message moves at most one
hop per hour):

1. feed:  followers of every post made in the last `attention_window` hours see it,
          if they are online now and were not online since it was posted;
2. ads:   online consumers see the paid ad with probability `mass_reach`;
3. chats: (fully mixed population) an online agent chats with a random agent and
          hears its post of the previous hour;
4. commit: exposures make agents aware; relay and adoption draws take effect;
5. post:  seeds start talking; scheduled one-off posts (brand) and every talker post.

Only posts in the window and agents they reach are touched, so an hour costs in
proportion to its exposures (plus the ad and chat phases, when active).
Formulas shared with the plain-Python reference live in small jitted functions
whose `.py_func` the reference calls, so both evaluate them identically.
"""
import math

import numpy as np
from numba import njit

from .rng import ADOPT, ATTENTION, CONTACT, ONLINE, RELAY, draw

BRAND_KIND = 2
NEVER = 2_147_483_647          # talk_until for "keeps talking until the end"

# Layout of the per-hour `out` counts.
NEW_AWARE = 0        # +kind (3)
NEW_RELAY = 3        # +kind (3)
NEW_ADOPT = 6        # +kind (3)
NEW_USEFUL = 9       # newly aware agents inside the campaign's target
NEW_USEFUL_ADOPT = 10
IMPRESSIONS = 11     # paid ad impressions delivered
EXPOSURES = 12       # all exposures (feed views, ads, chats)
POSTS = 13           # posts made this hour
NEW_SEEDED = 14
N_OUT = 15

# Layout of the float parameters `fp` and int parameters `ip`.
F_INTEREST, F_NOVELTY, F_DECAY, F_WEAROUT, F_PROMO, F_WI, F_WR, F_WN, F_WT, \
    F_ADOPT, F_CONTACT, F_AD_CRED, F_RELAY_MAX = range(13)      # F_RELAY_MAX..+2: per kind
N_FP = 16
I_WINDOW, I_TALK, I_MIN_SOURCES, I_RELAYERS_ADOPT, I_START_HOUR = range(5)
N_IP = 5
M_TALKING, M_LAUNCH = 0, 1      # `misc` int64 state


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
def _expose(i, source, kind_j, cred_j, edge, t0, s, age, key, n_touched,
            kind, relevance, scepticism, fp, state_i32, seen_edge, seen_ad,
            views_now, new_src, hits, touched):
    """Record one exposure of agent i to a post (feed/chat: source agent; ad: source -1)."""
    aware_at, relay_at, adopt_at, seeded_at, exposures = (
        state_i32[0], state_i32[1], state_i32[2], state_i32[3], state_i32[4])
    if views_now[i] == 0:
        touched[n_touched] = i
        n_touched += 1
    views_now[i] += 1
    if edge >= 0:                    # feed: a source counts once per follow link
        if seen_edge[edge] == 0:
            seen_edge[edge] = 1
            new_src[i] += 1
    elif edge == -1:                 # the paid ad counts as one source
        if seen_ad[i] == 0:
            seen_ad[i] = 1
            new_src[i] += 1
    else:                            # chat in a mixed population: a new source each time
        new_src[i] += 1
    tone = 1.0 if kind_j == BRAND_KIND else fp[F_PROMO]
    tr = trust(cred_j, scepticism[i], tone)
    ap = appeal(fp[F_INTEREST], relevance[i], tr, fp[F_WI], fp[F_WR], fp[F_WT])
    b = source + 1
    if relay_at[i] < 0 and seeded_at[i] < 0:
        nov = novelty_now(fp[F_NOVELTY], fp[F_DECAY], age, fp[F_WEAROUT], exposures[i])
        p = fp[F_RELAY_MAX + kind[i]] * ap * nov ** fp[F_WN]
        if draw(key, RELAY, s, i, b, t0) < p:
            hits[i] |= 1
    if adopt_at[i] < 0:
        if draw(key, ADOPT, s, i, b, t0) < fp[F_ADOPT] * ap:
            hits[i] |= 2
    return n_touched


@njit(cache=True)
def _make_aware(i, s, kind, useful, aware_at, out):
    if aware_at[i] < 0:
        aware_at[i] = s
        out[NEW_AWARE + kind[i]] += 1
        if useful[i]:
            out[NEW_USEFUL] += 1


@njit(cache=True)
def _post(j, s, slot, last_post, post_ring, post_count, out):
    if last_post[j] != s:
        last_post[j] = s
        post_ring[slot, post_count[slot]] = j
        post_count[slot] += 1
        out[POSTS] += 1


@njit(cache=True)
def advance(s, key,
            indptr, indices, kind, relevance, scepticism, activity, credibility,
            profile, is_consumer, useful, fp, ip,
            state_i32, seen_edge, seen_ad, views_now, new_src, hits, touched,
            post_ring, post_count, talking, misc,
            seeds, posts, mass_reach, out):
    """Simulate hour `s` in place; fill `out` with this hour's counts (see N_OUT layout).

    state_i32 rows: aware_at, relay_at, adopt_at, seeded_at, exposures, sources,
    talk_until, last_post (hours; -1 = never).
    """
    aware_at, relay_at, adopt_at, seeded_at = state_i32[0], state_i32[1], state_i32[2], state_i32[3]
    exposures, sources, talk_until, last_post = state_i32[4], state_i32[5], state_i32[6], state_i32[7]
    n = kind.size
    window, talk, start_hour = ip[I_WINDOW], ip[I_TALK], ip[I_START_HOUR]
    out[:] = 0
    if misc[M_LAUNCH] < 0 and (seeds.size > 0 or posts.size > 0 or mass_reach > 0.0):
        misc[M_LAUNCH] = s
    age = float(s - misc[M_LAUNCH])
    n_touched = 0

    # 1. feed: posts made in hours s-window .. s-1, seen by followers online now for the first time
    for t0 in range(max(0, s - window), s):
        slot = t0 % window
        for p in range(post_count[slot]):
            j = post_ring[slot, p]
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
                n_touched = _expose(i, j, kind[j], credibility[j], e, t0, s, age, key, n_touched,
                                    kind, relevance, scepticism, fp, state_i32, seen_edge, seen_ad,
                                    views_now, new_src, hits, touched)

    # 2. ads: the bottom of each online consumer's attention draw goes to the ad
    if mass_reach > 0.0:
        for i in range(n):
            if is_consumer[i] and online(key, s, i, activity, profile, start_hour) \
                    and draw(key, ATTENTION, s, i, 0, 0) < mass_reach:
                out[IMPRESSIONS] += 1
                n_touched = _expose(i, -1, BRAND_KIND, fp[F_AD_CRED], -1, s, s, age, key, n_touched,
                                    kind, relevance, scepticism, fp, state_i32, seen_edge, seen_ad,
                                    views_now, new_src, hits, touched)

    # 3. chats: the top of the attention draw goes to a chat with a uniformly random agent
    contact_rate = fp[F_CONTACT]
    if contact_rate > 0.0 and s >= 1:
        for i in range(n):
            if online(key, s, i, activity, profile, start_hour) \
                    and draw(key, ATTENTION, s, i, 0, 0) >= 1.0 - contact_rate:
                c = int(draw(key, CONTACT, s, i, 0, 0) * n)
                if c != i and last_post[c] == s - 1:
                    n_touched = _expose(i, c, kind[c], credibility[c], -2, s - 1, s, age, key,
                                        n_touched, kind, relevance, scepticism, fp, state_i32,
                                        seen_edge, seen_ad, views_now, new_src, hits, touched)

    # 4. commit: awareness, relays, adoptions
    n_talking = misc[M_TALKING]
    for k in range(n_touched):
        i = touched[k]
        out[EXPOSURES] += views_now[i]
        _make_aware(i, s, kind, useful, aware_at, out)
        exposures[i] += views_now[i]
        sources[i] += new_src[i]
        h = hits[i]
        if h & 1:
            relay_at[i] = s
            out[NEW_RELAY + kind[i]] += 1
            talk_until[i] = s + talk - 1 if talk > 0 else NEVER
            talking[n_talking] = i
            n_talking += 1
        if adopt_at[i] < 0 and (((h & 2) and sources[i] >= ip[I_MIN_SOURCES])
                                or ((h & 1) and ip[I_RELAYERS_ADOPT])):
            adopt_at[i] = s
            out[NEW_ADOPT + kind[i]] += 1
            if useful[i]:
                out[NEW_USEFUL_ADOPT] += 1
        views_now[i] = 0
        new_src[i] = 0
        hits[i] = 0

    # 5. post: new seeds start talking; one-off posts; every talker posts this hour
    slot = s % window
    post_count[slot] = 0
    for j in seeds:
        if seeded_at[j] < 0:
            seeded_at[j] = s
            out[NEW_SEEDED] += 1
            _make_aware(j, s, kind, useful, aware_at, out)
            if talk_until[j] < s:
                talk_until[j] = s + talk - 1 if talk > 0 else NEVER
                talking[n_talking] = j
                n_talking += 1
    for j in posts:
        _make_aware(j, s, kind, useful, aware_at, out)
        _post(j, s, slot, last_post, post_ring, post_count, out)
    m = 0
    for k in range(n_talking):
        j = talking[k]
        if talk_until[j] >= s:
            _post(j, s, slot, last_post, post_ring, post_count, out)
            if talk_until[j] > s:
                talking[m] = j
                m += 1
    misc[M_TALKING] = m
