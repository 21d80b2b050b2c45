"""Named accounts: the example pair (experiments/example_market), the two readers against
counts made independently with pandas, and a run on the pair whose outputs carry the
accounts' names, declared followers, tiers and fees."""
import gzip
import importlib.util
import json

import numpy as np
import pandas as pd
import pytest

import sim.run
from sim.accounts import read_accounts, read_follows
from sim.tiers import LOWER_BOUNDS, TIERS

from .conftest import ROOT

EXAMPLE = ROOT / "experiments" / "example_market"


def _maker():
    spec = importlib.util.spec_from_file_location("make_example", EXAMPLE / "make_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_example_is_what_its_script_makes(tmp_path):
    accounts, export = _maker().write(tmp_path)
    assert accounts.read_bytes() == (EXAMPLE / "accounts.csv").read_bytes()
    assert gzip.decompress(export.read_bytes()) == gzip.decompress((EXAMPLE / "follows.csv.gz").read_bytes())


def test_follower_export_counts_match_pandas():
    rows = pd.read_csv(EXAMPLE / "follows.csv.gz", dtype=str)
    follows = read_follows(EXAMPLE / "follows.csv.gz")
    handles = sorted(set(rows.follower) | set(rows.followed))
    kept = rows[rows.follower != rows.followed].drop_duplicates()
    assert follows.handles.tolist() == handles
    assert follows.follower.size == len(kept)
    assert follows.duplicates == int((rows.follower != rows.followed).sum()) - len(kept) > 0
    assert follows.self_follows == int((rows.follower == rows.followed).sum())
    pairs = {(handles[a], handles[b]) for a, b in zip(follows.follower, follows.followed)}
    assert pairs == set(zip(kept.follower, kept.followed))


def test_accounts_file_values_and_empty_cells():
    table = pd.read_csv(EXAMPLE / "accounts.csv", dtype=str, keep_default_na=False)
    accounts = read_accounts(EXAMPLE / "accounts.csv", n_topics=8)
    assert accounts.handle == table.handle.tolist()
    assert np.array_equal(np.isnan(accounts.fee), (table.fee_per_post == "").to_numpy())
    given = table.followers != ""
    assert np.array_equal(accounts.followers[given.to_numpy()], table.followers[given].astype(float).to_numpy())
    assert [t for t in accounts.tier if t >= 0] == [TIERS.index(t) for t in table.tier if t]
    assert accounts.line == list(range(2, len(table) + 2))


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "run"
    sim.run.main([f"accounts={EXAMPLE / 'accounts.csv'}", "network=followers",
                  f"network.path={EXAMPLE / 'follows.csv.gz'}", "run.replicates=4", "run.days=3",
                  f"hydra.run.dir={out}"])
    return out


def test_the_example_runs_and_its_report_names_the_accounts(example_run):
    table = pd.read_csv(EXAMPLE / "accounts.csv", keep_default_na=False)
    influencers = pd.read_csv(example_run / "influencers.csv")
    page = (example_run / "report.html").read_text()
    named = influencers[influencers.name.isin(table.handle)]
    assert len(named) >= 5 and all(h in page for h in named.name.head(5))
    attribution = pd.read_csv(example_run / "attribution.csv")
    seeded = attribution[attribution.source_seeded]
    assert len(seeded) and set(seeded.source_name) & set(table.handle)
    assert attribution.agent_name.str.startswith("@").all()


def test_declared_followers_tiers_and_fees_are_honoured(example_run):
    table = pd.read_csv(EXAMPLE / "accounts.csv", keep_default_na=False).set_index("handle")
    influencers = pd.read_csv(example_run / "influencers.csv").set_index("name")
    config = json.loads((example_run / "summary.json").read_text())["config"]["campaign"]
    fixed, per = config["seed_fee_fixed"]["blogger"], config["seed_fee_per_follower"]["blogger"]
    checked = 0
    for handle, row in influencers.iterrows():
        if handle not in table.index or table.loc[handle, "kind"] != "blogger":
            continue
        declared = table.loc[handle]
        followers = float(declared.followers)
        assert row.followers == followers
        band = TIERS[int(np.searchsorted(LOWER_BOUNDS, followers, side="right")) - 1]
        assert row.tier == (declared.tier or band)
        fee = float(declared.fee_per_post) if declared.fee_per_post != "" else fixed + per * followers
        assert row.cost == pytest.approx(fee)
        checked += 1
    assert checked >= 5
