"""What each deployment environment requires, as plain data."""

from dataclasses import dataclass

from ci.errors import PipelineError


@dataclass(frozen=True)
class EnvironmentPolicy:
    """The rules of one environment."""

    name: str
    backup_before_migrate: bool


POLICIES = {
    "staging": EnvironmentPolicy("staging", backup_before_migrate=False),
    "production": EnvironmentPolicy("production", backup_before_migrate=True),
}


def policy(name: str) -> EnvironmentPolicy:
    """The policy of environment `name`; an unknown name lists the known ones."""
    try:
        return POLICIES[name.lower()]
    except KeyError:
        known = ", ".join(POLICIES)
        raise PipelineError(f"Unknown environment {name!r}: use one of {known}.") from None
