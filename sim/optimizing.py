"""Find the best plan for a budget (`python -m sim.optimize`), with Optuna used directly.

A lever is a numeric key of the configuration with a range (`optimize.levers`). Levers
under `campaign.channels.` (ads, sponsored.<tier>, boosted) are weights: a plan spends the
whole budget, split in proportion to them (channels without a lever get nothing), so the
budget is a hard constraint by construction. Other levers (`timing.launch_hour`, ...)
take their value as drawn (whole numbers where the key is an integer).

Every candidate plan is simulated on the world built once with the same replicates'
random streams (common random numbers), so two plans differ by their levers, not by
luck. The study lives in a journal file in the run folder: a killed run, rerun with the
same command, continues it.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .errors import ConfigError
from .inference import check_priors, set_choices, set_parameters, text_field

CHANNELS = "campaign.channels."
SHARE_KEYS = ("ads", "sponsored.nano", "sponsored.micro", "sponsored.macro", "sponsored.mega", "boosted")
LOWER_IS_BETTER = {"cost_per_adoption", "cost_per_engagement", "cost_per_useful_contact", "time_to_half_reach"}


@dataclass
class Lever:
    name: str
    low: float
    high: float
    integer: bool

    @property
    def share(self) -> bool:
        return self.name.startswith(CHANNELS) and self.name[len(CHANNELS):] in SHARE_KEYS


def check_levers(cfg, levers: dict) -> list[Lever]:
    """Known numeric keys with low < high; channel weights >= 0, on a channels plan (their
    ends are weights, not euros, so they are not checked as configuration values)."""
    import math

    from .inference import _field, flat_params
    flat = flat_params(levers)
    if not flat:
        raise ConfigError("optimize.levers", "is empty: give at least one lever and its range [low, high]")
    plain = {name: bounds for name, bounds in flat.items() if not Lever(name, 0, 0, False).share}
    out = []
    for p in check_priors(cfg, plain, "optimize.levers") if plain else []:
        node, attr = _field(cfg, p.name, "optimize.levers")
        out.append(Lever(p.name, p.low, p.high, isinstance(getattr(node, attr), int)))
    for name, bounds in flat.items():
        if name in plain:
            continue
        key = f"optimize.levers.{name}"
        ok = isinstance(bounds, (list, tuple)) and len(bounds) == 2 and all(
            isinstance(b, (int, float)) and not isinstance(b, bool) and math.isfinite(b) for b in bounds)
        if not ok or not 0 <= bounds[0] < bounds[1]:
            raise ConfigError(key, f"is a weight of the budget: needs [low, high] with 0 <= low < high, got {bounds!r}")
        out.append(Lever(name, float(bounds[0]), float(bounds[1]), False))
        if cfg.campaign.kind != "channels":
            raise ConfigError("optimize.levers", f"{name} splits a channels plan, but campaign.kind is "
                              f"{cfg.campaign.kind!r} (use campaign=default, a channels plan)")
    return out


def check_choices(cfg, choices: dict) -> dict:
    """Categorical levers {dotted key: [options]}: text keys of the configuration, each
    option valid (validated on a copy of the configuration)."""
    from .checks import validate
    from .inference import flat_params
    out = {}
    for name, options in flat_params(choices).items():
        key = f"optimize.choices.{name}"
        text_field(cfg, name, key)
        if not isinstance(options, (list, tuple)) or not options:
            raise ConfigError(key, f"must be a list of options, got {options!r}")
        for option in options:
            try:
                validate(set_choices(cfg, {name: option}))
            except ConfigError as err:
                raise ConfigError(key, f"option {option!r} is not valid ({err})") from None
        out[name] = [str(o) for o in options]
    return out


def plan_values(levers: list[Lever], drawn: dict, budget: float) -> dict:
    """Configuration values of a drawn plan: the budget split by the channel weights (all
    channels without a lever at 0; equal shares if every weight is 0), other levers as drawn."""
    values = {CHANNELS + key: 0.0 for key in SHARE_KEYS} if any(lv.share for lv in levers) else {}
    weights = {lv.name: float(drawn[lv.name]) for lv in levers if lv.share}
    total = sum(weights.values())
    for name, w in weights.items():
        values[name] = budget * (w / total if total > 0 else 1.0 / len(weights))
    for lv in levers:
        if not lv.share:
            values[lv.name] = int(round(drawn[lv.name])) if lv.integer else float(drawn[lv.name])
    return values


def evaluate(cfg, world, cache, values: dict, metric: str, replicates: int) -> np.ndarray:
    """The metric per replicate of the plan `values` (replicate r on stream r of run.seed)."""
    from .results import simulate
    c = set_parameters(cfg, {k: v for k, v in values.items() if not isinstance(v, str)})
    c = set_choices(c, {k: v for k, v in values.items() if isinstance(v, str)})
    c.run.replicates = replicates
    return simulate(c, world=world, cache=cache, progress=lambda line: None).final(metric)


def scenario(cfg, overrides: dict, budget: float):
    """A hand-written plan of `optimize.against` at the optimizer's budget."""
    from .config import campaign_with
    c = copy.deepcopy(cfg)
    c.campaign = campaign_with(cfg.campaign, {"budget": budget, **overrides}, "optimize.against")
    return c


def better(metric: str) -> int:
    """+1 if more of the metric is better, -1 if less is."""
    return -1 if metric in LOWER_IS_BETTER else 1


def paired_verdict(a: np.ndarray, b: np.ndarray, metric: str, names: tuple[str, str]) -> tuple[dict, str]:
    """The mean paired difference a - b with its 95% interval, and a sentence that names a
    winner only when the interval excludes zero."""
    from .headlines import t_interval
    mean, low, high, _ = t_interval(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    first, second = names
    numbers = f"{metric} difference {mean:+,.1f}, 95% interval {low:+,.1f} to {high:+,.1f}"
    if low > 0 or high < 0:
        text = f"{first if (low > 0) == (better(metric) > 0) else second} is better ({numbers})"
    else:
        text = f"{first} and {second} are not distinguishable ({numbers})"
    return {"mean": mean, "ci95": [low, high]}, text


def run_study(cfg, world, cache, levers: list[Lever], budget: float, journal: str | None, log=lambda line: None,
              choices: dict | None = None):
    """Optuna trials until `optimize.trials` have completed in the study of the `journal`
    file (a new file, or the journal of an interrupted run, which is continued; None: in memory)."""
    import time

    import optuna
    from optuna.storages.journal import JournalFileBackend, JournalStorage
    o = cfg.optimize
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = (optuna.samplers.RandomSampler(seed=o.seed) if o.sampler == "random"
               else optuna.samplers.TPESampler(seed=o.seed))
    storage = JournalStorage(JournalFileBackend(journal)) if journal else None
    study = optuna.create_study(study_name="influsim", storage=storage,
                                sampler=sampler, direction="maximize" if better(o.objective) > 0 else "minimize",
                                load_if_exists=True)
    done = sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
    if done:
        log(f"resuming {journal}: {done} of {o.trials} trials already done")
    start, first = time.perf_counter(), done

    def objective(trial):
        drawn = {lv.name: (trial.suggest_int(lv.name, int(lv.low), int(lv.high)) if lv.integer and not lv.share
                           else trial.suggest_float(lv.name, lv.low, lv.high)) for lv in levers}
        values = plan_values(levers, drawn, budget)
        values.update({name: trial.suggest_categorical(name, options) for name, options in (choices or {}).items()})
        trial.set_user_attr("values", values)
        return float(np.mean(evaluate(cfg, world, cache, values, o.objective, o.replicates)))

    def progress(study, trial):
        n = sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
        if n % max(1, o.trials // 10) == 0 or n == o.trials:
            elapsed = time.perf_counter() - start
            left = elapsed / max(n - first, 1) * (o.trials - n)
            log(f"trial {n}/{o.trials}: best {o.objective} {study.best_value:,.1f}, {elapsed:.0f} s elapsed, "
                f"~{left:.0f} s to go")
    if done < o.trials:
        study.optimize(objective, n_trials=o.trials - done, callbacks=[progress])
    return study


def top_plans(study, count: int) -> list[dict]:
    """The values of the best `count` completed trials (best first, distinct plans)."""
    import optuna
    trials = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    trials.sort(key=lambda t: t.value, reverse=study.direction == optuna.study.StudyDirection.MAXIMIZE)
    out, seen = [], set()
    for t in trials:
        key = tuple(sorted((k, v if isinstance(v, str) else round(v, 6)) for k, v in t.user_attrs["values"].items()))
        if key not in seen:
            seen.add(key)
            out.append({"trial": t.number, "search_value": t.value, "values": t.user_attrs["values"]})
        if len(out) == count:
            break
    return out
