"""Find the best plan for a budget (`python -m sim.optimize`), with Optuna used directly.

A lever is a numeric key of the configuration with a range (`optimize.levers`). Levers
under `campaign.channels.` (ads, sponsored.<tier>, boosted) are weights: a plan spends the
whole budget, split in proportion to them (channels without a lever get nothing), so the
budget is a hard constraint by construction. Other levers (`timing.launch_hour`, ...)
take their value as drawn (whole numbers where the key is an integer).

Every candidate plan is simulated on the world built once with the same replicates'
random streams (common random numbers), and on the same draws of the unknowns
(`sim.robust`), so two plans differ by their levers, not by luck. The study lives in a
journal file: a killed run, rerun with the same command, continues it, and several
processes (or machines sharing the file) can fill it together.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .errors import ConfigError
from .formats import counted
from .inference import check_priors, set_choices, set_parameters, set_values, text_field

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


def check_levers(cfg, levers: dict, choices: dict | None = None) -> list[Lever]:
    """Known numeric keys with low < high; channel weights >= 0, on a channels plan (their
    ends are weights, not euros, so they are not checked as configuration values)."""
    import math

    from .inference import _field, flat_params
    from .population import shapes_world
    flat = flat_params(levers)
    if not flat and not flat_params(choices or {}):
        raise ConfigError("optimize.levers", "is empty (and so is optimize.choices): give at least one lever and "
                          "its range [low, high], or a text key and its options")
    plain = {name: bounds for name, bounds in flat.items() if not Lever(name, 0, 0, False).share}
    out = []
    for p in check_priors(cfg, plain, "optimize.levers") if plain else []:
        node, attr = _field(cfg, p.name, "optimize.levers")
        out.append(Lever(p.name, p.low, p.high, isinstance(getattr(node, attr), int)))
        if shapes_world([p.name]):
            raise ConfigError(f"optimize.levers.{p.name}", "is a property of the market, not of the plan "
                              "(put it in optimize.uncertain)")
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


def outcomes(c, world, cache, unknowns, metrics: list[str], replicates: int) -> dict:
    """metric -> K x R: each metric per draw of the unknowns (one row when there are none)
    and per replicate (replicate r on stream r of run.seed, for every draw and every plan)."""
    from .population import build_world, shapes_world
    from .results import simulate
    rows = {m: [] for m in metrics}
    for k in range(len(unknowns)) if unknowns else [None]:
        ck = set_parameters(c, unknowns.values(k)) if k is not None else copy.deepcopy(c)
        ck.run.replicates = replicates
        w, wc = world, cache
        if k is not None and shapes_world(unknowns.names):     # e.g. population.scepticism_mean: its own world
            if k not in unknowns.worlds:
                unknowns.worlds[k] = (build_world(ck), {})
            w, wc = unknowns.worlds[k]
        result = simulate(ck, world=w, cache=wc, progress=lambda line: None)
        for m in metrics:
            rows[m].append(result.final(m))
    return {m: np.array(v, np.float64) for m, v in rows.items()}


def evaluate(cfg, world, cache, values: dict, metric: str, replicates: int) -> np.ndarray:
    """The metric per replicate of the plan `values` (replicate r on stream r of run.seed)."""
    return outcomes(set_values(cfg, values), world, cache, None, [metric], replicates)[metric][0]


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
    from .headlines import t_interval, winner_sentence
    mean, low, high, _ = t_interval(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    return winner_sentence(mean, low, high, names, better(metric) > 0, f"{metric} difference")


def objectives_of(o) -> list[str]:
    """The metrics to optimise: `optimize.objectives` (several: a Pareto front), else `optimize.objective`."""
    return list(o.objectives) or [o.objective]


@dataclass
class Search:
    """What every trial needs: the world, the levers, the budget, the unknowns and, for
    regret, the best hand-written plan's mean per draw of each metric."""
    cfg: object
    world: object
    levers: list
    budget: float
    choices: dict
    unknowns: object = None
    reference: dict | None = None
    cache: dict | None = None

    def score(self, values: dict) -> list[float]:
        """The statistic of each objective for the plan `values` (search replicates)."""
        from .robust import statistic
        o = self.cfg.optimize
        found = outcomes(set_values(self.cfg, values), self.world, self.cache, self.unknowns,
                         objectives_of(o), o.replicates)
        return [float(statistic(found[m].mean(axis=1), o.statistic, better(m), (self.reference or {}).get(m)))
                for m in objectives_of(o)]


def sampler_of(o, worker: int = 0):
    import optuna
    seed = o.seed + worker
    if o.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if len(objectives_of(o)) > 1:
        return optuna.samplers.NSGAIISampler(seed=seed, population_size=min(50, max(4, o.trials // 4)))
    return optuna.samplers.TPESampler(seed=seed)


# Optuna breaks a journal lock left unchanged this long (its default, 30 s, made every
# resumed run whose predecessor was killed mid-append wait half a minute); an append holds
# the lock for milliseconds, so 5 s is still ample for live workers.
JOURNAL_LOCK_GRACE_S = 5


def open_study(o, journal: str | None, worker: int = 0):
    import optuna
    from optuna.storages.journal import JournalFileBackend, JournalFileSymlinkLock, JournalStorage

    from .robust import direction
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = None
    if journal:                      # a run killed mid-append leaves the journal's lock behind
        lock = JournalFileSymlinkLock(journal, grace_period=JOURNAL_LOCK_GRACE_S)
        storage = JournalStorage(JournalFileBackend(journal, lock_obj=lock))
    directions = ["maximize" if direction(o.statistic, better(m)) > 0 else "minimize" for m in objectives_of(o)]
    return optuna.create_study(study_name="influsim", storage=storage, sampler=sampler_of(o, worker),
                               directions=directions, load_if_exists=True)


def completed(study) -> int:
    import optuna
    return sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.get_trials(deepcopy=False))


def run_study(search: Search, journal: str | None, log=lambda line: None, worker: int = 0):
    """Optuna trials until `optimize.trials` have completed in the study of the `journal`
    file (a new file, or the journal of an interrupted run, which is continued; None: in
    memory). Several workers (processes, or machines sharing the file) can fill one study."""
    import time

    from optuna.study import MaxTrialsCallback
    o = search.cfg.optimize
    study = open_study(o, journal, worker)
    done = completed(study)
    if done and worker == 0:
        log(f"resuming {journal}: {done} of {o.trials} trials already done")
    start, first, step = time.perf_counter(), done, max(1, o.trials // 10)

    def objective(trial):
        drawn = {lv.name: (trial.suggest_int(lv.name, int(lv.low), int(lv.high)) if lv.integer and not lv.share
                           else trial.suggest_float(lv.name, lv.low, lv.high)) for lv in search.levers}
        values = plan_values(search.levers, drawn, search.budget)
        values.update({name: trial.suggest_categorical(name, options) for name, options in search.choices.items()})
        trial.set_user_attr("values", values)
        trial.set_user_attr("worker", worker)
        scores = search.score(values)
        return scores[0] if len(scores) == 1 else tuple(scores)

    def progress(study, trial):
        n = completed(study)
        if worker == 0 and (n // step > progress.shown or n >= o.trials):
            progress.shown = n // step
            elapsed = time.perf_counter() - start
            left = elapsed / max(n - first, 1) * max(o.trials - n, 0)
            best = (f"best {o.statistic} of {o.objective} {study.best_value:,.1f}" if len(study.directions) == 1
                    else f"{counted(len(study.best_trials), 'plan')} on the Pareto front")
            log(f"trial {min(n, o.trials)}/{o.trials}: {best}, {elapsed:.0f} s elapsed, ~{left:.0f} s to go")
    progress.shown = done // step
    if done < o.trials:
        study.optimize(objective, n_trials=o.trials - done, callbacks=[progress, MaxTrialsCallback(o.trials)])
    return study


def top_plans(study, count: int) -> list[dict]:
    """The values of the best `count` completed trials (best first, distinct plans); with
    several objectives, the Pareto front's plans, best first on the first objective."""
    import optuna
    multi = len(study.directions) > 1
    trials = study.best_trials if multi else [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    first = study.directions[0] == optuna.study.StudyDirection.MAXIMIZE
    trials = sorted(trials, key=lambda t: t.values[0], reverse=first)
    out, seen = [], set()
    for t in trials:
        key = tuple(sorted((k, v if isinstance(v, str) else round(v, 6)) for k, v in t.user_attrs["values"].items()))
        if key not in seen:
            seen.add(key)
            out.append({"trial": t.number, "search_value": t.values[0] if multi else t.value,
                        "search_values": list(t.values), "values": t.user_attrs["values"]})
        if len(out) == count:
            break
    return out
