"""Interruptions, shared folders and faults end cleanly: one line, the right exit code,
no half-written or mixed results, and the next command picks up where this one stopped."""
import errno
import json
import shutil
import os
import pickle
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sim.results
import sim.run

from .conftest import ROOT, run_cli

QUICK = ["population=small", "run.replicates=2", "run.hours=24", "run.report=false", "run.influencers=false"]


def main_exit(argv, capsys):
    """Run sim.run.main in-process; its exit code and standard error."""
    code = 0
    try:
        sim.run.main(argv)
    except SystemExit as stop:
        code = stop.code
    return code, capsys.readouterr().err


def one_line(stderr: str, text: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0] and "Traceback" not in stderr, stderr[-2000:]


def test_a_second_writer_is_refused_while_the_first_is_alive(tmp_path, capsys):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = tmp_path / "run"
        folder.mkdir()
        (folder / ".influsim.lock").write_text(f"{holder.pid}\n")
        code, err = main_exit([*QUICK, f"hydra.run.dir={folder}"], capsys)
        assert code == 2
        one_line(err, f"is being written by another influsim run (pid {holder.pid})")
        assert not (folder / "summary.json").exists()
    finally:
        holder.kill()
        holder.wait()
    code, err = main_exit([*QUICK, f"hydra.run.dir={folder}"], capsys)     # a dead holder's lock is taken over
    assert code == 0 and (folder / "done.json").exists() and not (folder / ".influsim.lock").exists()


def test_a_finished_folder_is_refused_or_replaced_whole_never_mixed(tmp_path, capsys):
    folder = tmp_path / "run"
    assert main_exit([*QUICK, "run.influencers=true", f"hydra.run.dir={folder}"], capsys)[0] == 0
    assert (folder / "influencers.csv").exists()
    code, err = main_exit([*QUICK, "run.seed=1", f"hydra.run.dir={folder}"], capsys)
    assert code == 2
    one_line(err, "already holds a finished run")
    assert json.loads((folder / "summary.json").read_text())["seed"] == 0            # untouched
    (folder / ".summary.json.x1y2.tmp").write_text("{half")                         # as a killed write leaves
    code, _ = main_exit([*QUICK, "run.seed=1", "run.overwrite=true", f"hydra.run.dir={folder}"], capsys)
    assert code == 0
    assert json.loads((folder / "summary.json").read_text())["seed"] == 1
    assert "run.seed=1" in json.loads((folder / "done.json").read_text())["overrides"]
    assert not (folder / "influencers.csv").exists()       # the first run's file is gone with it
    assert not list(folder.glob(".*.tmp"))


def test_an_unfinished_folder_is_cleared_before_the_next_run(tmp_path, capsys):
    folder = tmp_path / "run"
    assert main_exit([*QUICK, "run.influencers=true", f"hydra.run.dir={folder}"], capsys)[0] == 0
    (folder / "done.json").unlink()                        # as if killed before the end
    assert main_exit([*QUICK, "run.seed=1", f"hydra.run.dir={folder}"], capsys)[0] == 0
    assert json.loads((folder / "summary.json").read_text())["seed"] == 1
    assert not (folder / "influencers.csv").exists()


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS])
def test_a_full_disk_or_read_only_output_is_one_line(tmp_path, capsys, monkeypatch, err):
    def no_room(path, write):
        raise OSError(err, os.strerror(err), str(path))
    monkeypatch.setattr(sim.results, "write_atomic", no_room)
    code, stderr = main_exit([*QUICK, f"hydra.run.dir={tmp_path / 'run'}"], capsys)
    assert code == 2
    one_line(stderr, f"cannot write {tmp_path / 'run'}")
    assert os.strerror(err) in stderr


def test_a_full_disk_stops_a_sweep_with_one_line(tmp_path, capsys, monkeypatch):
    def no_room(path, write):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    monkeypatch.setattr(sim.results, "write_atomic", no_room)
    code, stderr = main_exit(["-m", *QUICK, "run.seed=0,1", f"hydra.sweep.dir={tmp_path / 'sweep'}"], capsys)
    assert code == 2
    one_line(stderr, "No space left on device")


def test_result_files_follow_the_umask(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "sim.run", *QUICK, f"hydra.run.dir={out}"], cwd=ROOT,
                          capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022), timeout=300)
    assert proc.returncode == 0, proc.stderr
    files = [p for p in out.iterdir() if p.is_file()]
    assert len(files) >= 5
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {oct(0o644)}


# ---------------------------------------------------------------- slow: real signals, a real numba cache
def wait_for(condition, seconds: float) -> None:
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        time.sleep(0.05)


def sweep_args(sweep_dir, seeds: int, replicates: int) -> list[str]:
    """A basic-launcher sweep over `seeds` worlds whose jobs take a second or so each."""
    return ["-m", "population=small", f"run.replicates={replicates}", "run.hours=168", "run.report=false",
            "run.influencers=false", "run.seed=" + ",".join(map(str, range(seeds))), f"hydra.sweep.dir={sweep_dir}"]


def _start(args, tmp_path):
    """sim.run in its own process, SIGINT at its default as in a terminal (a test runner
    started in the background may have it ignored, and children inherit that)."""
    return subprocess.Popen([sys.executable, "-m", "sim.run", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_ends_with_one_line(tmp_path, sig, code):
    folder = tmp_path / "run"
    proc = _start(["population=small", "run.replicates=400", "run.hours=168", "run.report=false",
                   f"hydra.run.dir={folder}"], tmp_path)
    wait_for(lambda: (folder / ".influsim.lock").exists(), 120)
    time.sleep(2.0)                                        # well inside the replicates
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err[-2000:]
    one_line(err, "interrupted")
    assert not (folder / "done.json").exists() and not (folder / ".influsim.lock").exists()
    assert not list(folder.glob(".*.tmp"))


@pytest.mark.slow
def test_an_interrupted_sweep_ends_with_one_line_and_resumes(tmp_path):
    sweep_dir = tmp_path / "sweep"
    args = sweep_args(sweep_dir, seeds=6, replicates=300)        # about 1 s a job: the signal lands mid-sweep
    proc = _start(args, tmp_path)
    wait_for(lambda: len(list(sweep_dir.glob("*/done.json"))) >= 2, 300)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out[-1000:] + err[-2000:]
    one_line(err, "interrupted; rerun the same command to resume")
    finished = len(list(sweep_dir.glob("*/done.json")))
    assert 2 <= finished < 6 and not (sweep_dir / ".influsim.lock").exists()
    again = run_cli(*args)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{finished} already complete" in again.stdout + again.stderr
    assert len(list(sweep_dir.glob("*/done.json"))) == 6


def _warm_copy_of_the_cache(cache: Path) -> None:
    """The numba cache beside the sources (warm when other tests ran) copied where numba looks
    under NUMBA_CACHE_DIR=cache, so the first run need not compile everything again."""
    from numba.core.caching import _CacheLocator
    for source in sorted((ROOT / "sim").rglob("__pycache__")):
        files = [p for p in source.iterdir() if p.suffix in (".nbi", ".nbc")]
        if files:
            target = cache / _CacheLocator.get_suitable_cache_subpath(str(source.parent / "x.py"))
            target.mkdir(parents=True, exist_ok=True)
            for path in files:
                shutil.copy2(path, target / path.name)


@pytest.mark.slow
def test_a_corrupt_numba_cache_is_cleared_and_rebuilt(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    _warm_copy_of_the_cache(tmp_path / "cache")
    first = run_cli(*QUICK, f"hydra.run.dir={tmp_path / 'a'}", env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    index = sorted((tmp_path / "cache").rglob("kernels.clear_records*.nbi"))
    assert index, "the kernels were not cached"
    entries = sorted((tmp_path / "cache").rglob("kernels.clear_records*"))
    index[0].write_bytes(index[0].read_bytes()[:20])       # truncated, as a killed write would leave it
    second = run_cli(*QUICK, f"hydra.run.dir={tmp_path / 'b'}", env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "is corrupt" in second.stderr and "cache entries cleared" in second.stderr
    assert sorted((tmp_path / "cache").rglob("kernels.clear_records*")) == entries    # compiled and cached again
    assert len(index[0].read_bytes()) > 20                                           # whole again
    same = [json.loads((tmp_path / d / "summary.json").read_text())["metrics"] for d in ("a", "b")]
    assert same[0] == same[1]


@pytest.mark.slow
def test_the_same_sweep_started_twice_runs_once(tmp_path):
    sweep_dir = tmp_path / "sweep"
    args = sweep_args(sweep_dir, seeds=6, replicates=200)
    first = _start(args, tmp_path)
    wait_for(lambda: (sweep_dir / ".influsim.lock").exists(), 120)
    second = run_cli(*args)
    assert second.returncode == 2
    one_line(second.stderr, f"{sweep_dir} is being written by another influsim sweep (pid {first.pid})")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err[-2000:]
    assert len(list(sweep_dir.glob("*/done.json"))) == 6


def test_flags_may_follow_the_overrides(capsys):
    """`python -m sim.run run.seed=3 --cfg job` prints the composed job configuration."""
    try:
        sim.run.main(["run.seed=3", "population=small", "--cfg", "job"])
    except SystemExit as stop:
        assert stop.code in (0, None)
    out = capsys.readouterr().out
    assert "seed: 3" in out and "consumers: 2000" in out


@pytest.mark.slow
def test_a_sweep_over_file_paths_keeps_one_folder_per_job_and_honours_report_false(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("a.txt", "b.txt"):
        (data / name).write_text("".join(f"{i} {(i * 7 + 3) % 40}\n" for i in range(40)))
    sweep_dir = tmp_path / "sweep"
    proc = run_cli("-m", *QUICK[:-2], "run.report=false", "network=edgelist", "population.bloggers=2",
                   f"network.path={data / 'a.txt'},{data / 'b.txt'}", f"hydra.sweep.dir={sweep_dir}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    jobs = [p for p in sweep_dir.iterdir() if p.is_dir()]
    assert len(jobs) == 2 and all((job / "done.json").exists() for job in jobs)      # flat, not nested
    assert not (sweep_dir / "report.html").exists()


def test_a_cache_file_broken_after_a_check_is_found_by_the_next_one(tmp_path, monkeypatch):
    """One process runs many commands (the tests, a notebook): files read whole once are not
    read again, but a file written since (another size or time) is."""
    from sim import numba_cache
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(numba_cache, "_sound", {})
    entry = tmp_path / "kernels.clear_records-1.py311"
    index, data = Path(f"{entry}.nbi"), Path(f"{entry}.1.nbc")
    index.write_bytes(pickle.dumps("numba version") + pickle.dumps({"overloads": 1}))
    data.write_bytes(pickle.dumps({"code": b"x" * 100}))
    assert numba_cache.repair() == [] and index.exists() and data.exists()
    assert numba_cache.repair() == []
    data.write_bytes(data.read_bytes()[:20])                # truncated after the first check
    assert numba_cache.repair() == [data] and not index.exists() and not data.exists()
