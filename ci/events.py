"""What the one GitHub Actions job does for each event: plain data, decided in Python.

pull request: the checks (quick Playwright suite). Push to main: the full checks, then a
release to staging. A v-tag (v1.2.3): a release to production (the workflow runs it in
the GitHub environment `production`, whose required reviewers approve it). Manual
dispatch: a release to the environment chosen. Other branches: the checks.
"""

import re
from dataclasses import dataclass

from ci.choices import Environment, Suite
from ci.errors import PipelineError

_VERSION_TAG = re.compile(r"^refs/tags/v\d+\.\d+\.\d+$")
EVENTS = ("pull_request", "push", "workflow_dispatch")


@dataclass(frozen=True)
class Decision:
    """The stages an event runs: the checks with a suite, then maybe a release."""

    suite: Suite
    release_to: Environment | None
    why: str


def decide(event: str, ref: str, environment: str = "") -> Decision:
    """The decision for GitHub's `event` on `ref`; `environment` for manual dispatch."""
    if event == "pull_request":
        return Decision(Suite.QUICK, None, "pull request: the checks")
    if event == "push" and ref == "refs/heads/main":
        return Decision(Suite.FULL, Environment.STAGING, "push to main: release to staging")
    if event == "push" and _VERSION_TAG.match(ref):
        return Decision(Suite.FULL, Environment.PRODUCTION, f"{ref}: release to production")
    if event == "push" and ref.startswith("refs/heads/"):
        return Decision(Suite.QUICK, None, f"push to {ref.removeprefix('refs/heads/')}: checks")
    if event == "push":
        raise PipelineError(
            f"ci does not release {ref!r}: tags must look like v1.2.3 (refs/tags/v1.2.3)."
        )
    if event == "workflow_dispatch":
        known = [e.value for e in Environment]
        if environment not in known:
            raise PipelineError(
                f"A manual run needs --environment, one of {', '.join(known)} "
                f"(got {environment!r})."
            )
        target = Environment(environment)
        return Decision(Suite.FULL, target, f"manual run: release to {environment}")
    raise PipelineError(f"ci does not handle the event {event!r}: use one of {', '.join(EVENTS)}.")


def missing_arguments(decision: Decision, given: dict[str, object]) -> PipelineError:
    """The error for a release run without some of the arguments it needs, named."""
    missing = ", ".join(name for name, value in given.items() if not value)
    return PipelineError(f"{decision.why} needs {missing}: pass them from the job's secrets.")
