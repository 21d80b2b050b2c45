"""Each mechanism of the model against its closed form, on tiny hand-built worlds.

The expected values are derived here from the README's formulas ("Model"), not from
the model's code: a bug made the same way in the kernel and in the plain-Python
reference (which the kernel-equals-reference test cannot see) changes a measured rate
by many standard errors and fails one of these tests. Each comparison allows 4 Monte
Carlo standard errors; the worlds are built so that every plausible bug of the rule
moves a rate by far more than that (`make mutants` checks it).

README formulas used (exposure of agent i to a post by source j):
    relevance_i = cos(message.topics, interests_i)
    trust_ij    = credibility_j * (1 - scepticism_i * tone_j)   tone_j = promotional, 1 for brand posts and ads
    appeal_ij   = interest^wI * relevance_i^wR * trust_ij^wT
    novelty_i(s) = novelty * 2^(-(s - launch) / half_life) * wearout^(n_i)
    P(relay)     = relay_max[kind_i] * appeal_ij * novelty_i(s)^wN
    P(convinced) = adoption_prob * appeal_ij
"""
import math

import numpy as np
import pytest

from .tiny import BLOGGER, BRAND, CONSUMER, Plan, behaviour_config, outcomes, tiny_model

MODES = ["fast", "reference"]


def binomial_ok(successes, trials, p, k=4.0):
    """|successes/trials - p| <= k standard errors of a binomial proportion."""
    trials = np.asarray(trials, dtype=float)
    se = np.sqrt(p * (1 - p) / trials)
    return np.abs(np.asarray(successes) / trials - p) <= k * se + 1e-12


def cosine(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(a @ b / math.sqrt((a @ a) * (b @ b)))


def trust(credibility, scepticism, tone):
    return credibility * (1.0 - scepticism * tone)


# ---------------------------------------------------------------- trust, per kind of source
SOURCES = {"consumer": CONSUMER, "blogger": BLOGGER, "brand post": BRAND, "ad": None}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("source", list(SOURCES))
def test_trust_discounts_promotional_sources_by_scepticism(source, mode):
    """One source, followers of two scepticism levels; relay and adoption rates per level."""
    cfg = behaviour_config(interest=0.8, promotional=0.3)
    d = cfg.diffusion
    d.relay_max.consumer, d.adoption_prob, d.relayers_adopt = 0.9, 0.7, False
    n = 1500 if mode == "fast" else 400
    scepticism = np.r_[0.0, np.full(n, 0.1), np.full(n, 0.9)]
    kind = SOURCES[source]
    kinds = [CONSUMER if kind is None else kind] + [CONSUMER] * (2 * n)
    followers = np.arange(1, 2 * n + 1)
    if kind is None:       # the paid ad: shown to every online consumer at hour 0, always noticed
        d.ad_notice = 1.0
        plan, edges = Plan(ads=[(0, 1.0, 0, 0)]), []
        scepticism[0] = 0.5
    else:
        plan, edges = Plan(posts=[(0, [0], 0)]), [(0, f) for f in followers]
    model = tiny_model(cfg, kinds, edges, scepticism=scepticism, actions=[plan], mode=mode)
    reps = 6 if mode == "fast" else 2
    res = outcomes(model, reps, hours=3)
    cred = cfg.diffusion.credibility
    source_cred = {CONSUMER: cred.consumer, BLOGGER: cred.blogger, BRAND: cred.brand, None: cred.brand}[kind]
    tone = 1.0 if kind in (BRAND, None) else cfg.message.promotional
    for level, group in ((0.1, followers[:n]), (0.9, followers[n:])):
        exposed = res.exposed[:, group].sum()
        assert exposed == reps * n                                  # everyone online: one exposure each
        appeal = cfg.message.interest * 1.0 * trust(source_cred, level, tone)
        p_relay = d.relay_max.consumer * appeal * 1.0                # novelty 1 (no decay, first exposure)
        p_adopt = d.adoption_prob * appeal
        assert binomial_ok(res.relayed[:, group].sum(), exposed, p_relay), (source, level, p_relay)
        assert binomial_ok(res.adopted[:, group].sum(), exposed, p_adopt), (source, level, p_adopt)


@pytest.mark.parametrize("mode", MODES)
def test_relay_cap_is_the_receiving_agents_kind(mode):
    """Followers that are bloggers relay with relay_max.blogger, consumers with relay_max.consumer."""
    cfg = behaviour_config(interest=1.0, promotional=0.0)
    d = cfg.diffusion
    d.relay_max.consumer, d.relay_max.blogger = 0.15, 0.75
    d.credibility.consumer = 1.0
    n = 1500 if mode == "fast" else 300
    kinds = [CONSUMER] + [CONSUMER] * n + [BLOGGER] * n
    model = tiny_model(cfg, kinds, [(0, f) for f in range(1, 2 * n + 1)], actions=[Plan(posts=[(0, [0], 0)])],
                       mode=mode)
    reps = 4 if mode == "fast" else 2
    res = outcomes(model, reps, hours=3)
    for cap, group in ((0.15, np.arange(1, n + 1)), (0.75, np.arange(n + 1, 2 * n + 1))):
        assert binomial_ok(res.relayed[:, group].sum(), reps * n, cap), cap


# ---------------------------------------------------------------- relevance, per message
@pytest.mark.parametrize("mode", MODES)
def test_each_message_has_its_own_relevance(mode):
    """Two messages on different topics, one poster, followers interested in one topic or the other."""
    topics_a = [1.0, 0.2, 0, 0, 0, 0, 0, 0]
    topics_b = [0.1, 1.0, 0.3, 0, 0, 0, 0, 0]
    cfg = behaviour_config(interest=1.0, promotional=0.0, topics=topics_a, second_topics=topics_b)
    d = cfg.diffusion
    d.relay_max.consumer, d.credibility.consumer = 0.8, 1.0
    n = 1500 if mode == "fast" else 300
    likes_a, likes_b = [1.0, 0.5, 0, 0, 0, 0, 0, 0], [0, 0.3, 1.0, 0, 0, 0, 0, 0]
    interests = [topics_a] + [likes_a] * n + [likes_b] * n
    model = tiny_model(cfg, [CONSUMER] * (2 * n + 1), [(0, f) for f in range(1, 2 * n + 1)],
                       interests=interests, actions=[Plan(posts=[(0, [0], 0), (0, [0], 1)])], mode=mode)
    reps = 4 if mode == "fast" else 2
    res = outcomes(model, reps, hours=3)
    groups = {"a": np.arange(1, n + 1), "b": np.arange(n + 1, 2 * n + 1)}
    for m, topics in enumerate((topics_a, topics_b)):
        for name, likes in (("a", likes_a), ("b", likes_b)):
            p = 0.8 * cosine(topics, likes)
            relayed = res.relayed_m[m][:, groups[name]].sum()
            assert binomial_ok(relayed, reps * n, p), (m, name, p, relayed / (reps * n))


# ---------------------------------------------------------------- novelty: decay and wear-out
@pytest.mark.parametrize("mode", MODES)
def test_novelty_halves_every_half_life_after_launch(mode):
    """The brand launches at hour 0; three accounts post at hours 0, 6 and 12 to their own
    followers, who see the posts at message ages 1, 7 and 13 hours."""
    cfg = behaviour_config(interest=1.0, promotional=0.0, half_life=6.0)
    d = cfg.diffusion
    d.relay_max.consumer, d.credibility.consumer = 0.8, 1.0
    n = 1500 if mode == "fast" else 300
    kinds = [BRAND, CONSUMER, CONSUMER, CONSUMER] + [CONSUMER] * (3 * n)
    groups = [np.arange(4 + k * n, 4 + (k + 1) * n) for k in range(3)]
    edges = [(1 + k, f) for k in range(3) for f in groups[k]]
    plan = Plan(posts=[(0, [0], 0), (0, [1], 0), (6, [2], 0), (12, [3], 0)])
    model = tiny_model(cfg, kinds, edges, actions=[plan], mode=mode)
    reps = 4 if mode == "fast" else 2
    res = outcomes(model, reps, hours=16)
    for group, age in zip(groups, (1, 7, 13)):
        p = 0.8 * 2.0 ** (-age / 6.0)
        assert binomial_ok(res.relayed[:, group].sum(), reps * n, p), (age, p)


@pytest.mark.parametrize("mode", MODES)
def test_wearout_per_earlier_exposure(mode):
    """Followers of four accounts posting at hours 0..3 see the message with 0..3 earlier
    exposures; the relay rate of those who have not relayed yet falls by `wearout` each time."""
    cfg = behaviour_config(interest=1.0, promotional=0.0, wearout=0.5)
    d = cfg.diffusion
    d.relay_max.consumer, d.credibility.consumer = 0.6, 1.0
    n = 4000 if mode == "fast" else 600
    kinds = [CONSUMER] * 4 + [CONSUMER] * n
    edges = [(j, f) for j in range(4) for f in range(4, 4 + n)]
    plan = Plan(posts=[(j, [j], 0) for j in range(4)])
    model = tiny_model(cfg, kinds, edges, actions=[plan], mode=mode)
    reps = 3 if mode == "fast" else 2
    res = outcomes(model, reps, hours=6)
    at = res.relay_at[:, 4:]
    for earlier in range(4):
        hour = earlier + 1
        still = ((at < 0) | (at >= hour)).sum()            # not relayed before this hour
        assert binomial_ok((at == hour).sum(), still, 0.6 * 0.5 ** earlier), earlier
    assert (res.exposures[:, 4:] == 4).all()               # wear-out counts every exposure, relayed or not


# ---------------------------------------------------------------- when a post is seen
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("window", [1, 3])
def test_a_post_is_seen_at_the_first_online_hour_of_its_window(window, mode):
    """A post made at hour 0 is visible in hours 1..W, seen at the follower's first online
    hour there (online with chance activity x daily profile), else never."""
    profile = [1.0] * 24
    profile[2] = 0.0            # nobody is online at 02:00 (step 2)
    profile[3] = 0.5
    cfg = behaviour_config(window=window, profile=profile)
    cfg.diffusion.relay_max.consumer = 0.0
    n = 4000 if mode == "fast" else 600
    activity = 0.4
    model = tiny_model(cfg, [CONSUMER] * (n + 1), [(0, f) for f in range(1, n + 1)], activity=activity,
                       actions=[Plan(posts=[(0, [0], 0)])], mode=mode)
    reps = 3 if mode == "fast" else 2
    res = outcomes(model, reps, hours=window + 3)
    at = res.aware_at[:, 1:]
    unseen = 1.0
    for hour in range(1, window + 1):
        q = activity * profile[hour]
        p = unseen * q
        assert binomial_ok((at == hour).sum(), reps * n, p), (hour, p)
        unseen *= 1 - q
    assert (at == 0).sum() == 0 and (at > window).sum() == 0    # not in the posting hour, nor after the window
    assert (res.exposures[:, 1:] == (at >= 0)).all()            # a post is read once at most


@pytest.mark.parametrize("mode", MODES)
def test_attention_limit_reads_a_random_subset_of_the_feed(mode):
    """Eight accounts (two messages) post at hour 0; each follower reads 3 of the 8 posts."""
    cfg = behaviour_config(limit=3, second_topics=[1.0, 0.5, 0, 0, 0, 0, 0, 0])
    cfg.diffusion.relay_max.consumer = 0.0
    n = 2000 if mode == "fast" else 300
    kinds = [CONSUMER] * 8 + [CONSUMER] * n
    edges = [(j, f) for j in range(8) for f in range(8, 8 + n)]
    plan = Plan(posts=[(0, list(range(5)), 0), (0, [5, 6, 7], 1)])
    model = tiny_model(cfg, kinds, edges, actions=[plan], mode=mode)
    reps = 3 if mode == "fast" else 2
    res = outcomes(model, reps, hours=3)
    exposures = res.exposures_m[0][:, 8:] + res.exposures_m[1][:, 8:]
    assert (exposures == 3).all()                                # exactly `limit` read, messages together
    assert res.missed.sum() == reps * n * 5                      # the other five scrolled past
    reads = reps * n * 3                                         # each post equally likely to be read:
    assert binomial_ok(res.exposures_m[0][:, 8:].sum(), reads, 5 / 8)   # 5 of the 8 posts are message 0's


# ---------------------------------------------------------------- ads
@pytest.mark.parametrize("mode", MODES)
def test_ads_reach_online_consumers_and_are_noticed_at_ad_notice(mode):
    cfg = behaviour_config(profile=[1.0] * 24)
    cfg.diffusion.relay_max.consumer, cfg.diffusion.ad_notice = 0.0, 0.3
    n = 3000 if mode == "fast" else 400
    kinds = [CONSUMER] * n + [BLOGGER] * 20
    hours = 4
    model = tiny_model(cfg, kinds, [], activity=0.5, actions=[Plan(ads=[(h, 0.4, 0, 0) for h in range(hours)])],
                       mode=mode)
    res = outcomes(model, reps=2, hours=hours)
    shown = res.impressions.sum()
    assert binomial_ok(shown, 2 * n * hours, 0.5 * 0.4)          # online (0.5) and shown (0.4)
    assert binomial_ok(res.exposures[:, :n].sum(), shown, 0.3)   # noticed
    assert res.exposures[:, n:].sum() == 0                       # ads go to consumers only
    assert (res.sources[:, :n] == (res.exposures[:, :n] > 0)).all()   # the ad is one source


@pytest.mark.parametrize("mode", MODES)
def test_counted_impressions_go_to_online_consumers(mode):
    cfg = behaviour_config(profile=[1.0] * 24)
    cfg.diffusion.relay_max.consumer, cfg.diffusion.ad_notice = 0.0, 0.6
    n = 2000 if mode == "fast" else 300
    count = 1500 if mode == "fast" else 200
    model = tiny_model(cfg, [CONSUMER] * n + [BRAND], [], activity=0.5,
                       actions=[Plan(ads=[(1, 0.0, count, 0)])], mode=mode)
    res = outcomes(model, reps=3, hours=3)
    assert (res.impressions == count).all()                      # every paid impression delivered
    assert binomial_ok(res.exposures.sum(), 3 * count, 0.6)


# ---------------------------------------------------------------- sources and social reinforcement
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("min_sources", [1, 2, 3])
def test_social_reinforcement_needs_distinct_sources(min_sources, mode):
    """Three accounts post at hours 0, 1, 2: a follower's k-th exposure comes from its k-th
    source; only exposures from the min_sources-th source on can make it adopt."""
    cfg = behaviour_config(interest=1.0, promotional=0.0)
    d = cfg.diffusion
    d.relay_max.consumer, d.credibility.consumer = 0.0, 1.0
    d.adoption_prob, d.adoption_min_sources, d.relayers_adopt = 0.3, min_sources, False
    n = 3000 if mode == "fast" else 400
    edges = [(j, f) for j in range(3) for f in range(3, 3 + n)]
    model = tiny_model(cfg, [CONSUMER] * (3 + n), edges, actions=[Plan(posts=[(j, [j], 0) for j in range(3)])],
                       mode=mode)
    reps = 3 if mode == "fast" else 2
    res = outcomes(model, reps, hours=5)
    c = 0.3
    p = 1 - (1 - c) ** (3 - min_sources + 1)
    assert binomial_ok(res.adopted[:, 3:].sum(), reps * n, p), (min_sources, p)
    assert (res.sources[:, 3:] == 3).all()


@pytest.mark.parametrize("mode", MODES)
def test_sources_are_counted_once_per_follow_link_and_ad(mode):
    """A followed account that talks for three hours and an ad shown for three hours are
    two sources, not six exposures' worth; each chat is a source of its own."""
    cfg = behaviour_config()
    d = cfg.diffusion
    d.relay_max.consumer, d.talk_hours, d.ad_notice = 0.0, 3, 1.0
    d.adoption_prob, d.adoption_min_sources, d.relayers_adopt = 1.0, 3, False
    n = 200
    plan = Plan(seeds=[(0, [0], 0)], ads=[(h, 1.0, 0, 0) for h in range(1, 4)])
    model = tiny_model(cfg, [BLOGGER] + [CONSUMER] * n, [(0, f) for f in range(1, n + 1)], actions=[plan],
                       mode=mode)
    res = outcomes(model, reps=2, hours=6)
    assert (res.exposures[:, 1:] == 6).all()
    assert (res.sources[:, 1:] == 2).all()
    assert res.adopted.sum() == 0                                 # 2 sources < adoption_min_sources = 3


@pytest.mark.parametrize("mode", MODES)
def test_each_chat_counts_as_a_new_source(mode):
    cfg = behaviour_config()
    cfg.network.kind, cfg.network.contact_rate = "mixed", 0.5
    cfg.diffusion.relay_max.consumer, cfg.diffusion.talk_hours = 0.0, 0
    n = 400 if mode == "fast" else 150
    model = tiny_model(cfg, [CONSUMER] * n, [], actions=[Plan(seeds=[(0, list(range(n // 2)), 0)])], mode=mode)
    res = outcomes(model, reps=2, hours=8)
    listeners = np.arange(n // 2, n)
    assert res.exposures[:, listeners].sum() > 100
    assert (res.sources[:, listeners] == res.exposures[:, listeners]).all()
    # a chat happens with chance q and hears a talker (half the population, never oneself)
    assert binomial_ok(res.exposures[:, listeners].sum(), 2 * listeners.size * 7, 0.5 * 0.5)


# ---------------------------------------------------------------- talking
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("talk", [1, 3, 0])
def test_relayers_post_for_talk_hours(talk, mode):
    """A chain 0 -> 1 -> 2 where everyone relays for sure: 1 relays at hour 1 and posts in
    hours 1..talk, so 2 sees `talk` posts from 1 (talk 0: every hour to the end)."""
    cfg = behaviour_config(interest=1.0, promotional=0.0)
    d = cfg.diffusion
    d.relay_max.consumer, d.credibility.consumer, d.talk_hours = 1.0, 1.0, talk
    hours = 10
    model = tiny_model(cfg, [CONSUMER] * 3, [(0, 1), (1, 2)], actions=[Plan(posts=[(0, [0], 0)])], mode=mode)
    res = outcomes(model, reps=1, hours=hours)
    assert res.relay_at[0, 1] == 1 and res.relay_at[0, 2] == 2
    expected = talk if talk else hours - 2          # 1 posts in hours 1..hours-1, seen in 2..hours-1
    assert res.exposures[0, 2] == expected
    posts = res.posts[0]                            # posts per hour, all agents
    assert posts[0] == 1 and posts[1] == 1          # the one-off post, then 1's first post


# ---------------------------------------------------------------- weights, relayers, seeds
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("weighted", ["interest", "relevance", "novelty", "trust", None])
def test_each_factor_is_raised_to_its_weight(weighted, mode):
    """Every factor is 0.6; the weighted one has weight 3, the others 1 (None: all 1)."""
    cfg = behaviour_config(interest=0.6, promotional=1.0, topics=[1.0, 0, 0, 0, 0, 0, 0, 0])
    cfg.message.novelty = 0.6
    d = cfg.diffusion
    d.relay_max.consumer, d.credibility.consumer = 1.0, 1.0
    for factor in ("interest", "relevance", "novelty", "trust"):
        setattr(d, f"weight_{factor}", 3.0 if factor == weighted else 1.0)
    n = 3000 if mode == "fast" else 500
    interests = [[1.0, 0, 0, 0, 0, 0, 0, 0]] + [[0.6, 0.8, 0, 0, 0, 0, 0, 0]] * n      # relevance 0.6
    model = tiny_model(cfg, [CONSUMER] * (n + 1), [(0, f) for f in range(1, n + 1)], interests=interests,
                       scepticism=0.4, actions=[Plan(posts=[(0, [0], 0)])], mode=mode)   # trust 1 x (1 - 0.4)
    reps = 3 if mode == "fast" else 2
    res = outcomes(model, reps, hours=3)
    p = 0.6 ** 4 * (0.6 ** 2 if weighted else 1.0)
    assert binomial_ok(res.relayed[:, 1:].sum(), reps * n, p), (weighted, p)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("relayers_adopt", [True, False])
def test_relayers_adopt_only_if_told(relayers_adopt, mode):
    cfg = behaviour_config()
    d = cfg.diffusion
    d.relay_max.consumer, d.credibility.consumer, d.relayers_adopt = 0.5, 1.0, relayers_adopt
    n = 400
    model = tiny_model(cfg, [CONSUMER] * (n + 1), [(0, f) for f in range(1, n + 1)],
                       actions=[Plan(posts=[(0, [0], 0)])], mode=mode)
    res = outcomes(model, reps=2, hours=3)
    assert res.relayed[:, 1:].sum() > 100
    assert (res.adopted[:, 1:] == (res.relayed[:, 1:] & relayers_adopt)).all()   # adoption_prob is 0


@pytest.mark.parametrize("mode", MODES)
def test_sponsored_agents_are_not_counted_as_relayers(mode):
    """Agent 0 is sponsored at hour 0 and then sees a post it would surely relay."""
    cfg = behaviour_config()
    cfg.diffusion.relay_max.consumer, cfg.diffusion.credibility.consumer = 1.0, 1.0
    model = tiny_model(cfg, [CONSUMER] * 3, [(1, 0), (1, 2)], actions=[Plan(seeds=[(0, [0], 0)],
                                                                              posts=[(1, [1], 0)])], mode=mode)
    res = outcomes(model, reps=1, hours=4)
    assert res.exposures[0, 0] == 1 and res.relay_at[0, 0] == -1      # seen, but a seed does not relay
    assert res.relay_at[0, 2] == 2                                      # an ordinary follower does
