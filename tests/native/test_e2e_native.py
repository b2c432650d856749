"""The Playwright suites (quick and full) in Debian's Chromium against the real stack on loopback.

PostgreSQL (migrated, demo data) -> gunicorn -> the production build served by
`vite preview`, which proxies /api to gunicorn -> Playwright.
"""

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ci.profile import commands
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
    run(backend.DEMO_DATA_COMMAND, cwd=BACKEND, env=env)
    url = f"http://127.0.0.1:{free_port()}"
    bind = url.removeprefix("http://")
    app = REFERENCE_PROFILE.backend
    command = backend.serve_command(bind, app.application.value, app.server.value)
    with serving(command, BACKEND, env, url + backend.HEALTH_PATH):
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
    with serving(command, FRONTEND, env, url + backend.HEALTH_PATH):
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
