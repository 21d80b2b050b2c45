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
def test_every_quoted_example_is_what_the_code_prints_and_a_stale_quote_is_caught(tmp_path):
    """One rerun of the examples checks the README and a copy with one planted difference."""
    text = (ROOT / "README.md").read_text()
    assert text.count("<!-- example: ") == 6 == text.count("<!-- /example -->")
    start = text.index("<!-- example: make_run -->")
    block = text[start:text.index("<!-- /example -->", start)]
    planted = block.replace("488,540", "488,541", 1)                # one person more than the code reaches
    assert planted != block
    stale = tmp_path / "README.md"
    stale.write_text(text.replace(block, planted))
    done = check("--readme", str(ROOT / "README.md"), "--readme", str(stale))
    said = [line for line in done.stdout.splitlines() if "differs" in line]
    assert done.returncode == 1 and said == [f"{stale}: README example 'make_run' differs from what the code prints "
                                             "now (make readme-examples rewrites it)"], done.stdout + done.stderr[-2000:]
