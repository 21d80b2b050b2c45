"""Reports: figures draw the stored data; runs, comparisons and sweeps; headless Chromium."""
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.jobs import write_done
from sim.report import build_report
from sim.run import run_scenario

from .conftest import compose_config, run_cli

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]



def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def stored_mean(series: pd.DataFrame, column: str) -> np.ndarray:
    total = series[series.message == "all"]
    return total.groupby("hour")[column].mean().to_numpy()


def stored_finals(path: Path, column: str = "useful_reach") -> np.ndarray:
    """Per-replicate values at the last hour (message 'all'), read straight from timeseries.parquet."""
    series = pd.read_parquet(path)
    last = series[(series.message == "all") & (series.hour == series.hour.max())]
    return last.sort_values("replicate")[column].to_numpy(dtype=float)


def t_ci(values) -> tuple[float, float, float]:
    values = np.asarray(values, dtype=float)
    low, high = stats.ttest_1samp(values, 0.0).confidence_interval(0.95)
    return float(values.mean()), float(low), float(high)


def test_run_report_draws_the_stored_data(tmp_path):
    cfg = compose_config("population=small", "run.replicates=4", "run.hours=72")
    run_scenario(cfg, tmp_path)
    write_done(tmp_path, [], [], 0.0)                     # as the command line does: the run is complete
    rep, files = build_report(tmp_path, partial=False)
    assert not rep.warning and not rep.headline.startswith("PARTIAL")
    series = pd.read_parquet(tmp_path / "timeseries.parquet")
    for column in ("reach", "useful_reach", "adopted"):
        assert np.allclose(rep.drawn["diffusion"][f"{column}:default"], stored_mean(series, column))
    attribution = pd.read_csv(tmp_path / "attribution.csv")
    caused = attribution[attribution.source >= 0].groupby("source").size()
    drawn = rep.drawn["network"]["caused"]
    assert all(drawn[k] == v for k, v in caused.items()) and rep.drawn["network"]["edges"] == len(attribution)
    influencers = pd.read_csv(tmp_path / "influencers.csv")
    assert rep.drawn["influencers"]["agent"] == influencers.agent.head(15).tolist()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert f"{summary['metrics']['useful_reach']['mean']:,.0f}" in rep.headline
    assert {t for t, _ in rep.missing} == {"Targeted vs mass", "Sweep heatmap", "Budget curve"}
    for name in ("diffusion", "network", "influencers"):
        assert (tmp_path / f"fig_{name}.png").stat().st_size > 10_000
        assert (tmp_path / f"fig_{name}.svg").read_text().lstrip().startswith("<?xml")
    page = (tmp_path / "report.html").read_text()
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)      # base64 may spell 'http' by chance
    assert page.count("data:image/png;base64,") == 3 and "http" not in text.split("<pre>")[0].lower()
    titles = [t for t, _ in rep.tables]
    assert len(titles) == 2 and titles[0].startswith("Top 15 accounts") and "tier" in titles[1]
    assert rep.tables[0][1]["name"].tolist() == influencers.name.head(15).tolist()
    from sim.report import CONFIG_LINES_PER_PAGE
    config_pages = -(-len(rep.config.splitlines()) // CONFIG_LINES_PER_PAGE)       # the whole configuration
    assert config_pages >= 2
    assert pdf_pages(tmp_path / "report.pdf") == 1 + 3 + 1 + 2 + config_pages   # cover, figures, KPIs, accounts, tiers


def test_a_one_replicate_report_shows_no_interval(tmp_path):
    """One replicate: the metrics table leaves the interval bounds empty (n/a in the page) and
    its title says why, instead of the mean as both bounds."""
    cfg = compose_config("population=small", "run.replicates=1", "run.hours=24", "run.influencers=false")
    run_scenario(cfg, tmp_path)
    write_done(tmp_path, [], [], 0.0)
    rep, _ = build_report(tmp_path, partial=False)
    assert rep.table[["ci95_low", "ci95_high"]].isna().all().all() and rep.table["mean"].notna().all()
    assert "one replicate: too few for intervals" in rep.table_title
    assert "one replicate: too few for an interval" in rep.headline


def test_comparison_report_headline_and_bars(tmp_path):
    cfg = compose_config("experiment=targeted_vs_mass", "population=small", "run.replicates=4", "run.hours=72")
    run_scenario(cfg, tmp_path)
    with pytest.raises(ValueError, match="has no done.json: the run did not finish"):
        build_report(tmp_path, partial=False)
    write_done(tmp_path, [], [], 0.0)
    rep, _ = build_report(tmp_path, partial=False)
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert np.allclose(rep.drawn["strategies"]["useful_reach"], table.useful_reach_mean)
    best = table.sort_values("useful_reach_mean", ascending=False).iloc[0]
    other = "mass" if best.scenario != "mass" else table.sort_values("useful_reach_mean").iloc[-2].scenario
    best_finals = stored_finals(tmp_path / best.scenario / "timeseries.parquet")
    other_finals = stored_finals(tmp_path / other / "timeseries.parquet")
    m, low, high = (np.exp(v) for v in t_ci(np.log(best_finals / other_finals)))   # geometric mean ratio
    shown = f"{m:.2f}x", f"{low:.2f}x", f"{high:.2f}x"
    assert shown[0] in rep.headline and f"{shown[1]} to {shown[2]}" in rep.headline
    assert f"same {cfg.campaign.budget:,.0f} budget" in rep.headline
    supported = float(shown[1][:-1]) > 1.0 or float(shown[2][:-1]) < 1.0   # as printed, the interval excludes 1
    assert rep.headline.startswith(f"'{best.scenario}' reaches") == supported
    assert ("are not distinguishable on useful reach" in rep.headline) == (not supported)
    for name in table.scenario:
        series = pd.read_parquet(tmp_path / name / "timeseries.parquet")
        assert np.allclose(rep.drawn["diffusion"][f"useful_reach:{name}"], stored_mean(series, "useful_reach"))
    assert (tmp_path / "report.html").exists() and (tmp_path / "report.pdf").exists()


@pytest.mark.slow
def test_sweep_report_heatmap_and_budget_curve(tmp_path):
    sweep_dir = tmp_path / "sweep"
    proc = run_cli("-m", "population=small", "run.replicates=3", "run.hours=48", "campaign=mass,targeted",
                   "campaign.budget=100,300", "timing=burst,peak", f"hydra.sweep.dir={sweep_dir}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"report: {sweep_dir / 'report.html'}" in proc.stdout
    rep, _ = build_report(sweep_dir)
    table = pd.read_csv(sweep_dir / "sweep.csv")
    for facet, grid in rep.drawn["heatmap"].items():
        part = table[table[grid.columns.name] == grid.columns[0]]
        assert len(part)
        x, y = grid.columns.name, grid.index.name
        for (yy, xx), value in table.groupby([y, x]).useful_reach_mean.mean().items():
            rows = table[(table[y] == yy) & (table[x] == xx)]
            facet_col = [c for c in ("campaign", "campaign.budget", "timing") if c not in (x, y)][0]
            in_facet = rows[rows[facet_col].astype(str) == facet]
            if len(in_facet):
                assert grid.loc[yy, xx] == pytest.approx(in_facet.useful_reach_mean.mean())
    for name, curve in rep.drawn["budget"].items():
        expected = table[table.campaign == name].groupby("campaign.budget").useful_reach_mean.mean()
        assert np.allclose(curve.to_numpy(), expected.to_numpy())
    assert {"heatmap", "budget", "diffusion", "strategies"} <= {name for name, *_ in rep.figures}
    # the headline: campaign x timing compared (averaged over budgets, paired per replicate); the
    # budget never wins, it is reported as returns per extra 100 euros
    choices = [c for c in table.columns if c in ("campaign", "timing")]
    combos = table.groupby(choices).useful_reach_mean.mean().sort_values(ascending=False)
    (first, first_mean), (second, second_mean) = list(combos.items())[:2]
    finals = {tuple(row[c] for c in choices) + (row["campaign.budget"],):
              stored_finals(sweep_dir / row.job / "timeseries.parquet") for _, row in table.iterrows()}
    units = np.mean([finals[first + (b,)] - finals[second + (b,)] for b in (100, 300)], axis=0)
    m, low, high = t_ci(units)
    named = [", ".join(f"{c}={v}" for c, v in zip(choices, combo)) for combo in (first, second)]
    said = re.search(rf"On useful reach, {re.escape(named[0])} (is best|and {re.escape(named[1])} are not "
                     rf"distinguishable).*?(?:by|difference) (-?[\d,.]+),? \(?95% interval (-?[\d,.]+) to "
                     rf"(-?[\d,.]+), paired over 3 replicates", rep.headline)
    assert said, rep.headline
    printed = [float(x.replace(",", "")) for x in said.groups()[1:]]
    tolerance = 0.5 * 10 ** -max(len(x.split(".")[1]) if "." in x else 0 for x in said.groups()[1:]) + 1e-9
    assert np.allclose(printed, [m, low, high], atol=tolerance, rtol=0)
    assert (said.group(1) == "is best") == (printed[1] > 0 or printed[2] < 0)
    assert f"{first_mean:,.0f}" in rep.headline and f"{second_mean:,.0f}" in rep.headline
    gain = np.mean([finals[c + (300,)] - finals[c + (100,)] for c in combos.index], axis=0) / 2
    m, low, high = t_ci(gain)
    said = re.search(r"Budget: each extra 100 euros added (-?[\d,.]+) to useful reach between 100 and 300 "
                     r"\(95% interval (-?[\d,.]+) to (-?[\d,.]+)", rep.headline)
    assert said, rep.headline
    assert np.allclose([float(x.replace(",", "")) for x in said.groups()], [m, low, high], atol=0.5, rtol=0)
    assert "campaign.budget=" not in rep.headline


@pytest.fixture
def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is missing: `make test` installs Debian's chromium package"
    return path


@pytest.mark.slow
def test_run_report_renders_in_headless_chromium(tmp_path, chromium):
    """The command behind `make run` prints a report path; every image of it loads in Chromium."""
    out = tmp_path / "run"
    proc = run_cli("run.replicates=5", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    printed = re.search(r"influsim: report: (\S+report\.html)", proc.stdout)
    assert printed and Path(printed.group(1)) == out / "report.html"
    page = Path(printed.group(1))
    profile = tempfile.mkdtemp(prefix="chromium")
    try:
        dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                              "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
        shot = tmp_path / "screenshot.png"
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1500,2400",
                        f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    body = re.search(r"<body([^>]*)>", dom).group(1)
    images = int(re.search(r'data-images="(\d+)"', body).group(1))
    broken = int(re.search(r'data-broken="(\d+)"', body).group(1))
    assert images == 3 and broken == 0
    summary = json.loads((out / "summary.json").read_text())
    headline = re.search(r"id=\"headline\">([^<]+)<", dom).group(1)
    assert headline.startswith("Campaign 'default' reached ") and \
        f"{summary['metrics']['useful_reach']['mean']:,.0f}" in headline
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
