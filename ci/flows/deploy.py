"""Deploy a release: send it, then roll it out beside the running one and switch to it.

Without images, `deploy` first publishes this checkout's (published_checkout): built for
the environment's platform, pushed to its registry, signed when its policy asks.

The environment's policy (signatures, the vulnerability gate) is checked by the caller
before this starts: nothing here runs until the host may be touched. The host does the
rest under its lock (ci/scripts/deploy-host.sh): health, the smoke test through the
private route, the switch, the smoke test of the public URL and any switch back.
"""

import time
from collections.abc import Awaitable, Callable

import dagger

from ci import environments, supply_chain
from ci.env_secrets import EnvSecrets
from ci.errors import PipelineError
from ci.flows.release import Published
from ci.images import EPOCH, oci_labels
from ci.publishing import deploy_tag, registry_host
from ci.rollout import Release
from ci.stages import signing
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


# Pushes both images: (registry, username, password, tags, platforms, labels) -> digests.
PushImages = Callable[
    [str, str, dagger.Secret, list[str], list[str], dict[str, str]], Awaitable[Published]
]


async def published_checkout(
    target: environments.Target,
    username: str,
    found: EnvSecrets,
    commit: str,
    transport: signing.Transport,
    push: PushImages,
) -> tuple[str, str, str]:
    """The checkout's images for `target`, pushed to its registry, signed if it asks.

    Their digest references, and a line saying what was published and from which commit.
    What the environment lacks (a registry, its bundle's keys) fails before any build.
    """
    if not target.registry:
        raise PipelineError(
            f"`deploy --env {target.name}` was given no images and "
            f"{environments.ENVIRONMENTS_FILE} names no registry for [{target.name}]: add "
            'registry = "ghcr.io/acme/printshop" there, or pass --backend-image and '
            "--frontend-image."
        )
    password = found.need("REGISTRY_PASSWORD", None, "deploy", argument=False)
    signer = None
    if target.require_signature:
        key = found.need("COSIGN_KEY", None, "deploy", argument=False)
        signer = supply_chain.Signer(key, found.get("COSIGN_PASSWORD", None), None)
        signer = signer.checked(transport)
    tag = deploy_tag(commit, time.gmtime())
    labels = oci_labels("unknown", commit, tag, EPOCH)
    published = await push(target.registry, username, password, [tag], [target.platform], labels)
    what = f"commit {commit}" if tag == commit else "commit unknown: give --commit"
    line = f"Published this checkout ({what}) to {target.registry} as {tag}"
    if signer is not None:
        registry = supply_chain.Registry(registry_host(target.registry), username, password)
        await supply_chain.signed(published.digests, [target.platform], registry, signer, transport)
        line += ", signed with the environment's COSIGN_KEY"
    return published.backend, published.frontend, f"{line}.\n"
