"""Helpers every stage uses."""

from collections.abc import Mapping

import dagger


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
