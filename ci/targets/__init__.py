"""Where releases run, each kind behind one small interface: send, roll out, roll back, history.

The flows (ci/flows/) speak to a `ReleaseHost`; `compose_host.Host` is the one kind today
(one host over SSH, each release a Docker Compose project beside the running one). Another
kind (several hosts, Kubernetes) is another module here with the same five methods.
"""

from dataclasses import dataclass
from typing import Literal, Protocol

import dagger

from ci import rollout
from ci.environments import Target
from ci.supply_chain import Registry


@dataclass(frozen=True)
class AppSecrets:
    """What the app needs at run time, each a Secret that reaches the host as a file."""

    database_url: dagger.Secret
    secret_key: dagger.Secret


class ReleaseHost(Protocol):
    """An environment's place to run releases; every failure raises one sentence."""

    target: Target

    async def send(self, release: rollout.Release, app: AppSecrets, login: Registry | None) -> None:
        """Put `release` there with the app's secrets, nothing started (pull with `login`)."""

    async def roll_out(self, release: rollout.Release) -> str:
        """Start `release` beside the running one, check it, switch traffic to it; the log."""

    async def roll_back(self, to: str, secrets: Literal["current", "own"] = "current") -> str:
        """Switch back to release `to` (default: the one before the current); the log."""

    async def history(self) -> rollout.History:
        """The releases kept there, the current one, and recent events."""

    async def running(self) -> rollout.Release | None:
        """The release serving now (None: none does)."""
