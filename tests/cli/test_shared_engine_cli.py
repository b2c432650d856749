"""The same commands against the engine reached over TCP, as a shared engine (one for many
runners, e.g. on Kubernetes) is reached: `_EXPERIMENTAL_DAGGER_RUNNER_HOST` names it.

The run over TCP goes through a relay in the test that counts what it carries, so the
test knows the CLI really talked over TCP, not over a default socket."""

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import summary
from tests.support.dagger_cli import DaggerCli, readable
from tests.support.prerequisites import require

pytestmark = pytest.mark.cli

RUNNER_HOST = "_EXPERIMENTAL_DAGGER_RUNNER_HOST"


class Relay:
    """A TCP relay on a free loopback port to `target`, counting the bytes it carries."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.carried = 0
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self._server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(self.target)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
                with self._lock:
                    self.carried += len(data)
        except OSError:
            pass  # the other direction ended the connection and closed both ends
        finally:
            source.close()
            sink.close()

    def close(self) -> None:
        """Stop accepting connections."""
        self._server.close()


@pytest.fixture
def relay_to_engine() -> Iterator[Relay]:
    address = os.environ.get("PIPELINE_ENGINE_TCP", "")
    require(
        address.startswith("tcp://"),
        "the engine does not listen on TCP (PIPELINE_ENGINE_TCP is not set)",
        "bring it up with ENGINE_TCP_ADDR=tcp://127.0.0.1:7312 tools/engine/up "
        "(tools/dev/test does)",
    )
    parts = urlsplit(address)
    relay = Relay((parts.hostname or "127.0.0.1", parts.port or 0))
    yield relay
    relay.close()


def test_a_run_over_tcp_finds_what_a_run_over_the_socket_cached(
    dagger_cli: DaggerCli, checkout: Path, relay_to_engine: Relay
) -> None:
    over_socket = dagger_cli.run("dagger call lint", checkout)
    assert over_socket.returncode == 0, readable(over_socket.stderr)[-6000:]
    over_tcp = dagger_cli.run("dagger call lint", checkout, {RUNNER_HOST: relay_to_engine.address})
    assert over_tcp.returncode == 0, readable(over_tcp.stderr)[-6000:]
    assert relay_to_engine.carried > 10_000, "the CLI did not talk to the engine over TCP"
    cached = summary.cached(over_tcp.stdout)
    assert cached, over_tcp.stdout
    assert all(cached.values()), f"not every stage came from the shared cache:\n{over_tcp.stdout}"
