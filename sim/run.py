"""Command line: `python -m sim.run [overrides]` (or `influsim-run`).

A thin Hydra layer: compose the config, turn it into the typed `Config`, validate it,
then call the plain function `run_scenario`. Bad values and bad input files end the
run with exit code 2 and a one-line message naming the key or the file and line.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from .command_line import CONFIG_DIR, explicit_run_dir, fail, order_arguments, precheck, to_config
from .config import Config
from .errors import ConfigError, DataError, OutputError, output_problem
from .folders import check_run_folder, claim, clear_results
from .formats import counted
from .jobs import is_complete, write_done, write_error
from .numba_cache import repair as repair_numba_cache

log = logging.getLogger("sim")
__all__ = ["CONFIG_DIR", "fail", "main", "precheck", "run_scenario", "stable_sweep_dir", "to_config"]



def run_scenario(cfg: Config, outdir: str | Path, progress=None, extras: bool = True) -> dict:
    """Simulate `cfg` (or each scenario of `cfg.comparison`) and write the result files;
    with `extras`, also influencers.csv and the report when the run config asks for them."""
    from .model import InfluenceModel
    outdir = Path(outdir)
    if cfg.comparison:
        from .compare import run_comparison
        out = run_comparison(cfg, outdir)
        t = out["table"].sort_values("useful_reach_mean", ascending=False)
        several = cfg.run.replicates >= 2                # one replicate: means only, no interval
        lines = [f"{r.scenario:>22}: useful reach {r.useful_reach_mean:9,.0f}"
                 + (f" [{r.useful_reach_ci95_low:,.0f}, {r.useful_reach_ci95_high:,.0f}]" if several else "")
                 + f", spent {r.spent_mean:9,.2f}" for r in t.itertuples()]
        out = {"headline": "scenarios by useful reach:\n" + "\n".join(lines), "files": out["files"]}
    else:
        from .population import build_world
        from .headlines import run_headline
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
        s = summary(result)
        out = {"headline": _headline(s), "answer": run_headline(s),
               "files": write_outputs(result, outdir, plot=cfg.run.plot)}
        timings["write"] = time.perf_counter() - clock
    if extras and cfg.run.influencers:
        from .influencers import influence_table
        from .results import write_atomic
        clock = time.perf_counter()
        table = influence_table(cfg, None if cfg.comparison else model, top=100, rows=100)
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
    from .headlines import NO_INTERVALS
    m, several = s["metrics"], s["replicates"] >= 2

    def fmt(name):
        v = m[name]
        return f"{v['mean']:,.0f} [{v['ci95'][0]:,.0f}, {v['ci95'][1]:,.0f}]" if several else f"{v['mean']:,.0f}"
    return (f"reach {fmt('reach')}, useful reach {fmt('useful_reach')}, relays {fmt('relays')}, "
            f"adoptions {fmt('adoptions')} (" + (f"mean [95% interval], {counted(s['replicates'], 'replicate')})"
                                                 if several else f"{NO_INTERVALS})"))


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
        with claim(outdir):
            check_run_folder(outdir, cfg.run.overwrite)
            clear_results(outdir)
            _single_run(cfg, outdir, hydra_cfg.overrides.task)
    except (ConfigError, DataError, OutputError) as err:
        fail(str(err))
    except OSError as err:
        fail(output_problem(err) or f"{type(err).__name__}: {err}")


def _single_run(cfg: Config, outdir: Path, overrides) -> None:
    start = time.perf_counter()
    out = run_scenario(cfg, outdir)
    log.info(out["headline"])
    log.info(f"simulated in {time.perf_counter() - start:.1f} s")
    clock = time.perf_counter()
    report = write_report(outdir) if cfg.run.report else None
    if report:
        log.info(f"time: report {time.perf_counter() - clock:.1f} s")
    write_done(outdir, out["files"].values(), overrides, time.perf_counter() - start)
    if out.get("answer"):
        print(out["answer"])
    print(f"influsim: results in {outdir}: " + ", ".join(p.name for p in out["files"].values()))
    if report:
        print(f"influsim: report: {report}")


def _sweep_job(dcfg: DictConfig, outdir: Path, overrides: list[str], hydra_cfg) -> None:
    """One job of a sweep: skip it if complete, record any error instead of exiting."""
    if is_complete(outdir):
        log.info(f"{outdir.name}: already complete, skipped")
        return
    _limit_threads(hydra_cfg)
    if multiprocessing.parent_process() is not None:       # a worker: Ctrl-C is the parent's to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    clear_results(outdir)                                   # what a killed earlier attempt left
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


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that everything is cleaned up as for Ctrl-C."""


def _terminate(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> None:
    """`python -m sim.run [overrides]`; `argv` (default: the command line's) lets tests run it in-process."""
    argv = order_arguments(sys.argv[1:] if argv is None else list(argv))
    repair_numba_cache()
    cfg = precheck(argv)
    multirun = any(a in ("-m", "--multirun") for a in argv)
    run_dir = explicit_run_dir(argv)
    if cfg is not None and not multirun and run_dir is not None:
        try:
            check_run_folder(run_dir, cfg.run.overwrite)
        except OutputError as err:
            fail(str(err))
    sys.argv = sys.argv[:1] + stable_sweep_dir(argv)
    previous = signal.signal(signal.SIGTERM, _terminate) if threading.current_thread() is threading.main_thread() \
        else None
    try:
        _task()
    except (KeyboardInterrupt, Terminated) as stop:
        code = 143 if isinstance(stop, Terminated) else 130
        what = "rerun the same command to resume" if multirun else "the run's folder is incomplete (no done.json)"
        print(f"influsim: interrupted; {what}", file=sys.stderr)
        sys.exit(code)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    main()
