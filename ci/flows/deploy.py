"""Deploy a release: send it, roll it out, smoke test it, and switch back if that fails.

The environment's policy (signatures, the vulnerability gate) is checked by the caller
before this starts: nothing here runs until the host may be touched.
"""

from collections.abc import Awaitable, Callable

from ci.errors import PipelineError
from ci.rollout import Release
from ci.stages.smoke import SmokeResult
from ci.targets.compose_host import (
    AppSecrets,
    Host,
    RegistryLogin,
    rolled_back,
    rolled_out,
    send_release,
)

# (url, release the health answer must name) -> the smoke checks of that URL.
SmokeTest = Callable[[str, str], Awaitable[SmokeResult]]


async def deployed(
    host: Host,
    release: Release,
    app: AppSecrets,
    login: RegistryLogin | None,
    smoke_test: SmokeTest,
) -> str:
    """Roll `release` out on `host`; its log and smoke table, or why the previous one runs."""
    target = host.target
    await send_release(host, release, app, login)
    log = await rolled_out(host, release)
    checks = await smoke_test(target.url, release.release)
    if checks.passed:
        return f"{log}\n\n{checks.table()}\nDeployed {release.release} to {target.name}."
    # Back to the release that ran healthy with its own secrets: the new ones may be why
    # this one failed.
    back = await rolled_back(host, "", secrets="own")
    raise PipelineError(
        f"Release {release.release} failed its smoke test on {target.name}, so the "
        f"previous release runs again.\n{checks.table()}\n{back}"
    )
