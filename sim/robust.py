"""Plans judged under uncertainty: K draws of the unknowns, a statistic over them, and a
paired bootstrap that says when one plan beats another.

An unknown is a numeric key of the configuration the brand cannot set (message interest,
scepticism, CPM, ...). `optimize.uncertain` gives uniform ranges (drawn as a Latin
hypercube, so a few draws still cover every range); `optimize.posterior` a calibration's
`posterior.parquet` (rows drawn by their weights). Every plan meets the same K draws and,
within a draw, the same replicates' random streams, so differences between plans are
paired twice over.

Statistics of a plan's outcomes (K draws x R replicates; m_k = the mean over draw k's
replicates):
- `mean`: the mean over all draws and replicates;
- `p10`: the worst tenth of the draws: the 10th percentile of m_k (the 90th for a cost);
- `regret`: the largest shortfall, over the draws, against the best plan known for that
  draw (max_k of the gap to the best m_k): a plan with a small regret is never far from
  what the right plan would have done, whatever the unknowns turn out to be.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import ConfigError, DataError

UNKNOWNS_STREAM = 0x756E6B6E      # "unkn": the draws of the unknowns, apart from the search's own


@dataclass
class Unknowns:
    names: list[str]
    draws: np.ndarray          # K x len(names)
    source: str                # where they come from, for the log and the report
    worlds: dict = field(default_factory=dict)   # draw -> (world, cache) when the unknowns shape the world

    def __len__(self) -> int:
        return len(self.draws)

    def values(self, k: int) -> dict:
        return dict(zip(self.names, (float(v) for v in self.draws[k])))


def draw_unknowns(cfg, uncertain: dict, posterior: str, draws: int, seed: int, where: str = "optimize"):
    """K draws of the unknowns (None when there are none: the configuration's values are taken as known)."""
    from .inference import check_priors, flat_params
    if posterior and flat_params(uncertain):
        raise ConfigError(f"{where}.posterior", f"give either {where}.uncertain ranges or a posterior, not both")
    if not posterior and not flat_params(uncertain):
        return None
    rng = np.random.default_rng([seed, UNKNOWNS_STREAM])
    if posterior:
        return _from_posterior(cfg, posterior, draws, rng, where)
    from scipy.stats import qmc
    priors = check_priors(cfg, uncertain, f"{where}.uncertain")
    unit = qmc.LatinHypercube(d=len(priors), seed=rng).random(draws)
    low, high = np.array([p.low for p in priors]), np.array([p.high for p in priors])
    return Unknowns([p.name for p in priors], low + unit * (high - low),
                    f"{draws} Latin-hypercube draws of {', '.join(p.name for p in priors)}")


def _from_posterior(cfg, path: str, draws: int, rng, where: str) -> Unknowns:
    from pathlib import Path

    import pandas as pd

    from .inference import set_parameters
    file = Path(path)
    if file.is_dir():
        file = file / "posterior.parquet"
    if not file.is_file():
        raise DataError(f"{where}.posterior: file not found: {file} (a calibration's posterior.parquet)")
    try:
        table = pd.read_parquet(file)
    except Exception as err:     # noqa: BLE001 - any unreadable file is the user's input
        raise DataError(f"{where}.posterior: {file} is not a parquet file ({str(err).splitlines()[0]})") from None
    names = [c for c in table.columns if c != "weight"]
    if "weight" not in table.columns or not names or len(table) == 0:
        raise DataError(f"{where}.posterior: {file} needs a 'weight' column and one column per parameter "
                        "(sim.calibrate's posterior.parquet)")
    try:
        set_parameters(cfg, {name: float(table[name].iloc[0]) for name in names})
    except ConfigError as err:
        raise DataError(f"{where}.posterior: {file}: column {err.key.split('.', 1)[1]} {err.problem}") from None
    weight = table.weight.to_numpy(np.float64)
    rows = rng.choice(len(table), size=draws, p=weight / weight.sum())
    return Unknowns(names, table[names].to_numpy(np.float64)[rows],
                    f"{draws} draws from the posterior {file}")


def direction(statistic: str, sign: int) -> int:
    """+1 if a larger value of the statistic is better (regret: never)."""
    return -1 if statistic == "regret" else sign


def per_draw_reference(means: np.ndarray, sign: int) -> np.ndarray:
    """The best mean per draw over plans (plans x K -> K)."""
    return means.max(axis=0) if sign > 0 else means.min(axis=0)


def statistic(means: np.ndarray, name: str, sign: int, reference: np.ndarray | None = None) -> np.ndarray:
    """The statistic of each plan from its per-draw means (... x K -> ...)."""
    if name == "mean":
        return means.mean(axis=-1)
    if name == "p10":
        return np.percentile(means, 10 if sign > 0 else 90, axis=-1)
    return (sign * (reference - means)).max(axis=-1)


def observed(outcomes: dict, name: str, sign: int, reference: np.ndarray | None = None) -> dict:
    """name -> the statistic of the plan's outcomes (K x R each). For regret without a
    `reference`, the best of the plans given is the reference of each draw."""
    means = np.stack([np.asarray(v, np.float64).mean(axis=1) for v in outcomes.values()])
    if name == "regret" and reference is None:
        reference = per_draw_reference(means, sign)
    return dict(zip(outcomes, statistic(means, name, sign, reference).tolist()))


def bootstrap(outcomes: dict, name: str, sign: int, resamples: int = 2000, seed: int = 0) -> dict:
    """name -> the statistic over `resamples` resamples of the draws and of the replicates
    (the same resample for every plan, so pairs stay paired)."""
    stack = np.stack([np.asarray(v, np.float64) for v in outcomes.values()])     # plans x K x R
    _, k, r = stack.shape
    rng = np.random.default_rng([seed, UNKNOWNS_STREAM, 1])
    out = np.empty((len(outcomes), resamples))
    for b in range(resamples):
        draws = rng.integers(0, k, k) if k > 1 else np.zeros(1, np.int64)
        means = stack[:, draws][:, :, rng.integers(0, r, r)].mean(axis=2)
        out[:, b] = statistic(means, name, sign, per_draw_reference(means, sign) if name == "regret" else None)
    return dict(zip(outcomes, out))


def robust_verdict(boot: dict, point: dict, a: str, b: str, name: str, sign: int, metric: str,
                   names: tuple[str, str] | None = None) -> tuple[dict, str]:
    """The difference a - b in the statistic with its 95% bootstrap interval, and a sentence
    that names a winner (as `names`, default a and b) only when the interval excludes zero."""
    from .headlines import winner_sentence
    low, high = (float(x) for x in np.percentile(boot[a] - boot[b], [2.5, 97.5]))
    return winner_sentence(point[a] - point[b], low, high, names or (a, b), direction(name, sign) > 0,
                           f"{name} of {metric}: difference")
