"""The closed choices users pass on the command line (`--env staging`, `--suite full`)."""

import enum

from dagger import enum_type


@enum_type
class Environment(enum.Enum):
    """A deployment environment."""

    STAGING = "staging"
    """Pre-production: migrated and deployed on every merge to main."""

    PRODUCTION = "production"
    """Live: backed up before every migration."""


@enum_type
class Suite(enum.Enum):
    """Which Playwright specs to run."""

    QUICK = "quick"
    """The specs tagged @quick: the core journey, for pull requests."""

    FULL = "full"
    """Every spec, for main."""


@enum_type
class PlanFormat(enum.Enum):
    """How `plan` prints the profile."""

    TEXT = "text"
    """Tables for people: each value with the file that decided it, then each stage."""

    JSON = "json"
    """The same as JSON, for tools."""


@enum_type
class LoadTarget(enum.Enum):
    """What the load test loads."""

    STACK = "stack"
    """The end-to-end stack as services, run for the test: the full load, checkout included."""

    STAGING = "staging"
    """Staging's public URL, bounded (few users, briefly, no checkout)."""

    PRODUCTION = "production"
    """Production's public URL, bounded (few users, briefly, no checkout)."""

    @property
    def environment(self) -> Environment | None:
        """The deployment environment loaded, or None for the stack."""
        return None if self is LoadTarget.STACK else Environment(self.value)
