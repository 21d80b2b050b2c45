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
        if subdir_template != "${hydra.job.override_dirname}":
            cfg = self.hydra_context.config_loader.load_sweep_config(self.config, list(overrides))
            return Path(str(cfg.hydra.sweep.dir)) / str(cfg.hydra.sweep.subdir)
        name = get_overrides_dirname(parser.parse_overrides(list(overrides)), list(job_cfg.exclude_keys),
                                     job_cfg.item_sep, job_cfg.kv_sep)
        return Path(str(self.config.hydra.sweep.dir)) / name

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
        from sim.collect import collect
        from sim.jobs import ERROR, is_complete, write_error
        from sim.sweep import Progress, warm_numba_cache
        params = self._parse_config() + list(arguments)
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        jobs = [job for batch in self.split_arguments(parser.parse_overrides(params), None) for job in batch]
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")

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
        log.info(f"[sweep] {len(jobs)} jobs in {sweep_dir}: {skipped} already complete, {len(todo)} to run")
        if todo:
            log.info(f"[sweep] numba kernels ready in {warm_numba_cache():.1f} s (compiled or loaded once, "
                     "shared with the workers through the on-disk cache)")
        progress = Progress(sweep_dir, [d for _, d in todo], len(jobs), skipped)
        progress.start()
        size = self.max_batch_size or max(len(todo), 1)
        index = 0
        try:
            for start in range(0, len(todo), size):
                batch = todo[start:start + size]
                results = self._launch(batch, index)
                for (job, job_dir), ret in zip(batch, results):
                    if ret is not None and ret.status == JobStatus.FAILED and not (job_dir / ERROR).exists():
                        write_error(job_dir, ret._return_value, overrides=list(job))
                index += len(batch)
        finally:
            progress.stop()
        table = collect(sweep_dir, job_dirs=job_dirs)
        failed = [d for d in job_dirs if not is_complete(d)]
        log.info(f"[sweep] results: {sweep_dir / 'sweep.csv'} ({len(table)} rows), {sweep_dir / 'sweep.parquet'}")
        if len(table) and (table.status == "done").any():
            try:
                from sim.report import build_report
                _, files = build_report(sweep_dir)
                print(f"influsim: report: {files['html']}")
            except Exception as err:          # a report problem must not lose the sweep's table
                log.error(f"[sweep] the report failed: {type(err).__name__}: {err}")
        if failed:
            print(f"influsim: {len(failed)} of {len(jobs)} jobs failed (errors in {sweep_dir / 'sweep.csv'}); "
                  "rerun the same command to retry only those", file=sys.stderr)
            sys.exit(1)
        return []
