"""The Playwright suites (quick and full) in Debian's Chromium against the real stack on loopback.

PostgreSQL (migrated, demo data) -> gunicorn -> the production build served by
`vite preview`, which proxies /api to gunicorn -> Playwright.
"""

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ci import playwright_report
from ci.profile import commands
from ci.report import StageResult, summary
from ci.stages import backend
from tests.native.conftest import BACKEND, FRONTEND, wait_for_http
from tests.support.postgres import free_port
from tests.support.process import environment, run
from tests.support.profiles import REFERENCE_PROFILE

pytestmark = pytest.mark.native


@contextmanager
def serving(command: list[str], cwd: Path, env: dict[str, str], ready_url: str) -> Iterator[str]:
    """Run a server until the block ends; yields its log once `ready_url` answers 200."""
    log_path = cwd / "reports" / f"{command[0]}-server.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        # A session of its own: `npm run` starts the real server as a child, and stopping
        # the whole process group stops both.
        server = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            try:
                wait_for_http(ready_url)
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{log_path.read_text()[-3000:]}") from None
            yield str(log_path)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


@pytest.fixture(scope="module")
def backend_url(backend_bin: Path, postgres_url: str) -> Iterator[str]:
    """The backend, migrated and loaded with demo data, served by gunicorn."""
    env = environment([backend_bin], **backend.serve_settings(postgres_url, "native-e2e"))
    run(backend.MIGRATE_COMMAND, cwd=BACKEND, env=env)
    app = REFERENCE_PROFILE.backend
    run(["python", "manage.py", *app.demo_data.value], cwd=BACKEND, env=env)
    url = f"http://127.0.0.1:{free_port()}"
    bind = url.removeprefix("http://")
    command = commands.serve_command(bind, app.application.value, app.server.value)
    with serving(command, BACKEND, env, url + app.health_path.value):
        yield url


@pytest.fixture(scope="module")
def frontend_url(node_ready: None, backend_url: str) -> Iterator[str]:
    """The production build served by `vite preview`, proxying /api to the backend."""
    env = environment(API_PROXY_TARGET=backend_url)
    build = commands.frontend_build(REFERENCE_PROFILE.frontend)
    assert build is not None
    run(build, cwd=FRONTEND, env=env)
    port = free_port()
    command = ["npm", "run", "preview", "--", f"--port={port}"]
    url = f"http://127.0.0.1:{port}"
    with serving(command, FRONTEND, env, url + REFERENCE_PROFILE.backend.health_path.value):
        yield url


@pytest.mark.parametrize("suite", ["quick", "full"])
def test_suite_passes_in_chromium(suite: str, frontend_url: str, chromium: Path) -> None:
    env = environment(
        CI="true",
        E2E_BASE_URL=frontend_url,
        PLAYWRIGHT_CHROMIUM_EXECUTABLE=str(chromium),
        E2E_VIDEO="off",  # Debian's Chromium comes without Playwright's ffmpeg
    )
    command = commands.end_to_end(REFERENCE_PROFILE.frontend, suite)
    assert command is not None
    run(command, cwd=FRONTEND, env=env)
    report = (FRONTEND / playwright_report.REPORT_PATH).read_text()
    playwright_report.flaky_specs(report)  # the config writes the JSON report


FLAKY_SPEC = """import { expect, test } from "@playwright/test";

test.describe("made flaky on purpose", () => {
  test("fails on its first attempt only", { tag: "@quick" }, async ({}, testInfo) => {
    expect(testInfo.retry, "the first attempt fails").toBeGreaterThan(0);
  });
});
"""


def test_a_spec_passing_on_a_retry_is_green_and_named_flaky(
    node_ready: None, tmp_path: Path
) -> None:
    # A copy of the app's Playwright setup with one more spec, which needs no browser and
    # no running app; the quick suite's command, narrowed to that spec's file.
    app = tmp_path / "frontend"
    shutil.copytree(FRONTEND / "e2e", app / "e2e")
    for name in ("playwright.config.ts", "package.json"):
        shutil.copy2(FRONTEND / name, app / name)
    (app / "node_modules").symlink_to(FRONTEND / "node_modules")
    (app / "e2e" / "flaky.spec.ts").write_text(FLAKY_SPEC)
    env = environment(CI="true", E2E_VIDEO="off")
    quick = commands.end_to_end(REFERENCE_PROFILE.frontend, "quick")
    assert quick is not None
    done = run([*quick, "--", "e2e/flaky.spec.ts"], cwd=app, env=env)
    assert "1 flaky" in done.stdout, done.stdout  # green, as Playwright retried it

    note = playwright_report.flaky_note((app / playwright_report.REPORT_PATH).read_text())
    spec = "[chromium] flaky.spec.ts:4 > made flaky on purpose > fails on its first attempt only"
    assert note == f"flaky: 1 ({spec})"
    table = summary([StageResult("end-to-end quick", True, 9.0, done.stdout, notes=note)])
    assert table.splitlines()[-1] == f"end-to-end quick: flaky: 1 ({spec})"
