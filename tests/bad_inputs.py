"""The catalogue of bad inputs: each must end with exit code 2 and one line naming the key
or file. Used in-process by tests/test_bad_input.py and, in fresh processes with a
timeout, by experiments/fuzz/fuzz.py (which counts tracebacks, hangs and silent runs).

A case is (class, entry point, arguments, text the error line must contain). Arguments
may use {dir}: a folder holding the input files of `make_files`. sim.run and sim.score
cases run quick (QUICK, unless the case sets that key itself) into their own folder.
"""
from __future__ import annotations

from pathlib import Path

QUICK = ["population=small", "run.replicates=1", "run.hours=6", "run.report=false", "run.influencers=false"]


def _case(cls, entry, args, expect):
    return (cls, entry, list(args), expect)


def run(cls, args, expect):
    return _case(cls, "run", args if isinstance(args, list) else [args], expect)


CASES = [
    # ---------------------------------------------------------------- values out of range or of the wrong type
    run("value", "population.consumers=0", "population.consumers"),
    run("value", "population.scale=0.5", "population.scale"),
    run("value", "population.scale=-100", "population.scale"),
    run("value", "population.scale=inf", "population.scale"),
    run("value", "population.consumers=-5", "population.consumers"),
    run("value", "population.consumers=1.5", "population.consumers"),
    run("value", "population.bloggers=-1", "population.bloggers"),
    run("value", "population.brands=-1", "population.brands"),
    run("value", "population.topics=0", "population.topics"),
    run("value", "population.segments=0", "population.segments"),
    run("value", "population.segment_focus=1.5", "population.segment_focus"),
    run("value", "population.scepticism_mean=-0.1", "population.scepticism_mean"),
    run("value", "population.scepticism_concentration=0", "population.scepticism_concentration"),
    run("value", "population.activity_mean=2", "population.activity_mean"),
    run("value", "population.activity_concentration=-1", "population.activity_concentration"),
    run("value", "population.blogger_activity=1.2", "population.blogger_activity"),
    run("value", "population.brand_activity=-0.5", "population.brand_activity"),
    run("value", "population.daily_profile=[1,0.5]", "population.daily_profile"),
    run("value", "population.daily_profile=[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.5]",
        "population.daily_profile[23]"),
    run("value", "population.brand_topics=[1,0]", "population.brand_topics"),
    run("value", "population.brand_topics=[0,0,0,0,0,0,0,0]", "population.brand_topics"),
    run("value", "network.follows_mean=0", "network.follows_mean"),
    run("value", "network.follows_mean=-1", "network.follows_mean"),
    run("value", "network.homophily=1.5", "network.homophily"),
    run("value", "network.popularity_alpha=0", "network.popularity_alpha"),
    run("value", "network.blogger_audience_share=2", "network.blogger_audience_share"),
    run("value", "network.blogger_audience_alpha=0", "network.blogger_audience_alpha"),
    run("value", "network.topic_affinity=-1", "network.topic_affinity"),
    run("value", "network.brand_fan_share=1.5", "network.brand_fan_share"),
    run("value", "network.bloggers_follow=-1", "network.bloggers_follow"),
    run("value", "network.contact_rate=2", "network.contact_rate"),
    run("value", ["network=mixed", "network.contact_rate=0.999", "campaign.mass_reach=0.5"], "network.contact_rate"),
    run("value", "network.edge_meaning=sideways", "network.edge_meaning"),
    run("value", "network.blogger_rule=oldest", "network.blogger_rule"),
    run("value", "network.directed=maybe", "network.directed"),
    run("value", "message.interest=1.5", "message.interest"),
    run("value", "message.interest=-0.1", "message.interest"),
    run("value", "message.interest=nan", "message.interest"),
    run("value", "message.novelty=2", "message.novelty"),
    run("value", "message.half_life_hours=0", "message.half_life_hours"),
    run("value", "message.half_life_hours=-1", "message.half_life_hours"),
    run("value", "message.wearout=1.1", "message.wearout"),
    run("value", "message.decay=linear", "message.decay"),
    run("value", "message.reaction_exponent=0", "message.reaction_exponent"),
    run("value", "message.reaction_onset_minutes=-5", "message.reaction_onset_minutes"),
    run("value", "diffusion.engagement=1.5", "diffusion.engagement"),
    run("value", "diffusion.disclosure_penalty=-0.1", "diffusion.disclosure_penalty"),
    run("value", "diffusion.disclosure_penalty=2", "diffusion.disclosure_penalty"),
    run("value", "message.promotional=-1", "message.promotional"),
    run("value", "message.topics=[1,0]", "message.topics"),
    run("value", "message.topics=[0,0,0,0,0,0,0,0]", "message.topics"),
    run("value", "message.topics=[-1,1,0,0,0,0,0,0]", "message.topics[0]"),
    run("value", "diffusion.relay_max.consumer=-0.1", "diffusion.relay_max.consumer"),
    run("value", "diffusion.relay_max.blogger=1.5", "diffusion.relay_max.blogger"),
    run("value", "diffusion.credibility.brand=2", "diffusion.credibility.brand"),
    run("value", "diffusion.weight_interest=-1", "diffusion.weight_interest"),
    run("value", "diffusion.attention_window=0", "diffusion.attention_window"),
    run("value", "diffusion.talk_hours=-1", "diffusion.talk_hours"),
    run("value", "diffusion.attention_limit=-1", "diffusion.attention_limit"),
    run("value", "diffusion.ad_notice=1.5", "diffusion.ad_notice"),
    run("value", "diffusion.adoption_prob=-1", "diffusion.adoption_prob"),
    run("value", "diffusion.adoption_min_sources=0", "diffusion.adoption_min_sources"),
    run("value", "diffusion.relayers_adopt=maybe", "diffusion.relayers_adopt"),
    run("value", "campaign.kind=bogus", "campaign.kind"),
    run("value", ["campaign=mass", "campaign.budget=-1"], "campaign.budget"),
    run("value", ["campaign=mass", "campaign.cpm=0"], "campaign.cpm"),
    run("value", "campaign.cpm=-1", "campaign.cpm"),
    run("value", "campaign.seed_fee_fixed.consumer=-1", "campaign.seed_fee_fixed.consumer"),
    run("value", "campaign.seed_fee_per_follower.blogger=-1", "campaign.seed_fee_per_follower.blogger"),
    run("value", "campaign.strategy=psychic", "campaign.strategy"),
    run("value", "campaign.pool=everyone", "campaign.pool"),
    run("value", "campaign.targeted_share=1.5", "campaign.targeted_share"),
    run("value", "campaign.owned_post_hours=[-1]", "campaign.owned_post_hours[0]"),
    run("value", "campaign.brand_post_hours=[-2]", "campaign.brand_post_hours[0]"),
    run("value", ["campaign.kind=custom", "campaign.seed_agents=[99999999]"], "campaign.seed_agents"),
    run("value", "campaign.seed_agents=[3]", "campaign.seed_agents"),          # ignored by a channels plan
    run("value", ["campaign.kind=custom", "campaign.seed_agents=[-1]"], "campaign.seed_agents[0]"),
    run("value", "campaign.mass_hours=-1", "campaign.mass_hours"),
    run("value", "campaign.mass_start_hour=-1", "campaign.mass_start_hour"),
    run("value", "campaign.seed_top_bloggers=-1", "campaign.seed_top_bloggers"),
    run("value", "campaign.seed_hour=-1", "campaign.seed_hour"),
    run("value", "campaign.mass_reach=1.5", "campaign.mass_reach"),
    run("value", "campaign.message_mix=[{message:nope}]", "campaign.message_mix[0].message"),
    run("value", "campaign.message_mix=[{message:launch,budget_share:0.7},{message:launch,budget_share:0.7}]",
        "campaign.message_mix"),
    run("value", "campaign.message_mix=[{message:launch,delay_hours:-1}]", "campaign.message_mix[0].delay_hours"),
    run("value", "target.segments=[9]", "target.segments[0]"),
    run("value", "target.segments=[-1]", "target.segments[0]"),
    run("value", "timing.mode=sideways", "timing.mode"),
    run("value", "timing.launch_day=-1", "timing.launch_day"),
    run("value", "timing.launch_hour=24", "timing.launch_hour"),
    run("value", "timing.launch_hour=-1", "timing.launch_hour"),
    run("value", "timing.waves=0", "timing.waves"),
    run("value", "timing.wave_gap_hours=0", "timing.wave_gap_hours"),
    run("value", "run.seed=-1", "run.seed"),
    run("value", "run.replicates=0", "run.replicates"),
    run("value", "run.hours=0", "run.hours"),
    run("value", "run.days=0", "run.days"),
    run("value", "timing.start=2027-02-30 08:00", "timing.start"),
    run("value", "timing.start=tomorrow", "timing.start"),
    run("value", "campaign.owned_post_times=[2027-03-02]", "campaign.owned_post_times[0]"),
    run("value", 'campaign.owned_post_times=["2027-02-28 18:00"]', "campaign.owned_post_times[0]"),
    run("value", "campaign.ad_days=[2027-13-01]", "campaign.ad_days[0]"),
    run("value", "campaign.ad_days=[2026-01-01]", "campaign.ad_days[0]"),
    run("value", "timing.start=2027-03-01 08:30", "timing.start"),
    run("value", "population.weekend_profile=[1,0.5]", "population.weekend_profile"),
    run("value", "run.mode=turbo", "run.mode"),
    run("value", "run.influencer_k=0", "run.influencer_k"),
    run("value", "run.threads=-1", "run.threads"),
    run("value", "score.rr_sets=0", "score.rr_sets"),
    run("value", "score.top=0", "score.top"),
    run("type", "run.replicates=many", "run.replicates"),
    run("type", "run.seed=abc", "run.seed"),
    run("type", "run.plot=maybe", "run.plot"),
    run("type", "population.consumers=abc", "population.consumers"),
    run("type", "target.segments=abc", "target.segments"),
    # ---------------------------------------------------------------- sizes that can only exhaust the machine
    run("size", "population.consumers=10000000000", "population.consumers"),
    run("size", "population.topics=100000000", "population.topics"),
    run("size", "population.segments=100000000", "population.segments"),
    run("size", "network.follows_mean=1000000000", "network.follows_mean"),
    run("size", "run.hours=1000000000", "run.hours"),
    run("size", "run.replicates=100000000", "run.replicates"),
    run("size", "diffusion.attention_window=1000000000", "diffusion.attention_window"),
    run("size", "score.rr_sets=10000000000", "score.rr_sets"),
    run("size", ["campaign=targeted", "timing=staggered", "timing.waves=1000000000"], "timing.waves"),
    run("size", ["campaign=mass", "campaign.cpm=1e-300"], "campaign.cpm"),
    # ---------------------------------------------------------------- silently wrong before: now refused
    run("silent", "+population.consumer=5", "population.consumer"),
    run("silent", "+run.foo=1", "run.foo"),
    run("silent", "+diffusion.weight_valence=1", "diffusion.weight_valence"),
    run("silent", "+campaign.budgte=5", "campaign.budgte"),
    run("silent", "+foo=1", "foo"),
    run("silent", "population.daily_profile=[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]",
        "population.daily_profile"),
    run("silent", "timing.launch_day=30", "timing.launch_day"),
    run("silent", "target.segments=[]", "target.segments"),
    run("silent", ["network=edgelist", "network.path={dir}/edges.txt", "network.labels={dir}/labels_absent.txt"],
        "labels_absent.txt"),
    run("silent", ["network=edgelist", "network.path={dir}/edges.txt", "network.labels={dir}/labels_twice.txt"],
        "labels_twice.txt"),
    # ---------------------------------------------------------------- free-form groups, validated as strictly
    run("comparison", "+comparison={a:{kind:bogus}}", "comparison.a.kind"),
    run("comparison", "+comparison={a:{alien:1}}", "comparison.a.alien"),
    run("comparison", "+comparison={a:5}", "+comparison={a:5}"),
    run("comparison", "+comparison={a:{seed_fee_fixed:5}}", "comparison.a.seed_fee_fixed"),
    run("comparison", "+comparison={a:{seed_fee_fixed:{alien:1}}}", "comparison.a.seed_fee_fixed.alien"),
    run("comparison", "+comparison={a:{message_mix:[{message:launch,share:1}]}}", "comparison.a.message_mix[0].share"),
    run("comparison", "+comparison={a:{budget:-5}}", "comparison.a.budget"),
    run("messages", "+messages={t:{interest:2.0}}", "messages.t.interest"),
    run("messages", "+messages={t:{topics:[1,0]}}", "messages.t.topics"),
    run("messages", "+messages={t:{alien:1}}", "alien"),
    # ---------------------------------------------------------------- Hydra: unknown keys, groups, syntax
    run("hydra", "run.sed=3", "run.sed"),
    run("hydra", "population.consumer=5", "population.consumer"),
    run("hydra", "network=nosuchgraph", "network/nosuchgraph"),
    run("hydra", "population=nosuch", "population/nosuch"),
    run("hydra", "experiment=nosuch", "experiment/nosuch"),
    run("hydra", "run.replicates=[1,", "run.replicates"),
    run("hydra", "run..hours=3", "run..hours"),
    run("hydra", ["-m", "sweep=bogus"], "sweep/bogus"),
    run("hydra", ["-m", "hydra/launcher=bogus", "run.seed=0,1"], "hydra/launcher/bogus"),
    run("hydra", ["-m", "hydra/launcher=joblib", "hydra.launcher.n_jobs=abc", "run.seed=0,1"],
        "hydra.launcher.n_jobs"),
    run("hydra", ["-m", "run.seed=0,1", "message.interest=0.5,1.5"], "message.interest"),
    run("hydra", ["-m", "run.seed=0,1", "campaign=mass,nosuch"], "campaign/nosuch"),
    # ---------------------------------------------------------------- input files
    run("file", "network=edgelist", "network.path"),
    run("file", ["network=edgelist", "network.path={dir}/missing.txt"], "missing.txt"),
    run("file", ["network=edgelist", "network.path={dir}/bad_edges.txt"], "line 4"),
    run("file", ["network=edgelist", "network.path={dir}/empty.txt"], "empty.txt"),
    run("file", ["network=edgelist", "network.path={dir}/comments.txt"], "comments.txt"),
    run("file", ["network=edgelist", "network.path={dir}/three_cols.txt"], "line 2"),
    run("file", ["network=edgelist", "network.path={dir}/negative.txt"], "line 2"),
    run("file", ["network=edgelist", "network.path={dir}/bigid.txt"], "line 2"),
    run("file", ["network=edgelist", "network.path={dir}/binary.bin"], "binary.bin"),
    run("file", ["network=edgelist", "network.path={dir}/a_dir"], "a_dir"),
    run("file", ["network=edgelist", "network.path=/proc/self/mem"], "/proc/self/mem"),      # unreadable
    run("file", ["network=edgelist", "network.path={dir}/edges.txt", "network.labels=/proc/self/mem"],
        "/proc/self/mem"),
    run("file", ["network=edgelist", "network.path={dir}/edges.txt", "network.labels={dir}/missing.txt"],
        "missing.txt"),
    run("file", ["network=edgelist", "network.path={dir}/edges.txt", "network.labels={dir}/labels_bad.txt"],
        "line 2"),
    run("file", ["network=edgelist", "network.path={dir}/edges.txt", "population.bloggers=50"],
        "population.bloggers"),
    # ---------------------------------------------------------------- output folder
    # accounts file and follower export (network=followers)
    run("file", ["network=followers", "network.path={dir}/follows.csv"], "accounts"),
    run("file", ["accounts={dir}/accounts.csv"], "accounts"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/missing.csv"], "missing.csv"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_dup.csv"], "acc_dup.csv, line 3"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_kind.csv"], "acc_kind.csv, line 2"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_tier.csv"], "acc_tier.csv, line 2"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_fee.csv"], "acc_fee.csv, line 2"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_followers.csv"], "acc_followers.csv, line 3"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_topics.csv"], "acc_topics.csv, line 2"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_cells.csv"], "acc_cells.csv, line 3"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_column.csv"], "acc_column.csv, line 1"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_nokind.csv"], "acc_nokind.csv, line 1"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_header_only.csv"], "acc_header_only.csv"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/acc_absent.csv"], "acc_absent.csv, line 3"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/empty.txt"], "empty.txt"),
    run("file", ["network=followers", "network.path={dir}/follows.csv", "accounts={dir}/binary.bin"], "binary.bin"),
    run("file", ["network=followers", "network.path={dir}/missing.csv", "accounts={dir}/accounts.csv"], "missing.csv"),
    run("file", ["network=followers", "network.path={dir}/follows_cells.csv", "accounts={dir}/accounts.csv"], "follows_cells.csv, line 3"),
    run("file", ["network=followers", "network.path={dir}/follows_empty_handle.csv", "accounts={dir}/accounts.csv"], "follows_empty_handle.csv, line 2"),
    run("file", ["network=followers", "network.path={dir}/follows_header.csv", "accounts={dir}/accounts.csv"], "follows_header.csv, line 1"),
    run("file", ["network=followers", "network.path={dir}/follows_bad.csv.gz", "accounts={dir}/accounts.csv"], "follows_bad.csv.gz"),
    run("file", ["network=followers", "network.path={dir}/empty.txt", "accounts={dir}/accounts.csv"], "empty.txt"),
    run("value", ["campaign=targeted", "campaign.kind=channels"], "campaign.channels"),
    run("value", ["campaign.kind=channels", "campaign.channels.ads=-100"], "campaign.channels.ads"),
    run("value", ["campaign.kind=channels", "campaign.channels.sponsored.micro=-5"], "campaign.channels.sponsored.micro"),
    run("value", ["campaign.kind=channels", "campaign.channels.ads=100", "campaign.channels.boost_hours=0"],
        "campaign.channels.boost_hours"),
    run("value", ["campaign.kind=channels", "campaign.channels.boosted=nan"], "campaign.channels.boosted"),
    run("hydra", ["campaign.channels.sponsored.giga=100"], "giga"),
    run("value", "diffusion.tier_trust.macro=1.5", "diffusion.tier_trust.macro"),
    run("hydra", "diffusion.tier_trust.huge=0.5", "huge"),
    run("folder", "hydra.run.dir={dir}/a_file", "a_file"),
    # ---------------------------------------------------------------- sim.score
    _case("score", "score", ["score.rr_sets=0"], "score.rr_sets"),
    _case("score", "score", ["score.rr_sets=10000000000"], "score.rr_sets"),
    _case("score", "score", ["network=edgelist", "network.path={dir}/missing.txt"], "missing.txt"),
    _case("score", "score", ["+population.consumer=5"], "population.consumer"),
    _case("score", "score", ["target.segments=[]"], "target.segments"),
    # ---------------------------------------------------------------- sim.report / sim.collect
    _case("report", "report", ["{dir}/missing_folder"], "missing_folder"),
    _case("report", "report", ["{dir}/a_dir"], "a_dir"),
    _case("report", "report", ["{dir}/a_file"], "a_file"),
    _case("report", "report", ["{dir}/truncated_run"], "summary.json"),
    _case("report", "report", ["a", "b"], "usage"),
    _case("collect", "collect", ["{dir}/missing_folder"], "missing_folder"),
    _case("collect", "collect", ["{dir}/a_dir"], "a_dir"),
    _case("collect", "collect", ["{dir}/a_file"], "a_file"),
    # ---------------------------------------------------------------- sim.calibrate: observed data and priors
    _case("calibrate", "calibrate", [], "observed: is required"),
    _case("calibrate", "calibrate", ["observed={dir}/missing.csv"], "missing.csv"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics_unsorted.csv"], "analytics_unsorted.csv, line 3"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics_text.csv"], "analytics_text.csv, line 2"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics_nocolumn.csv"], "analytics_nocolumn.csv, line 1"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics_late.csv"], "observed:"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics.csv", "calibrate.generations=0"],
          "calibrate.generations"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics.csv", "calibrate.population_size=1000000000"],
          "calibrate.population_size"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics.csv", "+calibrate.params.message.interest=[0.8,0.2]"],
          "calibrate.params.message.interest: needs low < high"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics.csv", "+calibrate.params.message.intrest=[0.1,0.2]"],
          "calibrate.params.message.intrest"),
    _case("calibrate", "calibrate", ["observed={dir}/analytics.csv", "+calibrate.params.message.interest=[0.1,1.5]"],
          "calibrate.params.message.interest: the prior's end 1.5"),
    run("file", "calibration={dir}/missing.yaml", "missing.yaml"),
    run("file", "calibration={dir}/calibration_bad.yaml", "calibration_bad.yaml: message.intrest"),
    run("file", "calibration={dir}/calibration_text.yaml", "calibration_text.yaml"),
]

BAD_EDGES = "# comment\n0 1\n1 2\n2 x\n"


def make_files(folder: Path) -> Path:
    """The input files the cases name, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "edges.txt": "".join(f"{i} {(i * 7 + 3) % 40}\n{i} {(i + 1) % 40}\n" for i in range(40)),
        "bad_edges.txt": BAD_EDGES,
        "empty.txt": "",
        "comments.txt": "# only\n# comments\n",
        "three_cols.txt": "0 1\n1 2 3\n",
        "negative.txt": "0 1\n-1 2\n",
        "bigid.txt": "0 1\n99999999999999999999999 2\n",
        "labels_absent.txt": "0 1\n1 1\n5000 2\n",
        "labels_twice.txt": "0 1\n1 1\n0 2\n",
        "labels_bad.txt": "0 1\n1 x\n",
        "a_file": "not a folder\n",
        "follows.csv": "follower,followed\nfan1,@anna\nfan2,@anna\nfan1,fan2\n@anna,@brand\n",
        "accounts.csv": "handle,kind,followers,topics,fee_per_post,tier\n@anna,blogger,48200,0;2,450,\n@brand,brand,,,,\n",
        "acc_dup.csv": "handle,kind\n@anna,blogger\n@anna,brand\n",
        "acc_kind.csv": "handle,kind\n@anna,influencer\n",
        "acc_tier.csv": "handle,kind,tier\n@anna,blogger,giga\n",
        "acc_fee.csv": "handle,kind,fee_per_post\n@anna,blogger,-450\n",
        "acc_followers.csv": "handle,kind,followers\n@anna,blogger,48200\n@brand,brand,lots\n",
        "acc_topics.csv": "handle,kind,topics\n@anna,blogger,0;99\n",
        "acc_cells.csv": "handle,kind\n@anna,blogger\n@brand,brand,extra\n",
        "acc_column.csv": "handle,kind,audience\n@anna,blogger,5\n",
        "acc_nokind.csv": "handle,followers\n@anna,5\n",
        "acc_header_only.csv": "handle,kind\n",
        "acc_absent.csv": "handle,kind\n@anna,blogger\n@nobody,blogger\n",
        "follows_cells.csv": "follower,followed\nfan1,@anna\nfan2\n",
        "follows_empty_handle.csv": "follower,followed\n,@anna\n",
        "follows_header.csv": "source,target\nfan1,@anna\n",
        "analytics.csv": "hour,shares\n0,3\n1,4\n",
        "analytics_unsorted.csv": "hour,shares\n5,3\n4,4\n",
        "analytics_text.csv": "hour,shares\n0,lots\n",
        "analytics_nocolumn.csv": "hour\n0\n",
        "analytics_late.csv": "date,shares\n2026-01-01,3\n",
        "calibration_bad.yaml": "message.intrest: 0.4\n",
        "calibration_text.yaml": "message.interest: high\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (folder / "follows_bad.csv.gz").write_bytes(b"\x1f\x8b\x08\x00 truncated gzip")
    (folder / "a_dir").mkdir(exist_ok=True)
    run_dir = folder / "truncated_run"
    run_dir.mkdir(exist_ok=True)
    (run_dir / "summary.json").write_text('{"metrics": {"reach": ')
    (run_dir / "timeseries.parquet").write_bytes(b"PAR1 truncated")
    (run_dir / "done.json").write_text("{}")
    return folder


def argv_of(case, folder: Path, out: Path) -> list[str]:
    """The command-line arguments of a case (sim.run cases get the quick settings and `out`)."""
    cls, entry, args, expect = case
    args = [a.replace("{dir}", str(folder)) for a in args]
    if entry in ("run", "score", "calibrate"):
        keys = {a.split("=", 1)[0].lstrip("+~") for a in args}
        quick = [q for q in QUICK if q.split("=", 1)[0] not in keys]
        dirs = [] if "hydra.run.dir" in keys else [f"hydra.run.dir={out}", f"hydra.sweep.dir={out}"]
        flags = [a for a in args if a.startswith("-")]
        args = flags + quick + [a for a in args if not a.startswith("-")] + dirs
    return args
