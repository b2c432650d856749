"""Real parts on this machine for the host-native tier: PostgreSQL, Node.js, Chromium.

A missing prerequisite skips on a laptop and fails under CI=true, with a message
saying what to install (tools/dev/setup installs all of it).
"""

import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import postgres, prerequisites
from tests.support.process import REPO, run

BACKEND = REPO / "app" / "backend"
FRONTEND = REPO / "app" / "frontend"
CHROMIUM = Path("/usr/bin/chromium")
MIN_NODE_MAJOR = 22


def require(condition: object, missing: str) -> None:
    """Skip (or fail under CI) when a host-native prerequisite is missing."""
    prerequisites.require(
        condition, missing, "run tools/dev/setup to install the host-native prerequisites"
    )


def wait_for_http(url: str, timeout: float = 60) -> None:
    """Poll `url` until it answers 200 (a readiness check, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200 within {timeout}s: {last}")


@pytest.fixture(scope="session")
def postgres_bin() -> Path:
    """The directory of PostgreSQL's server and client programs (initdb, pg_dump, ...)."""
    bindir = postgres.newest_bindir()
    require(bindir, "PostgreSQL server binaries not found (Debian package postgresql)")
    assert bindir is not None
    return bindir


@pytest.fixture(scope="session")
def postgres_url(postgres_bin: Path) -> Iterator[str]:
    """A throwaway PostgreSQL server on loopback; yields the app's DATABASE_URL."""
    with postgres.throwaway_server(postgres_bin, "127.0.0.1") as server:
        yield server.database("printshop")


@pytest.fixture(scope="session")
def backend_bin() -> Path:
    """The backend's virtualenv bin directory (its locked dev dependencies)."""
    bindir = BACKEND / ".venv" / "bin"
    require(
        (bindir / "pytest").exists(), "app/backend/.venv with the backend's dev lock is missing"
    )
    return bindir


@pytest.fixture(scope="session")
def node_ready() -> None:
    """Node.js >= 22 on PATH and the frontend's node_modules installed."""
    node = shutil.which("node")
    require(node, "node is not on PATH")
    assert node is not None
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    major = int(version.stdout.strip().lstrip("v").split(".")[0])
    require(major >= MIN_NODE_MAJOR, f"node {version.stdout.strip()} is older than 22")
    require((FRONTEND / "node_modules").is_dir(), "app/frontend/node_modules is missing")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, which Playwright drives in place of its own download."""
    require(CHROMIUM.exists(), f"{CHROMIUM} not found (Debian package chromium)")
    return CHROMIUM


@pytest.fixture
def fresh_database(postgres_bin: Path, postgres_url: str, request: pytest.FixtureRequest) -> str:
    """An empty database of its own on the test server, named after the test."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:50].lower()
    server = postgres_url.rsplit("/", 1)[0]
    psql = [str(postgres_bin / "psql"), f"{server}/printshop", "-v", "ON_ERROR_STOP=1"]
    run([*psql, "-c", f'DROP DATABASE IF EXISTS "{name}"'], cwd=REPO, env=os.environ)
    run([*psql, "-c", f'CREATE DATABASE "{name}"'], cwd=REPO, env=os.environ)
    return f"{server}/{name}"
