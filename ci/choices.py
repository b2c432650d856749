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
