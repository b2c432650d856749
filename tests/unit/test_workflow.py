"""The one GitHub Actions job: linted, audited, and only a caller of the pipeline.

actionlint is built by tools/dev/setup (Go module proxy); zizmor is in the dev lock.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from ci.events import HEALTH_CRON, SECURITY_CRON
from tests.support.prerequisites import require

WORKFLOW = Path(__file__).parents[2] / ".github/workflows/dagger.yml"
PINNED = re.compile(r"^\s*(- )?uses: [\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def test_actionlint_reports_nothing() -> None:
    actionlint = shutil.which("actionlint")
    require(actionlint, "actionlint is not on PATH", "run tools/dev/setup (tools/dev/test does)")
    assert actionlint is not None
    done = subprocess.run([actionlint, str(WORKFLOW)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_reports_nothing_even_informational() -> None:
    zizmor = Path(sys.executable).parent / "zizmor"
    done = subprocess.run(
        [str(zizmor), "--offline", "--persona=auditor", str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def test_every_action_is_pinned_by_commit() -> None:
    uses = [line for line in WORKFLOW.read_text().splitlines() if "uses:" in line]
    assert uses
    assert all(PINNED.match(line) for line in uses), uses


def test_the_job_runs_no_command_of_its_own_and_calls_ci() -> None:
    text = WORKFLOW.read_text()
    assert "run:" not in text
    assert re.search(r"args: >-\n\s+ci --event=", text)
    assert 'DAGGER_VERSION: "0.21.8"' in text


def test_the_schedules_are_the_crons_ci_knows_and_reach_it() -> None:
    text = WORKFLOW.read_text()
    crons = re.findall(r'^\s+- cron: "([^"]+)"', text, flags=re.MULTILINE)
    assert crons == [HEALTH_CRON, SECURITY_CRON]
    assert "SCHEDULE: ${{ github.event.schedule }}" in text
    assert text.count('--schedule="$SCHEDULE"') == 2  # ci and ci-reports
