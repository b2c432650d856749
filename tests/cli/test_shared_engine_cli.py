"""The same commands against the engine reached over TCP, as a shared engine (one for many
runners, e.g. on Kubernetes) is reached: `_EXPERIMENTAL_DAGGER_RUNNER_HOST` names it."""

import os
from pathlib import Path

import pytest

from tests.support import summary
from tests.support.dagger_cli import DaggerCli, readable
from tests.support.prerequisites import require

pytestmark = pytest.mark.cli

RUNNER_HOST = "_EXPERIMENTAL_DAGGER_RUNNER_HOST"


@pytest.fixture(scope="module")
def engine_over_tcp() -> str:
    address = os.environ.get("PIPELINE_ENGINE_TCP", "")
    require(
        address.startswith("tcp://"),
        "the engine does not listen on TCP (PIPELINE_ENGINE_TCP is not set)",
        "bring it up with ENGINE_TCP_ADDR=tcp://127.0.0.1:7312 tools/engine/up "
        "(tools/dev/test does)",
    )
    return address


def test_a_run_over_tcp_finds_what_a_run_over_the_socket_cached(
    dagger_cli: DaggerCli, checkout: Path, engine_over_tcp: str
) -> None:
    over_socket = dagger_cli.run("dagger call lint", checkout)
    assert over_socket.returncode == 0, readable(over_socket.stderr)[-6000:]
    over_tcp = dagger_cli.run("dagger call lint", checkout, {RUNNER_HOST: engine_over_tcp})
    assert over_tcp.returncode == 0, readable(over_tcp.stderr)[-6000:]
    cached = summary.cached(over_tcp.stdout)
    assert cached, over_tcp.stdout
    assert all(cached.values()), f"not every stage came from the shared cache:\n{over_tcp.stdout}"


def test_the_runner_host_is_what_the_cli_talks_to(dagger_cli: DaggerCli, checkout: Path) -> None:
    # Nothing listens here: the run fails, so the variable, not a default, picks the engine.
    done = dagger_cli.run("dagger functions", checkout, {RUNNER_HOST: "tcp://127.0.0.1:9"})
    assert done.returncode != 0
    assert "127.0.0.1:9" in readable(done.stderr)
