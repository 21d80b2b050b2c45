"""The mechanisms that ground the model in a market, against their closed forms.

Expected values come from the README's formulas, not from the model's code:
    disclosure:  a sponsored post's author is trusted credibility x (1 - disclosure_penalty)
    engagement:  P(like or comment) = engagement x appeal, per post read
    reaction:    (message.decay=power_law) the delay before a follower turns to a post has
                 SEISMIC's density, P(delay < t) = theta t / ((1 + theta) s0) for t <= s0,
                 1 - (t / s0)^-theta / (1 + theta) beyond (Zhao et al. 2015)
    scale:       a simulated consumer stands for `scale` people
Each comparison allows 4 Monte Carlo standard errors.
"""
import numpy as np
import pytest

from sim.config import Config
from sim.market import real_followers, people_per_agent, seed_costs
from sim.network import Network
from sim.results import simulate

from .test_behaviour import MODES, binomial_ok, trust
from .tiny import BLOGGER, CONSUMER, Plan, behaviour_config, outcomes, tiny_model


@pytest.mark.parametrize("mode", MODES)
def test_a_sponsored_post_is_trusted_less_by_the_disclosure_penalty(mode):
    """Agent 0 is sponsored at hour 0, agent 1 posts the same message unpaid; each has its
    own followers. Relay and adoption rates of each audience against the closed form."""
    cfg = behaviour_config(interest=0.9, promotional=0.4)
    d = cfg.diffusion
    d.relay_max.consumer, d.adoption_prob, d.disclosure_penalty = 0.9, 0.6, 0.5
    n = 1500 if mode == "fast" else 300
    scepticism = 0.3
    followers = {0: np.arange(2, n + 2), 1: np.arange(n + 2, 2 * n + 2)}
    edges = [(author, f) for author, group in followers.items() for f in group]
    plan = Plan(seeds=[(0, [0], 0)], posts=[(0, [1], 0)])
    model = tiny_model(cfg, [CONSUMER] * (2 * n + 2), edges, scepticism=scepticism, actions=[plan], mode=mode)
    reps = 4 if mode == "fast" else 2
    res = outcomes(model, reps, hours=3)
    for author, discount in ((0, 1 - d.disclosure_penalty), (1, 1.0)):
        group = followers[author]
        exposed = res.exposed[:, group].sum()
        assert exposed == reps * n
        appeal = cfg.message.interest * trust(d.credibility.consumer * discount, scepticism, cfg.message.promotional)
        assert binomial_ok(res.relayed[:, group].sum(), exposed, d.relay_max.consumer * appeal), author
        assert binomial_ok(res.adopted[:, group].sum(), exposed, d.adoption_prob * appeal), author


@pytest.mark.parametrize("mode", MODES)
def test_a_post_made_before_the_sponsorship_carries_no_disclosure(mode):
    """Agent 0 posts unpaid at hour 0, is sponsored at hour 1 (and posts again); followers,
    offline at hour 1, read both posts at hour 2: the first fully trusted, the second
    disclosed (the disclosure belongs to the post, not to its author)."""
    profile = [1.0] * 24
    profile[1] = 0.0                                   # nobody reads at 01:00 (hour 1)
    cfg = behaviour_config(interest=1.0, promotional=0.0, window=3, profile=profile)
    d = cfg.diffusion
    d.relay_max.consumer, d.disclosure_penalty, d.credibility.consumer = 0.8, 0.75, 1.0
    n = 2000 if mode == "fast" else 300
    model = tiny_model(cfg, [CONSUMER] * (n + 1), [(0, f) for f in range(1, n + 1)],
                       actions=[Plan(posts=[(0, [0], 0)], seeds=[(1, [0], 0)])], mode=mode)
    res = outcomes(model, 2, hours=3)
    assert (res.exposures[:, 1:] == 2).all() and (res.relay_at[:, 1:] != 1).all()
    p_unpaid, p_paid = 0.8, 0.8 * (1 - 0.75)
    assert binomial_ok(res.relayed[:, 1:].sum(), 2 * n, 1 - (1 - p_unpaid) * (1 - p_paid))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scale", [1.0, 40.0])
def test_engagements_are_engagement_times_appeal_per_post_read(scale, mode):
    """A blogger posts at hours 0 and 2 to n followers; each read gets a like or a comment with
    chance engagement x appeal, independently of relaying and of novelty (here halved by
    the second read and by the message's age). The blogger's engagements count people
    (`scale` per consumer)."""
    cfg = behaviour_config(interest=0.8, promotional=0.5, half_life=2.0, wearout=0.5)
    d = cfg.diffusion
    d.engagement, d.relay_max.consumer = 0.6, 0.0
    cfg.population.scale = scale
    n = 2000 if mode == "fast" else 300
    scepticism = 0.4
    model = tiny_model(cfg, [BLOGGER] + [CONSUMER] * n, [(0, f) for f in range(1, n + 1)], scepticism=scepticism,
                       actions=[Plan(posts=[(0, [0], 0), (2, [0], 0)])], mode=mode)
    reads, engaged = 0, 0.0
    for r in range(2):
        model.reset(r)
        model.run(4)
        reads += model.state.exposures[0, 1:].sum()
        engaged += model.state.engagements[0, 0]
        assert model.state.posts[0, 0] == 2
    assert reads == 2 * 2 * n
    appeal = 0.8 * trust(d.credibility.blogger, scepticism, 0.5)
    assert engaged % scale == 0
    assert binomial_ok(engaged / scale, reads, d.engagement * appeal)


def seismic_cdf(t, theta, s0):
    t = float(t)
    return theta * t / ((1 + theta) * s0) if t <= s0 else 1 - (t / s0) ** -theta / (1 + theta)


@pytest.mark.parametrize("mode", MODES)
def test_reaction_delays_follow_the_seismic_kernel(mode):
    """Everyone always online, a post at hour 0, a 48-hour window: a follower reads it in hour
    1 + d with chance P(d <= delay < d + 1), and never if the delay outlasts the window."""
    window = 48
    cfg = behaviour_config(window=window)
    cfg.message.decay, cfg.message.reaction_onset_minutes = "power_law", 90.0   # s0 = 1.5 h
    cfg.run.hours = window + 2
    cfg.diffusion.relay_max.consumer = 0.0
    theta, s0 = cfg.message.reaction_exponent, 1.5
    n = 6000 if mode == "fast" else 300
    model = tiny_model(cfg, [CONSUMER] * (n + 1), [(0, f) for f in range(1, n + 1)],
                       actions=[Plan(posts=[(0, [0], 0)])], mode=mode)
    reps = 2
    at = outcomes(model, reps, hours=window + 2).aware_at[:, 1:]
    edges = np.array([0, 1, 2, 3, 6, 12, 24, window])           # delay bins [edges[k], edges[k+1]) hours
    for lo, hi in zip(edges[:-1], edges[1:]):
        p = float(seismic_cdf(hi, theta, s0) - seismic_cdf(lo, theta, s0))
        assert binomial_ok(((at >= 1 + lo) & (at < 1 + hi)).sum(), reps * n, p), (lo, hi, p)
    assert binomial_ok((at < 0).sum(), reps * n, 1 - float(seismic_cdf(window, theta, s0)))


# ---------------------------------------------------------------- scale
def test_real_followers_and_fees_are_in_people():
    """A blogger followed by 3 consumers, a consumer followed by 2 consumers and the blogger,
    at scale 50: the blogger has 150 real followers, the consumer 2 + 1/50 (its 50 people
    share the blogger's follow), and sponsoring the consumer agent pays 50 people."""
    kind = np.array([BLOGGER, CONSUMER, CONSUMER, CONSUMER, CONSUMER], dtype=np.int8)
    net = Network.from_edges(5, np.array([0, 0, 0, 1, 1, 1]), np.array([1, 2, 3, 2, 3, 0]))
    people = people_per_agent(kind, 50.0)
    followers = real_followers(net, people)
    assert followers[0] == pytest.approx(150.0)
    assert followers[1] == pytest.approx(2 + 1 / 50)
    c = Config().campaign
    c.seed_fee_fixed.consumer, c.seed_fee_per_follower.consumer = 5.0, 0.5
    c.seed_fee_fixed.blogger, c.seed_fee_per_follower.blogger = 20.0, 0.1
    costs = seed_costs(c, kind, people, followers)
    assert costs[0] == pytest.approx(20.0 + 0.1 * 150)
    assert costs[1] == pytest.approx(50 * (5.0 + 0.5 * (2 + 1 / 50)))


def test_mass_ad_reach_scales_with_the_market():
    """Ads only (nobody relays): 12,000 consumers at scale 1 and 1,200 at scale 10, the same
    budget in euros, reach the same people within Monte Carlo error; reach is in people."""
    def reach(consumers, scale):
        cfg = Config()
        p = cfg.population
        p.consumers, p.bloggers, p.brands, p.scale = consumers, 0, 0, scale
        cfg.diffusion.relay_max.consumer = 0.0
        c = cfg.campaign
        c.kind, c.budget, c.cpm, c.mass_hours = "mass", 60.0, 10.0, 12        # 08:00 to 20:00
        cfg.run.hours, cfg.run.replicates, cfg.run.report, cfg.run.plot = 30, 12, False, False
        result = simulate(cfg, progress=lambda s: None)
        assert np.allclose(result.final("impressions"), 6000.0)       # 60 euros at 10 per 1,000, in people
        assert np.allclose(result.final("spent"), 60.0)
        return result.final("reach")
    small, large = reach(12_000, 1.0), reach(1_200, 10.0)
    assert np.all(large % 10 == 0)                                     # whole simulated consumers
    diff = large.mean() - small.mean()
    se = np.sqrt(large.var(ddof=1) / large.size + small.var(ddof=1) / small.size)
    assert small.mean() > 1000 and abs(diff) <= 4 * se, (small.mean(), large.mean(), se)


@pytest.mark.parametrize("mode", MODES)
def test_followers_trust_an_account_by_its_tier(mode):
    """Two bloggers post to their own audiences at scale 10: 900 consumer followers (9,000
    real: nano) and 1,100 (11,000 real: micro). Readers trust the micro blogger
    tier_trust.micro as much."""
    cfg = behaviour_config(interest=1.0, promotional=0.0)
    d = cfg.diffusion
    d.relay_max.consumer, d.credibility.blogger = 0.8, 1.0
    d.tier_trust.nano, d.tier_trust.micro = 0.9, 0.3
    cfg.population.scale = 10.0
    sizes = (900, 1100)
    groups = (np.arange(2, 2 + sizes[0]), np.arange(2 + sizes[0], 2 + sum(sizes)))
    edges = [(b, f) for b, group in enumerate(groups) for f in group]
    model = tiny_model(cfg, [BLOGGER, BLOGGER] + [CONSUMER] * sum(sizes), edges,
                       actions=[Plan(posts=[(0, [0, 1], 0)])], mode=mode)
    reps = 3 if mode == "fast" else 1
    res = outcomes(model, reps, hours=2)
    for factor, group in zip((0.9, 0.3), groups):
        assert binomial_ok(res.relayed[:, group].sum(), reps * group.size, 0.8 * factor), factor
