"""The Lighthouse gate through the CLI: green on the reference app, kept as main's figures;
red on a copy whose page blocks for 3 s, naming the figures over budget and worse than main's.
"""

import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.dagger_cli import DaggerCli, checkout_copy, readable

pytestmark = pytest.mark.cli

INDEX = Path(__file__).parents[2] / "app/frontend/index.html"
# A classic script in the head: the parser waits for it, so nothing paints for 3 s, and
# the main thread is blocked all along (one long task).
BLOCKING_SCRIPT = """// Blocks the page for 3 s on purpose: the Lighthouse gate's CLI test.
const until = Date.now() + 3000;
while (Date.now() < until) {
  // busy
}
"""


def test_lighthouse_passes_on_the_app_and_fails_a_slow_copy_against_its_baseline(
    dagger_cli: DaggerCli, checkout: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    index = INDEX.read_text().replace(
        "</title>", '</title>\n    <script src="/blocking.js"></script>'
    )
    slow = checkout_copy(
        tmp_path_factory.mktemp("slow-page"),
        {"app/frontend/index.html": index, "app/frontend/public/blocking.js": BLOCKING_SCRIPT},
    )
    commit = f"cli-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    # The slow copy's reports (and its stack) are made while the app's baseline is.
    calls = [
        (checkout, f"dagger call lighthouse --keep-baseline --commit={commit}"),
        (slow, "dagger call -o reports/lighthouse lighthouse-reports --runs=1"),
    ]
    with ThreadPoolExecutor(len(calls)) as pool:
        kept, reported = pool.map(lambda c: dagger_cli.run(c[1], c[0]), calls)
    assert kept.returncode == 0, readable(kept.stderr)[-6000:]
    assert "| performance score | " in kept.stdout
    assert (
        "Lighthouse 12.2.3 (desktop), the median of 3 runs of http://localhost:8080/."
        in kept.stdout
    )
    assert f"Kept as main's figures (commit {commit})." in kept.stdout
    assert reported.returncode == 0, readable(reported.stderr)[-6000:]
    reports = slow / "reports" / "lighthouse"
    assert (reports / "exit-code").read_text() == "0\n"
    assert (reports / "run-1.report.html").stat().st_size > 0
    assert '"lighthouseVersion": "12.2.3"' in (reports / "run-1.report.json").read_text()

    failed = dagger_cli.run("dagger call lighthouse --runs=1", slow)
    error = readable(failed.stderr)
    print(f"lighthouse CLI test: {time.monotonic() - started:.0f} s")
    assert failed.returncode != 0, readable(failed.stdout)
    # The script holds back the first paint by 3 s: the paint and the score fail their
    # budgets, and every timing is worse than main's by far more than 20 %.
    assert re.search(r"Error: performance score is \d+, under its budget of 80\.\n", error)
    assert re.search(r"\nfirst contentful paint is \d+ ms, over its budget of 2000 ms\.\n", error)
    regressed = (
        r"\nfirst contentful paint is \d+ ms, \d+% worse than main's \d+ ms "
        rf"\(commit {commit}\); the threshold is 20%\.\n"
    )
    assert re.search(regressed, error)
    assert f"| Main ({commit}) |" in error
    assert "Lighthouse 12.2.3 (desktop), one run of http://localhost:8080/." in error
    assert "Traceback" not in error
