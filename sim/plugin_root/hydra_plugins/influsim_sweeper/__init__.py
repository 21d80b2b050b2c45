"""The influsim sweeper (`hydra/sweeper=influsim`): see `sim.sweep` for what it adds to
Hydra's basic sweeper (resume, failure tolerance, progress, warm numba cache, collect)."""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

from hydra._internal.config_loader_impl import get_overrides_dirname
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.utils import JobStatus
from omegaconf import OmegaConf

log = logging.getLogger("sim.sweep")


def folder_name(override_dirname: str) -> str:
    """A job's folder name: its overrides, with path separators of values (network.path=a/b)
    made harmless so every job is one folder of the sweep (also the `influsim_folder` resolver)."""
    return override_dirname.replace("/", "_").replace("\\", "_") or "default"


OmegaConf.register_new_resolver("influsim_folder", folder_name, replace=True)


@dataclass
class InflusimSweeperConf:
    _target_: str = "hydra_plugins.influsim_sweeper.InflusimSweeper"
    max_batch_size: Optional[int] = None
    params: Optional[Dict[str, str]] = None


ConfigStore.instance().store(group="hydra/sweeper", name="influsim", node=InflusimSweeperConf,
                             provider="influsim")


class InflusimSweeper(BasicSweeper):
    def _job_dir(self, overrides) -> Path:
        """The job's folder, as Hydra will name it (hydra.job.override_dirname), without composing."""
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        job_cfg = self.config.hydra.job.config.override_dirname
        subdir_template = str(OmegaConf.to_container(self.config.hydra.sweep, resolve=False)["subdir"])
        if subdir_template != "${influsim_folder:${hydra.job.override_dirname}}":
            cfg = self.hydra_context.config_loader.load_sweep_config(self.config, list(overrides))
            return Path(str(cfg.hydra.sweep.dir)) / str(cfg.hydra.sweep.subdir)
        name = get_overrides_dirname(parser.parse_overrides(list(overrides)), list(job_cfg.exclude_keys),
                                     job_cfg.item_sep, job_cfg.kv_sep)
        return Path(str(self.config.hydra.sweep.dir)) / folder_name(name)

    def _launch(self, batch, index):
        """Launch a batch; if the launcher itself fails, run its jobs one by one to isolate the culprit."""
        from sim.jobs import is_complete, write_error
        try:
            return self.launcher.launch([job for job, _ in batch], initial_job_idx=index)
        except Exception as err:
            if len(batch) == 1:
                log.error(f"[sweep] job {batch[0][1].name} failed to run: {err}")
                if not is_complete(batch[0][1]):
                    write_error(batch[0][1], err, overrides=list(batch[0][0]), keep_existing=True)
                return [None]
            log.error(f"[sweep] a batch of {len(batch)} jobs failed to run ({err}); retrying them one by one")
            return [self._launch([item], index + k)[0] if not is_complete(item[1]) else None
                    for k, item in enumerate(batch)]

    def sweep(self, arguments):
        """Run the sweep's jobs (those not complete yet) while holding the sweep folder's lock;
        a second command on the same folder, or an output that cannot be written, ends with
        one line and exit code 2."""
        from sim.errors import OutputError, output_problem
        from sim.folders import claim
        params = self._parse_config() + list(arguments)
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        jobs = [job for batch in self.split_arguments(parser.parse_overrides(params), None) for job in batch]
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        try:
            with claim(sweep_dir, "sweep"):
                OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
                self._run_jobs(jobs, sweep_dir)
        except OutputError as err:
            print(f"influsim: error: {err}", file=sys.stderr)
            sys.exit(2)
        except OSError as err:
            if output_problem(err) is None:
                raise
            print(f"influsim: error: {output_problem(err)}", file=sys.stderr)
            sys.exit(2)
        return []

    def _plan(self, jobs, sweep_dir: Path):
        """(job, folder) pairs still to run, every job's folder, and how many are complete."""
        from sim.jobs import ERROR, is_complete, write_error
        todo, job_dirs, skipped = [], [], 0
        for job in jobs:
            try:
                job_dir = self._job_dir(job)
            except Exception as err:      # this combination cannot even be parsed
                job_dir = sweep_dir / ",".join(sorted(job))
                write_error(job_dir, err, overrides=list(job))
                job_dirs.append(job_dir)
                continue
            job_dirs.append(job_dir)
            if is_complete(job_dir):
                skipped += 1
                continue
            (job_dir / ERROR).unlink(missing_ok=True)      # a failure from an earlier run is retried
            todo.append((job, job_dir))
        return todo, job_dirs, skipped

    def _run_jobs(self, jobs, sweep_dir: Path):
        from sim.collect import collect
        from sim.errors import output_problem
        from sim.jobs import ERROR, is_complete, write_error
        from sim.sweep import Progress, warm_numba_cache
        todo, job_dirs, skipped = self._plan(jobs, sweep_dir)
        log.info(f"[sweep] {len(jobs)} jobs in {sweep_dir}: {skipped} already complete, {len(todo)} to run")
        if todo:
            log.info(f"[sweep] numba kernels ready in {warm_numba_cache():.1f} s (compiled or loaded once, "
                     "shared with the workers through the on-disk cache)")
        progress = Progress(sweep_dir, [d for _, d in todo], len(jobs), skipped)
        progress.start()
        size = self.max_batch_size or max(len(todo), 1)
        try:
            for start in range(0, len(todo), size):
                batch = todo[start:start + size]
                for (job, job_dir), ret in zip(batch, self._launch(batch, start)):
                    failure = ret._return_value if ret is not None and ret.status == JobStatus.FAILED else None
                    if isinstance(failure, OSError) and output_problem(failure):
                        raise failure                       # a full disk: no point in the other jobs
                    if failure is not None and not (job_dir / ERROR).exists():
                        write_error(job_dir, failure, overrides=list(job))
        finally:
            progress.stop()
        table = collect(sweep_dir, job_dirs=job_dirs)
        failed = [d for d in job_dirs if not is_complete(d)]
        log.info(f"[sweep] results: {sweep_dir / 'sweep.csv'} ({len(table)} rows), {sweep_dir / 'sweep.parquet'}")
        ran = len(table) and (table.status == "done").any() and table.filter(like="_mean").notna().any().any()
        if self.config.run.get("report", True) and ran:     # sim.optimize's helpers have no metrics to report
            self._report(sweep_dir)
        if failed:
            print(f"influsim: {len(failed)} of {len(jobs)} jobs failed (errors in {sweep_dir / 'sweep.csv'}); "
                  "rerun the same command to retry only those", file=sys.stderr)
            sys.exit(1)

    def _report(self, sweep_dir: Path) -> None:
        try:
            from sim.report import build_report
            _, files = build_report(sweep_dir)
            print(f"influsim: report: {files['html']}")
        except Exception as err:          # a report problem must not lose the sweep's table
            log.error(f"[sweep] the report failed: {type(err).__name__}: {err}")
