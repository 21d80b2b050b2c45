"""Command line: `python -m sim.run [overrides]` (or `influsim-run`).

A thin Hydra layer: compose the config, turn it into the typed `Config`, validate it,
then call the plain function `run_scenario`. Bad values and bad input files end the
run with exit code 2 and a one-line message naming the key or the file and line.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
from pathlib import Path

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from . import sweep  # noqa: F401  (registers hydra/sweeper=influsim)
from .checks import validate
from .config import Config
from .errors import ConfigError
from .jobs import is_complete, write_done, write_error
from .errors import DataError

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "configs")
EXIT_BAD_INPUT = 2
log = logging.getLogger("sim")

ConfigStore.instance().store(name="config_schema", node=Config)


def fail(message: str) -> None:
    print(f"influsim: error: {message}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def to_config(dcfg: DictConfig) -> Config:
    """Hydra's DictConfig (without the hydra node) -> the typed, validated Config."""
    plain = OmegaConf.to_object(OmegaConf.masked_copy(dcfg, list(Config.__dataclass_fields__)))
    cfg = Config(**plain) if isinstance(plain, dict) else plain
    return validate(cfg)


def run_scenario(cfg: Config, outdir: str | Path, progress=None, extras: bool = True) -> dict:
    """Simulate `cfg` (or each scenario of `cfg.comparison`) and write the result files;
    with `extras`, also influencers.csv and the report when the run config asks for them."""
    from .model import InfluenceModel
    outdir = Path(outdir)
    if cfg.comparison:
        from .compare import run_comparison
        out = run_comparison(cfg, outdir)
        t = out["table"].sort_values("useful_reach_mean", ascending=False)
        lines = [f"{r.scenario:>22}: useful reach {r.useful_reach_mean:9,.0f} "
                 f"[{r.useful_reach_ci95_low:,.0f}, {r.useful_reach_ci95_high:,.0f}], "
                 f"spent {r.spent_mean:9,.2f}" for r in t.itertuples()]
        out = {"headline": "scenarios by useful reach:\n" + "\n".join(lines), "files": out["files"]}
    else:
        from .population import build_world
        from .results import simulate, summary, write_outputs
        clock = time.perf_counter()
        world = build_world(cfg)
        timings = {"world": time.perf_counter() - clock}
        clock = time.perf_counter()
        model = InfluenceModel(cfg, world=world)
        timings["model"] = time.perf_counter() - clock
        clock = time.perf_counter()
        result = simulate(cfg, model=model, progress=progress)
        timings["simulate"] = time.perf_counter() - clock
        clock = time.perf_counter()
        out = {"headline": _headline(summary(result)), "files": write_outputs(result, outdir, plot=cfg.run.plot)}
        timings["write"] = time.perf_counter() - clock
    if extras and cfg.run.influencers:
        from .influencers import influence_table
        from .results import write_atomic
        clock = time.perf_counter()
        table = influence_table(cfg, None if cfg.comparison else model, top=100).head(100)
        out["files"]["influencers"] = write_atomic(outdir / "influencers.csv",
                                                   lambda tmp: table.to_csv(tmp, index=False))
        if not cfg.comparison:
            timings["influencers"] = time.perf_counter() - clock
    if not cfg.comparison:
        model.release()
        log.info("time: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return out


def write_report(outdir: Path) -> Path | None:
    """The one-page report of a finished run or comparison (report.html, report.pdf, figures)."""
    from .report import build_report
    rep, files = build_report(outdir)
    return files["html"]


def _headline(s: dict) -> str:
    m = s["metrics"]

    def fmt(name):
        v = m[name]
        return f"{v['mean']:,.0f} [{v['ci95'][0]:,.0f}, {v['ci95'][1]:,.0f}]"
    return (f"reach {fmt('reach')}, useful reach {fmt('useful_reach')}, relays {fmt('relays')}, "
            f"adoptions {fmt('adoptions')} (mean [95% interval], {s['replicates']} replicates)")


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _task(dcfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)     # Mesa logs every step at INFO
    hydra_cfg = HydraConfig.get()
    outdir = Path(hydra_cfg.runtime.output_dir)
    if hydra_cfg.mode == RunMode.MULTIRUN:
        _sweep_job(dcfg, outdir, list(hydra_cfg.overrides.task), hydra_cfg)
        return
    try:
        cfg = to_config(dcfg)
        start = time.perf_counter()
        out = run_scenario(cfg, outdir)
    except (ConfigError, DataError) as err:
        fail(str(err))
    log.info(out["headline"])
    log.info(f"simulated in {time.perf_counter() - start:.1f} s")
    clock = time.perf_counter()
    report = write_report(outdir) if cfg.run.report else None
    if report:
        log.info(f"time: report {time.perf_counter() - clock:.1f} s")
    write_done(outdir, out["files"].values(), hydra_cfg.overrides.task, time.perf_counter() - start)
    print(f"influsim: results in {outdir}: " + ", ".join(p.name for p in out["files"].values()))
    if report:
        print(f"influsim: report: {report}")


def _sweep_job(dcfg: DictConfig, outdir: Path, overrides: list[str], hydra_cfg) -> None:
    """One job of a sweep: skip it if complete, record any error instead of exiting."""
    if is_complete(outdir):
        log.info(f"{outdir.name}: already complete, skipped")
        return
    _limit_threads(hydra_cfg)
    start = time.perf_counter()
    try:
        cfg = to_config(dcfg)
        out = run_scenario(cfg, outdir, progress=log.debug, extras=False)
    except Exception as err:
        write_error(outdir, err, overrides)
        log.error(f"{outdir.name}: failed: {err}")
        raise
    write_done(outdir, out["files"].values(), overrides, time.perf_counter() - start)
    log.info(f"{outdir.name}: done in {time.perf_counter() - start:.1f} s")


def _limit_threads(hydra_cfg) -> None:
    """Parallel workers share the cores: numba threads per worker = cores / workers."""
    launcher = hydra_cfg.launcher
    workers = 1
    if "joblib" in str(launcher.get("_target_", "")):
        n_jobs = int(launcher.get("n_jobs", -1) or -1)
        workers = os.cpu_count() if n_jobs < 0 else n_jobs
    import numba
    numba.set_num_threads(max(1, min(numba.config.NUMBA_NUM_THREADS, (os.cpu_count() or 1) // max(workers, 1))))


def precheck(argv: list[str]) -> None:
    """Compose the config once up front (single runs) so that unknown groups, keys and
    malformed values get a one-line error and exit code 2 instead of Hydra's report."""
    if any(a.startswith("-") for a in argv):      # --multirun, --help, --cfg ...: Hydra's own business
        return
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException
    overrides = [a for a in argv if not a.lstrip("+~").startswith("hydra")]
    try:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            to_config(compose(config_name="config", overrides=overrides))
    except ConfigError as err:
        fail(str(err))
    except (HydraException, OmegaConfBaseException, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        fail(first)


def stable_sweep_dir(argv: list[str]) -> list[str]:
    """Name the sweep folder after the command's overrides (launcher settings excluded), so
    rerunning the same sweep finds its earlier jobs: multirun/<overrides>."""
    if any(a.startswith("hydra.sweep.dir=") for a in argv):
        return argv
    task = sorted(a for a in argv if not a.startswith("-") and not a.lstrip("+~").startswith("hydra"))
    name = " ".join(task).replace("/", "_").replace(" ", "__").replace("'", "") or "default"
    if len(name) > 80:
        name = name[:60] + "-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return argv + [f"hydra.sweep.dir='multirun/{name}'"]


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.run [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    argv = sys.argv[1:] if argv is None else list(argv)
    precheck(argv)
    sys.argv = sys.argv[:1] + stable_sweep_dir(argv)
    _task()


if __name__ == "__main__":
    main()
