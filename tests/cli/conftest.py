"""The CLI tier: the real `dagger` CLI loads this module and runs what users type.

Needs the CLI and an engine with module mode: tools/engine/up starts one here and writes
the environment to source (/run/pipeline-engine/env). Without them the tier skips on a
laptop and fails under CI=true. Every command runs in a copy of this checkout, so
exports (`-o`, `export --path`) land there, never in the work tree.
"""

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import deploy_target, postgres
from tests.support.dagger_cli import DaggerCli, checkout_copy
from tests.support.prerequisites import ENGINE_FIX, require

BROKEN_TEST_PATH = "app/backend/tests/test_broken.py"
# Lint-clean, so that only backend-test fails.
BROKEN_TEST = """def test_deliberately_broken() -> None:
    assert 1 + 1 == 3, "deliberately broken for the CLI tier"
"""


@pytest.fixture(scope="session")
def dagger_cli() -> DaggerCli:
    """The CLI tools/engine built (or a `dagger` on PATH), with an engine to talk to."""
    cli = os.environ.get("_EXPERIMENTAL_DAGGER_CLI_BIN") or shutil.which("dagger")
    require(cli, "no Dagger CLI", ENGINE_FIX)
    assert cli is not None
    return DaggerCli(Path(cli).parent)


@pytest.fixture(scope="session")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout, as a user has it."""
    return checkout_copy(tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="session")
def broken_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout with one backend test that fails."""
    return checkout_copy(tmp_path_factory.mktemp("broken"), {BROKEN_TEST_PATH: BROKEN_TEST})


@pytest.fixture(scope="session")
def database_server() -> Iterator[postgres.Server]:
    """A PostgreSQL server on the address the engine's containers reach this host by
    (PIPELINE_ENGINE_HOST_ADDRESS, from the engine's environment), password auth."""
    host = os.environ.get("PIPELINE_ENGINE_HOST_ADDRESS")
    require(host, "PIPELINE_ENGINE_HOST_ADDRESS is not set", ENGINE_FIX)
    bindir = postgres.newest_bindir()
    require(bindir, "PostgreSQL server binaries not found", "run tools/dev/setup")
    assert host is not None
    assert bindir is not None
    with postgres.throwaway_server(bindir, host, host_auth="scram-sha-256") as server:
        yield server


@pytest.fixture
def database_url(
    database_server: postgres.Server, canary: str, request: pytest.FixtureRequest
) -> str:
    """The URL of a new, empty database whose password is the canary."""
    name = "cli_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:40].lower()
    return database_server.database(f"{name}_{secrets.token_hex(3)}", password=canary)


@pytest.fixture
def sharing_the_target() -> Iterator[None]:
    """The test uses the deploy target while no other test stops its Docker."""
    with deploy_target.sharing_the_target():
        yield


@pytest.fixture
def stopping_docker() -> Iterator[None]:
    """The test stops the deploy target's Docker once no other file's test uses it."""
    with deploy_target.stopping_docker():
        yield
