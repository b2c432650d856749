"""A scheduled run: what each environment runs now, checked; nothing is built or deployed.

The workflow's cron says which watch (ci/events.py): HEALTH, the smoke test and a bounded
load test of each environment's public URL; SECURITY, the vulnerability gate on the
images each environment's current release runs (advisories published since it was
deployed). Every environment is checked at once; the run fails naming each check that
failed, with its output (the smoke table, the findings with their advisories).
"""

from collections.abc import Callable, Mapping

from ci.choices import Environment
from ci.concurrency import Stage, run_stages
from ci.errors import PipelineError
from ci.events import Decision
from ci.report import require_passed
from ci.targets.compose_host import Host, running_release

# One environment's checks: stage name -> stage.
Checks = Callable[[Environment], Mapping[str, Stage]]


async def watched(decision: Decision, checks: Checks) -> str:
    """The checks of every environment `decision` watches, run at once; a table of each."""
    stages: dict[str, Stage] = {}
    for env in decision.watched:
        stages.update(checks(env))
    return require_passed("schedule", await run_stages(stages))


async def running_images(host: Host) -> tuple[str, list[str]]:
    """The release `host` runs now and its backend and frontend images, by digest."""
    release = await running_release(host)
    if release is None:
        raise PipelineError(
            f"{host.target.name} runs no release, so no image of it was scanned: deploy one."
        )
    return release.release, [release.backend, release.frontend]
