"""`ci` on a pull request asked for the performance gates: the checks, then the load test
and Lighthouse, each run as the repository's pipeline.toml sets it, through the real CLI.

Main's runs (`ci` on a push to main, `release --performance`) take the same path after
the checks (ci/flows/release.py, unit-tested); this shows that the gates run after the
checks from `ci`, with the repository's settings, that the run's summary keeps them, and
that `plan` shows those settings beside the defaults.
"""

import secrets
from pathlib import Path

import pytest

from tests.support import summary
from tests.support.dagger_cli import DaggerCli, checkout_copy, readable
from tests.support.summary import CHECKS

pytestmark = pytest.mark.cli

# Small runs with generous budgets: the tier runs on two cores shared by three workers.
PIPELINE_TOML = """# The performance gates as `ci` runs them (README: Performance budgets).
[load-test]
users = 6
spawn-rate = 6
duration = 10
product-list-ms = 900
product-page-ms = 900
checkout-ms = 9000
regression-threshold = 10

[lighthouse]
runs = 1
performance = 40
first-contentful-paint = 6000
largest-contentful-paint = 8000
time-to-interactive = 10000
total-blocking-time = 3000
regression-threshold = 10
"""


def test_a_pull_request_asked_for_performance_runs_the_gates_after_the_checks_as_set(
    dagger_cli: DaggerCli, tmp_path: Path
) -> None:
    checkout = checkout_copy(tmp_path / "checkout", {"pipeline.toml": PIPELINE_TOML})
    planned = dagger_cli.run("dagger call plan", checkout)
    assert planned.returncode == 0, readable(planned.stderr)[-6000:]
    rows = [" ".join(line.split()) for line in planned.stdout.splitlines()]
    assert "load-test users 6 pipeline.toml [load-test]" in rows
    assert "load-test checkout-ms 9000 ms pipeline.toml [load-test]" in rows
    assert "load-test error-rate 1 % default" in rows
    assert "lighthouse runs 1 pipeline.toml [lighthouse]" in rows
    assert "lighthouse accessibility 90 default" in rows

    event = f"--event=pull_request --revision={secrets.token_hex(20)}"
    done = dagger_cli.run(
        f"dagger call ci {event} --git-ref=refs/pull/9/merge --performance", checkout
    )
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    out = done.stdout
    assert summary.results(out) == dict.fromkeys([*CHECKS, "load-test", "lighthouse"], "PASS")
    # pipeline.toml's settings, not the defaults (100 users for 60 s, three runs).
    assert "Load test: 6 users (ramp 6/s) for 10 s against http://frontend:8080." in out
    assert "| p95 GET /api/products/ | " in out
    assert "≤ 900 ms" in out
    assert "Lighthouse 12.2.3 (desktop), one run of http://localhost:8080/." in out
    assert out.index("end-to-end") < out.index("Load test: 6 users")

    kept = dagger_cli.run(f"dagger call ci-summary {event}", checkout)
    assert kept.returncode == 0, readable(kept.stderr)[-6000:]
    assert "### performance" in kept.stdout
    assert "| load-test | ✅ PASS |" in kept.stdout
    assert "| lighthouse | ✅ PASS |" in kept.stdout
    # The figures, not only that they passed: what a job's summary shows of each gate.
    assert "#### load-test\n\nLoad test: 6 users" in kept.stdout
    assert "| p95 checkout flow | " in kept.stdout
    assert "#### lighthouse\n\n| Figure |" in kept.stdout
