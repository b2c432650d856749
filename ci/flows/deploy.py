"""Deploy a release: send it, then roll it out beside the running one and switch to it.

The environment's policy (signatures, the vulnerability gate) is checked by the caller
before this starts: nothing here runs until the host may be touched. The host does the
rest under its lock (ci/scripts/deploy-host.sh): health, the smoke test through the
private route, the switch, the smoke test of the public URL and any switch back.
"""

from ci.rollout import Release
from ci.targets.compose_host import (
    AppSecrets,
    Host,
    RegistryLogin,
    rolled_out,
    send_release,
)


async def deployed(
    host: Host, release: Release, app: AppSecrets, login: RegistryLogin | None
) -> str:
    """Roll `release` out on `host`; its log and smoke tables, or why the previous one serves."""
    await send_release(host, release, app, login)
    log = await rolled_out(host, release)
    return f"{log}\nDeployed {release.release} to {host.target.name}."
