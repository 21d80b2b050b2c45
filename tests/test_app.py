"""The what-if page (issue 16): a browser (Playwright driving Debian's Chromium; nothing is
downloaded) opens `python -m sim.app`, moves the message-interest control and sees the
headline and the reach curve change; saving the scenario runs `sim.run` on it, whose full
report the page links to and which gives the page's numbers."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app(tmp_path):
    port = free_port()
    env = {**os.environ, "INFLUSIM_APP_DIR": str(tmp_path / "saved")}
    server = subprocess.Popen([sys.executable, "-m", "sim.app", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()[-3000:]
                time.sleep(0.5)
        yield url, tmp_path, port
    finally:
        server.terminate()
        server.wait(timeout=30)


def listening_addresses(port: int) -> set[str]:
    """Local addresses listening on `port`, read from the kernel's table (/proc/net/tcp, tcp6)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                out.add(address)
    return out


@pytest.mark.slow
def test_moving_interest_changes_the_page_and_the_saved_scenario_reruns_to_its_numbers(app):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright
    url, folder, port = app
    assert listening_addresses(port) == {"0100007F"}        # 127.0.0.1 only: nobody else on the network
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        page.goto(url, timeout=120_000)
        headline = page.locator(".headline-a")
        headline.wait_for(timeout=120_000)
        before = headline.inner_text()
        curve = page.locator("img").first
        curve_before = curve.get_attribute("src")
        assert "Campaign" in before and "reached" in before
        slider = page.get_by_role("slider").first          # the first control: message interest, 0.6
        slider.focus()
        for _ in range(6):                                  # six steps of 0.05: 0.9
            slider.press("ArrowRight")
        page.wait_for_function("([el, old]) => el.innerText !== old", arg=[headline.element_handle(), before],
                               timeout=60_000)
        page.wait_for_timeout(1500)                         # the last step's rerun
        after = headline.inner_text()
        assert after != before and page.locator("img").first.get_attribute("src") != curve_before
        page.get_by_role("button", name=re.compile("Save plan A")).click()
        page.locator(".saved").wait_for(timeout=60_000)
        after = headline.inner_text()
        page.locator(".report-link").wait_for(timeout=300_000)          # sim.run wrote the report
        shot = os.environ.get("INFLUSIM_SCREENSHOT")
        page.screenshot(path=shot or str(folder / "page.png"), full_page=True)
        page.locator(".report-link").get_by_role("button").click()
        frame = page.frame_locator("iframe.full-report")
        report_headline = frame.locator("#headline").inner_text(timeout=60_000)
        page.get_by_role("button", name=re.compile("Back to the what-if page")).click()
        headline.wait_for(timeout=60_000)
        page.get_by_text("default market (2,000,000 people)").click()          # the market control
        page.get_by_text("example brand's market").click()
        page.wait_for_function("() => { const el = document.querySelector('.headline-a'); "
                               "return el && el.innerText.includes('in a market of') "
                               "&& !el.innerText.includes('2,000,000 people'); }", timeout=120_000)
        loaded_market = headline.inner_text()
        browser.close()
    saved = sorted((folder / "saved").glob("scenario_*.yaml"))
    assert len(saved) == 1 and "message.interest: 0.9" in saved[0].read_text()
    overrides = (saved[0].with_suffix("") / ".hydra" / "overrides.yaml").read_text()
    assert f"plan={saved[0].resolve()}" in overrides and "run.replicates=12" in overrides   # sim.run on that file
    market = ROOT / "experiments" / "example_market"
    follows, accounts = pd.read_csv(market / "follows.csv.gz"), pd.read_csv(market / "accounts.csv")
    consumers = (set(follows.follower) | set(follows.followed)) - set(accounts[accounts.kind != "consumer"].handle)
    assert f"in a market of {len(consumers) * 100:,} people" in loaded_market   # the export's consumers, 100 people each
    summary = json.loads((saved[0].with_suffix("") / "summary.json").read_text())
    assert report_headline in after.replace("Plan A. ", "")        # the same reach, interval, adoptions and euros
    assert f"reached {summary['metrics']['useful_reach']['mean']:,.0f} of" in report_headline


def test_a_saved_scenario_is_a_plan_file_sim_run_applies(tmp_path):
    """save() writes numbers, text and the target's list; applying the file gives those values back."""
    from sim.inference import apply_calibration
    from sim.whatif import save

    from .conftest import compose_config
    values = {"message.interest": 0.85, "campaign.channels.ads": 12_000.0, "timing.launch_hour": 19,
              "campaign.strategy": "greedy", "target.segments": [0, 1, 2, 3]}
    path = save(values, tmp_path, "plan.yaml")
    cfg = apply_calibration(compose_config(), str(path), "plan")
    assert (cfg.message.interest, cfg.campaign.channels.ads, cfg.timing.launch_hour, cfg.campaign.strategy,
            cfg.target.segments) == (0.85, 12_000.0, 19, "greedy", [0, 1, 2, 3])
    path.write_text("target.segments: [0, many]\n")
    from sim.errors import DataError
    with pytest.raises(DataError, match="target.segments"):
        apply_calibration(compose_config(), str(path), "plan")
