"""From simulated agents to the real market: people, followers and euros (population.scale).

Each simulated consumer stands for `scale` people of the real market (Covasim's
`pop_scale`); bloggers and brand accounts are real accounts, one each. Every count a
user reads (reach, adoptions, impressions, engagements, posts) weighs an agent by the
people it stands for, and every price is paid for real people:

- a blogger followed by f simulated consumers has f x scale real followers; a consumer
  (one of `scale` similar people) has as many followers as the agent has follow links,
  each standing for one person: in general an account's real followers are the people
  of its followers divided by its own people;
- sponsoring a consumer agent sponsors the `scale` people it stands for;
- a budget buys budget x 1000 / cpm real impressions, of which the simulation delivers
  1 in `scale` (each delivered impression stands for `scale` of them).

The approximation (README, "Scale"): the `scale` people of one agent see, decide and
post together, so the spread of outcomes across replicates is that of the simulated
market, not of the real one (it is wider), and everything below one agent (a single
real consumer's post) is out of reach.
"""
from __future__ import annotations

import numpy as np

from .kinds import CONSUMER, N_KINDS, per_kind
from .tiers import tier_of


def people_per_kind(scale: float) -> np.ndarray:
    """People one agent of each kind stands for: consumers `scale`, accounts 1."""
    people = np.ones(N_KINDS)
    people[CONSUMER] = float(scale)
    return people


def people_per_agent(kind: np.ndarray, scale: float) -> np.ndarray:
    return people_per_kind(scale)[kind]


def real_followers(network, people: np.ndarray) -> np.ndarray:
    """Followers each account has on the real platform: the people of its followers, per
    person it stands for."""
    return network.sum_over_followers(people) / people


def seed_costs(campaign, kind: np.ndarray, people: np.ndarray, followers: np.ndarray) -> np.ndarray:
    """Euros to sponsor each agent: its people x (fixed fee + fee per follower x real followers)."""
    fixed = np.asarray(campaign.seed_fee_fixed.as_list())[kind]
    per_follower = np.asarray(campaign.seed_fee_per_follower.as_list())[kind]
    return people * (fixed + per_follower * followers)


def simulated_impressions(budget: float, cpm: float, scale: float) -> int:
    """Impressions the simulation delivers for `budget` euros: the real ones it buys
    (budget x 1000 / cpm, whole impressions) over the people each stands for."""
    real = np.floor(budget * 1000.0 / cpm + 1e-9)
    return int(np.floor(real / float(scale) + 1e-9))


def credibility(kind: np.ndarray, base: np.ndarray, tier_trust, tier: np.ndarray) -> np.ndarray:
    """Trust in each agent as a source: its kind's credibility, times its tier's factor for
    the kinds that can be sponsored (consumers, bloggers; brand accounts keep theirs)."""
    factor = np.asarray(tier_trust.as_list(), dtype=np.float64)[tier]
    return np.where(per_kind("sponsorable", np.bool_)[kind], base * factor, base)


def accounts(campaign, population, network, people: np.ndarray, followers: np.ndarray | None = None):
    """Real followers, tier and sponsoring cost of every agent: from the network and the fee
    model, or as the accounts file declares them (followers, tier, fee_per_post).
    `followers`: the network's real follower counts when already computed for this world."""
    followers = real_followers(network, people) if followers is None else followers
    declared = population.declared
    if declared is not None:
        followers = np.where(np.isnan(declared["followers"]), followers, declared["followers"])
    tier = tier_of(followers)
    costs = seed_costs(campaign, population.kind, people, followers)
    if declared is not None:
        tier = np.where(declared["tier"] >= 0, declared["tier"], tier).astype(np.int8)
        costs = np.where(np.isnan(declared["fee"]), costs, people * declared["fee"])
    return followers, tier, costs
