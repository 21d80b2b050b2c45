"""Reports a director reads without help (issue 16): numbers as people write them, metric
names in words, and the PDF's configuration complete."""
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from sim.formats import counted, label, number, readable

SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE][+-]?\d+")


@pytest.mark.parametrize("value, text", [
    (5310.0, "5,310"), (1000.0, "1,000"), (1234567.89, "1,234,568"), (0.0, "0"), (7, "7"),
    (12.345, "12.35"), (0.5, "0.50"), (0.0042, "0.0042"), (0.00296, "0.0030"), (-0.031, "-0.031"),
    (float("nan"), "n/a"), (2.5e-7, "0.00000025"), (3.0e12, "3,000,000,000,000"),
])
def test_numbers_are_written_as_people_write_them(value, text):
    assert number(value) == text and not SCIENTIFIC.search(number(value))


def test_metric_names_are_words_with_units():
    assert label("useful_reach") == "useful reach (people in the target)"
    assert label("spent_ci95_low") == "spent (EUR): 95% from"
    assert label("some_new_thing") == "some new thing"
    table = readable(pd.DataFrame({"metric": ["spent", "share_rate"], "mean": [1000.0, 0.00296]}))
    assert table.to_dict("list") == {"metric": ["spent (EUR)", "share rate (relays per exposure)"],
                                     "mean": ["1,000", "0.0030"]}


def test_a_count_takes_its_noun_in_the_right_number():
    from sim.figures import source_line
    assert [counted(1, "replicate"), counted(3, "replicate"), counted(1200, "trial"), counted(0, "case"),
            counted(np.int64(1), "plan"), counted("?", "replicate")] == [
        "1 replicate", "3 replicates", "1,200 trials", "0 cases", "1 plan", "? replicates"]
    assert source_line(1, 7) == "Source: influsim result files; 1 replicate, seed 7."


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def html_text(path) -> str:
    page = path.read_text()
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"src='data:[^']*'", " ", page)                 # the figures' base64 images
    return re.sub(r"<[^>]+>", " ", page)


def in_order(needles: list[str], haystack: list[str]) -> list[str]:
    """The needles not found as a subsequence of the haystack (each after the previous one)."""
    k, missing = 0, []
    for needle in needles:
        while k < len(haystack) and haystack[k] != needle:
            k += 1
        if k == len(haystack):
            missing.append(needle)
            k = 0
        else:
            k += 1
    return missing


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["run", "comparison"])
def test_reports_have_no_scientific_notation_and_the_whole_configuration(report_folders, kind):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler's pdftotext is not installed (make test installs it)")
    out = report_folders[kind]                       # the command's own report (sim.run writes it)
    pdf, page = pdf_text(out / "report.pdf"), html_text(out / "report.html")
    assert not SCIENTIFIC.findall(pdf), SCIENTIFIC.findall(pdf)[:5]
    assert not SCIENTIFIC.findall(page), SCIENTIFIC.findall(page)[:5]
    config = [line.strip() for line in (out / ".hydra" / "config.yaml").read_text().splitlines() if line.strip()]
    assert len(config) > 200
    assert in_order(config, [line.strip() for line in pdf.splitlines()]) == []    # every line, in order
    assert "<details id='configuration'>" in (out / "report.html").read_text()
