"""A scheduled run: what each environment runs now, checked; nothing is built or deployed.

The workflow's cron says which watch (ci/events.py): HEALTH, the smoke test and a bounded
load test of each environment's public URL; SECURITY, the vulnerability gate on the
images each environment's current release runs (advisories published since it was
deployed). Every environment is checked at once; the run fails naming each check that
failed, with its output (the smoke table, the findings with their advisories).
"""

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import dagger

from ci.choices import Environment
from ci.concurrency import Stage, run_stages
from ci.errors import PipelineError
from ci.events import Decision, Watch
from ci.flows.deploy import registry_login
from ci.report import require_passed
from ci.supply_chain import Registry
from ci.targets import ReleaseHost

# One check of one environment: env -> its table, or a PipelineError saying what failed.
EnvCheck = Callable[[Environment], Awaitable[str]]


@dataclass(frozen=True)
class WatchChecks:
    """The checks a scheduled run can make of an environment, the pipeline's own."""

    smoke: EnvCheck
    load: EnvCheck
    vulnerabilities: EnvCheck


def stages(decision: Decision, checks: WatchChecks) -> dict[str, Stage]:
    """The checks of each environment `decision` watches, by stage name."""
    found: dict[str, Stage] = {}
    for env in decision.watched:
        if decision.watch == Watch.SECURITY:
            found[f"vulnerabilities {env.value}"] = functools.partial(checks.vulnerabilities, env)
        else:
            found[f"smoke {env.value}"] = functools.partial(checks.smoke, env)
            found[f"load {env.value}"] = functools.partial(checks.load, env)
    return found


async def watched(decision: Decision, checks: WatchChecks) -> str:
    """The checks of every environment `decision` watches, run at once; a table of each."""
    return require_passed("schedule", await run_stages(stages(decision, checks)))


async def running_gated(
    host: ReleaseHost,
    password: dagger.Secret | None,
    gate: Callable[[list[str], Registry | None], Awaitable[str]],
) -> str:
    """`gate` (the vulnerability gate) on the images `host` runs now, pulled with `password`.

    A failure names the release and says the advisories are newer than it.
    """
    release, images = await running_images(host)
    login = registry_login(images, host.target.registry_username, password)
    try:
        return await gate(images, login)
    except PipelineError as exc:
        raise PipelineError(
            f"{host.target.name} runs {release}, whose images now fail the vulnerability "
            f"gate (advisories published since it was deployed): deploy a fixed "
            f"release.\n{exc}"
        ) from None


async def running_images(host: ReleaseHost) -> tuple[str, list[str]]:
    """The release `host` runs now and its backend and frontend images, by digest."""
    release = await host.running()
    if release is None:
        raise PipelineError(
            f"{host.target.name} runs no release, so no image of it was scanned: deploy one."
        )
    return release.release, [release.backend, release.frontend]
