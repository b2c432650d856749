"""What the one GitHub Actions job does for each event: plain data, decided in Python.

pull request: the checks (quick Playwright suite). Push to main: the full checks, then a
release to staging. A v-tag (v1.2.3): a release to production (the workflow runs it in
the GitHub environment `production`, whose required reviewers approve it). Manual
dispatch: a release to the environment chosen. Other branches: the checks.
Schedule: what runs now in both environments is checked, no checkout is built; which
check comes from the workflow's cron (`github.event.schedule`): HEALTH_CRON the smoke
and a bounded load test, SECURITY_CRON the vulnerability gate on the running images.
"""

import enum
import re
from dataclasses import dataclass

from ci.choices import Environment, Suite
from ci.errors import PipelineError

_VERSION_TAG = re.compile(r"^refs/tags/v\d+\.\d+\.\d+$")
EVENTS = ("pull_request", "push", "workflow_dispatch", "schedule")
# The workflow's `schedule:` crons (.github/workflows/pipeline.yml holds the same).
HEALTH_CRON = "17 */4 * * *"  # every four hours
SECURITY_CRON = "43 5 * * 1"  # Mondays, 05:43 UTC


class Watch(enum.Enum):
    """What a scheduled run checks in each environment."""

    HEALTH = "smoke test and a bounded load test"
    SECURITY = "the vulnerability gate on the images it runs"


@dataclass(frozen=True)
class Decision:
    """The stages an event runs: the checks with a suite, then maybe a release.

    A scheduled run builds nothing: `watch` says what it checks in `watched`.
    """

    suite: Suite
    release_to: Environment | None
    why: str
    watch: Watch | None = None
    watched: tuple[Environment, ...] = ()


def decide(event: str, ref: str, environment: str = "", schedule: str = "") -> Decision:
    """The decision for GitHub's `event` on `ref`; `environment` for manual dispatch.

    `schedule` is the cron of a scheduled run (github.event.schedule).
    """
    if event == "schedule":
        return _scheduled(schedule)
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


def _scheduled(cron: str) -> Decision:
    """The checks of a scheduled run started by `cron`, in every environment."""
    watches = {HEALTH_CRON: Watch.HEALTH, SECURITY_CRON: Watch.SECURITY}
    if cron not in watches:
        known = " or ".join(repr(c) for c in watches)
        raise PipelineError(
            f"ci has no scheduled check for the cron {cron!r}: pass --schedule="
            f"${{{{ github.event.schedule }}}}, one of {known} (ci/events.py)."
        )
    watch = watches[cron]
    watched = tuple(Environment)
    names = " and ".join(e.value for e in watched)
    return Decision(Suite.QUICK, None, f"schedule: {watch.value} of {names}", watch, watched)


def missing_arguments(decision: Decision, given: dict[str, object]) -> PipelineError:
    """The error for a release run without some of the arguments it needs, named."""
    missing = ", ".join(name for name, value in given.items() if not value)
    return PipelineError(f"{decision.why} needs {missing}: pass them from the job's secrets.")
