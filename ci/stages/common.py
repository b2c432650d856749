"""Helpers every stage uses."""

import uuid
from collections.abc import Mapping

import dagger
from dagger import dag

from ci.versions import DEFAULT_PYTHON, python_image


def with_env(container: dagger.Container, variables: Mapping[str, str]) -> dagger.Container:
    """`container` with every (non-secret) variable of `variables` set."""
    for name, value in variables.items():
        container = container.with_env_variable(name, value)
    return container


def each_command(
    base: dagger.Container, commands: Mapping[str, list[str]]
) -> dict[str, dagger.Container]:
    """One container per named command, each `base` ending in that command."""
    return {name: base.with_exec(command) for name, command in commands.items()}


def with_health_check(
    container: dagger.Container, command: list[str], start_period: str = "60s"
) -> dagger.Container:
    """`container` ready, as a service, once `command` succeeds (checked every second).

    Failures during `start_period` (migrations, first-start setup) do not count.
    """
    return container.with_docker_healthcheck(
        command, interval="1s", timeout="5s", start_period=start_period, retries=30
    )


def http_get(url: str, output: str = "/dev/null") -> list[str]:
    """A command fetching `url` to `output` that fails on an HTTP error.

    It is busybox's wget, which the nginx image has (it has no curl), proxies off.
    """
    return ["wget", "-q", "-Y", "off", "-O", output, url]


def tool_shell(image: str, binary: str) -> dagger.Container:
    """The tool at `binary` in `image`, on PATH in a Debian shell, for a terminal.

    The official syft and cosign images hold the binary and nothing else: no shell.
    """
    name = binary.rsplit("/", 1)[-1]
    tool = dag.container().from_(image).file(binary)
    return (
        dag.container()
        .from_(python_image(DEFAULT_PYTHON))
        .with_file(f"/usr/local/bin/{name}", tool, permissions=0o755)
        .with_default_terminal_cmd(["bash"])
    )


def volume_shell(volume: str, mount: str, python_version: str) -> dagger.Container:
    """Python with the cache volume `volume` at `mount`, never served from the cache.

    For what the engine keeps between calls (job summaries, performance baselines):
    a fresh nonce makes each read or write run again.
    """
    return (
        dag.container()
        .from_(python_image(python_version))
        .with_mounted_cache(mount, dag.cache_volume(volume))
        .with_env_variable("RUN_NONCE", uuid.uuid4().hex)
    )


async def reports_of(container: dagger.Container, reports_dir: str) -> dagger.Directory:
    """The reports `container` wrote in `reports_dir`, with its exit code beside them."""
    return await with_exit_code(container, container.directory(reports_dir))


async def with_exit_code(
    container: dagger.Container, reports: dagger.Directory
) -> dagger.Directory:
    """`reports` plus an exit-code file holding how `container`'s last command ended."""
    return reports.with_new_file("exit-code", f"{await container.exit_code()}\n")
