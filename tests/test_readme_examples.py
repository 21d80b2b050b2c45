"""The README's quoted examples match what the code prints now for the same seed (issue 16):
experiments/readme_examples/update.py --check reruns each marked example."""
import subprocess
import sys

import pytest

from .conftest import ROOT

SCRIPT = ROOT / "experiments" / "readme_examples" / "update.py"


def check(*args):
    return subprocess.run([sys.executable, str(SCRIPT), "--check", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=1800)


@pytest.mark.slow
def test_every_quoted_example_is_what_the_code_prints():
    text = (ROOT / "README.md").read_text()
    assert text.count("<!-- example: ") == 6 == text.count("<!-- /example -->")
    done = check()
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]


@pytest.mark.slow
def test_a_stale_quote_is_caught(tmp_path):
    text = (ROOT / "README.md").read_text()
    start = text.index("<!-- example: make_run -->")
    block = text[start:text.index("<!-- /example -->", start)]
    planted = block.replace("488,540", "488,541", 1)                # one person more than the code reaches
    assert planted != block
    readme = tmp_path / "README.md"
    readme.write_text(text.replace(block, planted))
    done = check("--readme", str(readme), "make_run")
    assert done.returncode == 1 and "README example 'make_run' differs" in done.stdout
