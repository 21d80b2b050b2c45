"""Calibration by inference: the model's free parameters, given priors, learnt from a
campaign's observed analytics by likelihood-free Bayesian inference (ABC-SMC, pyabc).

A parameter is a numeric key of the configuration (`message.interest`,
`diffusion.relay_max.consumer`, ...) with a uniform prior [low, high]. Each particle
sets them on a copy of the configuration and simulates the campaign on the world built
once; its summary is the running total, period by period, of every metric the export
measured. The distance is the mean squared difference of those running totals, each
divided by the observed final total, so every metric weighs the same whatever its size.
The SQLite history (pyabc's) makes a killed run resumable.
"""
from __future__ import annotations

import copy
import dataclasses
import logging
import math
from dataclasses import dataclass

import numpy as np

from .checks import validate
from .config import Config
from .errors import ConfigError
from .observed import AnalyticsExport

# analytics metric -> the simulation's running total of it: a cumulative flow or curve
# (reach: people reached so far, so a period's count is the people newly reached in it)
SIMULATED = {"impressions": ("flow", "impressions"), "engagements": ("flow", "engagements"),
             "reach": ("curve", "reach"), "shares": ("curve", "relayed"), "adoptions": ("curve", "adopted")}
SECTIONS = ("message", "diffusion", "population", "network", "campaign", "timing")


@dataclass
class Prior:
    name: str                      # dotted configuration key
    low: float
    high: float

    @property
    def label(self) -> str:        # pyabc's parameter name (no dots)
        return self.name.replace(".", "__")


def _field(cfg: Config, name: str, where: str = "calibrate.params"):
    """(object, attribute) of a dotted key; ConfigError if it is not a numeric setting."""
    parts = name.split(".")
    node = cfg
    if parts[0] not in SECTIONS:
        raise ConfigError(f"{where}.{name}", f"is not a parameter the calibration can vary (keys start "
                          f"with one of {', '.join(SECTIONS)})")
    for part in parts[:-1]:
        if not dataclasses.is_dataclass(node) or not hasattr(node, part):
            raise ConfigError(f"{where}.{name}", f"is not a key of the configuration ({part!r} unknown)")
        node = getattr(node, part)
    last = parts[-1]
    value = getattr(node, last, None) if dataclasses.is_dataclass(node) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}.{name}", "is not a numeric key of the configuration")
    return node, last


def set_parameters(cfg: Config, values: dict[str, float]) -> Config:
    """A copy of `cfg` with the dotted keys set (whole numbers where the key is an integer)."""
    return Retuned(cfg)(values)


class Retuned:
    """One copy of `cfg` whose dotted keys each call sets in place (the keys an earlier call
    set and this one does not go back to `cfg`'s values), so each call returns what
    set_parameters would on a fresh copy. For loops that build, run and drop a model per
    parameter set before the next: a deep copy per set cost about 1 ms, a fifth of a small
    run's time. The copy is the same object every call: keep no model across calls."""

    def __init__(self, cfg: Config):
        self.cfg, self.fields, self.base = copy.deepcopy(cfg), {}, {}

    def __call__(self, values: dict[str, float]) -> Config:
        for name in self.fields.keys() - values.keys():
            node, attr = self.fields[name]
            setattr(node, attr, self.base[name])
        for name, value in values.items():
            if name not in self.fields:
                node, attr = self.fields[name] = _field(self.cfg, name)
                self.base[name] = getattr(node, attr)
            node, attr = self.fields[name]
            setattr(node, attr, int(round(value)) if isinstance(self.base[name], int) else float(value))
        return self.cfg


def _walk(cfg, name: str, key: str, kind: type, what: str):
    """(object, attribute) of a dotted key whose value is of `kind`; ConfigError naming `key` otherwise."""
    node = cfg
    parts = name.split(".")
    for part in parts[:-1]:
        if not dataclasses.is_dataclass(node) or not hasattr(node, part):
            raise ConfigError(key, f"is not a key of the configuration ({part!r} unknown)")
        node = getattr(node, part)
    if not dataclasses.is_dataclass(node) or not isinstance(getattr(node, parts[-1], None), kind):
        raise ConfigError(key, what)
    return node, parts[-1]


def text_field(cfg, name: str, key: str):
    """(object, attribute) of a dotted text key (campaign.strategy, ...)."""
    return _walk(cfg, name, key, str, "is not a text key of the configuration (numeric keys go in optimize.levers)")


def set_choices(cfg, values: dict):
    """A copy of `cfg` with the text keys set."""
    out = copy.deepcopy(cfg)
    for name, value in values.items():
        node, attr = text_field(out, name, f"optimize.choices.{name}")
        setattr(node, attr, str(value))
    return out


def set_values(cfg, values: dict):
    """A copy of `cfg` with a plan's dotted keys set: numbers, text (campaign.strategy) and
    lists of numbers (target.segments), each to a key of that type."""
    texts = {k: v for k, v in values.items() if isinstance(v, str)}
    lists = {k: v for k, v in values.items() if isinstance(v, (list, tuple))}
    out = set_choices(cfg, texts)
    for name, value in lists.items():
        node, attr = _list_field(out, name)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            raise ConfigError(name, f"must be a list of numbers, got {value!r}")
        current = getattr(node, attr)
        setattr(node, attr, [type(current[0])(v) for v in value] if current else list(value))
    return set_parameters(out, {k: v for k, v in values.items() if k not in texts and k not in lists})


def plan_lines(values: dict) -> list[str]:
    """A plan file's `key: value` lines (numbers, text, lists of numbers), as
    apply_calibration(what="plan") reads them back."""
    def text(v):
        if isinstance(v, (list, tuple)):
            return f"[{', '.join(str(x) for x in v)}]"
        return f"{v:.6g}" if isinstance(v, float) else str(v)
    return [f"{k}: {text(v)}" for k, v in values.items()]


def _list_field(cfg, name: str):
    return _walk(cfg, name, name, list, "is not a list key of the configuration")


def flat_params(params: dict, prefix: str = "") -> dict:
    """{'message.interest': [..]} from that form or from nested tables ({'message': {'interest': [..]}},
    what `+calibrate.params.message.interest=[0.3,0.9]` gives); a later entry wins."""
    out = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        out.update(flat_params(value, name + ".") if isinstance(value, dict) else {name: value})
    return out


def check_priors(cfg: Config, params: dict, where: str = "calibrate.params") -> list[Prior]:
    """Uniform priors {key: [low, high]}: known numeric keys, low < high, both ends valid;
    `where` names the configuration entry in errors."""
    params = flat_params(params)
    if not params:
        raise ConfigError(where, "is empty: give at least one parameter and its [low, high] prior")
    priors = []
    for name, bounds in params.items():
        key = f"{where}.{name}"
        _field(cfg, name, where)
        if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
            raise ConfigError(key, f"must be a prior [low, high], got {bounds!r}")
        try:
            low, high = float(bounds[0]), float(bounds[1])
        except (TypeError, ValueError):
            raise ConfigError(key, f"must be a prior [low, high] of numbers, got {bounds!r}") from None
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ConfigError(key, f"needs low < high (finite), got [{bounds[0]}, {bounds[1]}]")
        for end in (low, high):
            try:
                validate(set_parameters(cfg, {name: end}))
            except ConfigError as err:
                raise ConfigError(key, f"the prior's end {end:g} is not a valid value ({err})") from None
        priors.append(Prior(name, low, high))
    return priors


def weighted_interval(values, weights, level: float = 0.9) -> tuple[float, float]:
    """The central `level` interval of weighted draws (posterior particles): their weighted
    (1 - level) / 2 and (1 + level) / 2 quantiles."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64)[order])
    cumulative /= cumulative[-1]
    tail = (1.0 - level) / 2.0
    at = np.minimum(np.searchsorted(cumulative, [tail, 1.0 - tail]), values.size - 1)
    return float(values[order][at[0]]), float(values[order][at[1]])


def observed_totals(export: AnalyticsExport) -> dict[str, np.ndarray]:
    """Running totals per period of each measured metric (a period not measured: nan)."""
    return {m: _running(v) for m, v in export.counts.items()}


def _running(per_period: np.ndarray) -> np.ndarray:
    out = np.cumsum(np.nan_to_num(per_period))
    return np.where(np.isnan(per_period), np.nan, out)


def simulated_totals(result, periods: list[int], metrics) -> dict[str, np.ndarray]:
    """The same running totals from a simulation (replicate mean), at the ends of the periods:
    `periods[k]` is the last simulated hour of period k."""
    from .metrics import CURVES, FLOWS
    out = {}
    total = len(result.messages)                      # the 'all messages' row
    for m in metrics:
        kind, column = SIMULATED[m]
        table, names = (result.flows, FLOWS) if kind == "flow" else (result.curves, CURVES)
        cumulative = table[:, total, :, names.index(column)].mean(axis=0)      # both are running totals
        out[m] = cumulative[np.asarray(periods)]
    return out


def distance(simulated: dict, observed: dict) -> float:
    """Mean squared difference of running totals, each metric over its observed final total."""
    terms = []
    for m, obs in observed.items():
        ok = ~np.isnan(obs)
        scale = max(float(obs[ok][-1]), 1.0) if ok.any() else 1.0
        terms.append(np.mean(((simulated[m][ok] - obs[ok]) / scale) ** 2))
    return float(np.mean(terms))


def period_ends(cfg: Config, export: AnalyticsExport) -> list[int]:
    """The last simulated hour of each observed period; the periods must lie inside the run."""
    from datetime import timedelta

    from .calendar import horizon, start_of
    start, hours = start_of(cfg), horizon(cfg)
    if export.period == "hour" and isinstance(export.index[0], int):
        ends = list(export.index)
    else:
        step = timedelta(hours=1 if export.period == "hour" else 24)
        ends = [int((moment + step - start) / timedelta(hours=1)) - 1 for moment in export.index]
    if ends[0] < 0 or ends[-1] >= hours:
        raise ConfigError("observed", f"{export.path}: its periods run from hour {ends[0]:,} to {ends[-1]:,} of the "
                          f"campaign, outside the run (from {start:%Y-%m-%d %H:%M} for {hours:,} hours: "
                          "timing.start, run.days)")
    return ends


def abc_model(cfg: Config, world, priors: list[Prior], ends: list[int], metrics):
    """pyabc's model: a particle's parameters -> the simulated running totals. Each call is
    a fresh replicate (its own random stream) of one simulation on the shared world (a model
    per call, on the state arrays of the one before)."""
    import itertools

    from .model import InfluenceModel
    from .results import simulate
    calls, cache, retuned, spare = itertools.count(), {}, Retuned(cfg), None

    def model(particle):
        nonlocal spare
        c = retuned({p.name: float(particle[p.label]) for p in priors})
        c.run.replicates, c.run.seed = 1, cfg.run.seed * 1_000_003 + next(calls)
        m = InfluenceModel(c, world=world, cache=cache, state=spare)
        try:
            result = simulate(c, model=m, progress=lambda line: None, attribution=False)
        finally:
            spare = m.state                 # the next particle's model reuses the state arrays
            m.release()
        return simulated_totals(result, ends, metrics)
    return model


class _Progress(logging.Handler):
    """Turns pyabc's log lines (`t: 2, eps: ...`, `Accepted: 100 / 380 = ...`) into one
    progress line per generation: epsilon, acceptance, simulations, elapsed, time left."""

    def __init__(self, log, done: int, generations: int, population_size: int):
        super().__init__(logging.INFO)
        import time
        self.clock, self.start = time.perf_counter, time.perf_counter()
        self.log, self.done, self.generations, self.size = log, done, generations, population_size
        self.t, self.eps = done, math.nan

    def restart(self, done: int) -> None:
        self.done, self.t, self.start = done, done, self.clock()

    def emit(self, record):
        text = record.getMessage()
        if text.startswith("t: ") and ", eps: " in text:
            self.t = int(text[3:text.index(",")])
            self.eps = float(text.split("eps: ")[1].rstrip("."))
        elif text.startswith("Accepted: "):
            samples = int(text.split("/")[1].split("=")[0])
            finished = self.t + 1 - self.done
            elapsed = self.clock() - self.start
            left = elapsed / max(finished, 1) * (self.generations - self.t - 1)
            self.log(f"generation {self.t + 1}/{self.generations}: epsilon {self.eps:.4g}, acceptance "
                     f"{self.size / max(samples, 1):.1%} ({samples:,} simulations), {elapsed:.0f} s elapsed, "
                     f"~{left:.0f} s to go")


def run_abc(cfg: Config, export: AnalyticsExport, priors: list[Prior], db: str, population_size: int,
            generations: int, log=lambda line: None):
    """ABC-SMC until `generations` populations exist in the history `db` (a new file, or the
    history of an interrupted run, which is continued); returns pyabc's History."""
    import os

    import pyabc

    from .population import build_world
    ends = period_ends(cfg, export)
    observed = observed_totals(export)
    prior = pyabc.Distribution(**{p.label: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors})
    model = abc_model(cfg, build_world(cfg), priors, ends, list(observed))
    abc = pyabc.ABCSMC(model, prior, lambda x, x0: distance(x, x0), population_size=population_size,
                       sampler=pyabc.sampler.SingleCoreSampler())
    url = "sqlite:///" + os.path.abspath(db)
    logger = logging.getLogger("ABC")                    # pyabc's lines feed our progress line only
    saved = logger.handlers[:], logger.propagate, logger.level
    logger.handlers, logger.propagate = [_Progress(log, 0, generations, population_size)], False
    logger.setLevel(logging.INFO)
    try:
        done = 0
        if os.path.exists(db) and os.path.getsize(db) > 0:
            history = pyabc.History(url)
            done = 0 if history.max_t is None or history.max_t < 0 else history.max_t + 1
            abc.load(url, 1)
            log(f"resuming {db}: {done} of {generations} generations already done")
        else:
            abc.new(url, observed)
        logger.handlers[0].restart(done)
        if done < generations:
            # pyabc draws particles from NumPy's global generator: seeded by run.seed (and the
            # generations already done), the same command calibrates to the same posterior
            np.random.seed((cfg.run.seed * 1_000_003 + done) % 2**32)
            abc.run(max_nr_populations=generations - done)
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])
    return pyabc.History(url)


def apply_calibration(cfg: Config, path: str, what: str = "calibration") -> Config:
    """`calibration=calibrated.yaml` (written by sim.calibrate) or `plan=best_plan.yaml`
    (sim.optimize): its dotted keys replace the configuration's values."""
    from pathlib import Path

    import yaml

    from .errors import DataError
    file = Path(path)
    if not file.is_file():
        raise DataError(f"{what} file not found: {file}")
    try:
        values = yaml.safe_load(file.read_text())
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise DataError(f"{what} file {file} is not YAML ({str(err).splitlines()[0]})") from None
    if not isinstance(values, dict) or not values:
        raise DataError(f"{what} file {file} must map configuration keys to values "
                        "(message.interest: 0.52, ...)")
    plan = what == "plan"                 # a plan may also set text keys and lists of numbers
    for name, value in values.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number and not (plan and isinstance(value, (str, list))):
            kinds = "a number, a text or a list of numbers" if plan else "a number"
            raise DataError(f"{what} file {file}: {name} must be {kinds}, got {value!r}")
    try:
        return set_values(cfg, values)
    except ConfigError as err:
        raise DataError(f"{what} file {file}: {err.key.removeprefix('calibrate.params.')} {err.problem}") from None
