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
