"""Deploy a release: the environment's policy, then send it and roll it out beside the running one.

Without images, the checkout's are published first (published_checkout): built for the
environment's platform, pushed to its registry, signed when its policy asks. The policy
(signatures, the vulnerability gate, migrations that would break the running release) is
checked before the host is touched. The host does the rest under its lock
(ci/scripts/deploy-host.sh): health, the smoke test through the private route, the
switch, the smoke test of the public URL and any switch back.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import dagger

from ci import environments, supply_chain
from ci.choices import Environment
from ci.env_secrets import EnvSecrets
from ci.errors import PipelineError
from ci.images import EPOCH, oci_labels
from ci.migration_report import MigrationCheck
from ci.publishing import deploy_tag, digest_host, registry_host
from ci.rollout import checked_digest, new_release
from ci.stages import signing
from ci.supply_chain import Registry
from ci.targets import AppSecrets, ReleaseHost


@dataclass(frozen=True)
class Published:
    """The digest reference of each image `publish` pushed, and the tags it gave them."""

    backend: str
    frontend: str
    tags: list[str]

    @property
    def digests(self) -> list[str]:
        """Both digest references, backend first."""
        return [self.backend, self.frontend]

    def lines(self) -> str:
        """One line per image: its name, digest reference and tags."""
        tags = ", ".join(self.tags)
        return "\n".join(
            f"{name} {ref} (tags: {tags})"
            for name, ref in (("backend", self.backend), ("frontend", self.frontend))
        )


@dataclass(frozen=True)
class DeployRequest:
    """What a deploy was asked; what it leaves empty comes from the environment.

    `images`: the backend's and the frontend's digest references; both empty, the
    checkout's are published first. `db`, `db_repository`: the vulnerability database
    the gate reads, where the environment asks for the gate.
    """

    env: Environment
    images: tuple[str, str] = ("", "")
    ssh_key: dagger.Secret | None = None
    database_url: dagger.Secret | None = None
    secret_key: dagger.Secret | None = None
    commit: str = "unknown"
    deployed_by: str = "cli"
    registry_username: str = ""
    registry_password: dagger.Secret | None = None
    offline: bool = False
    insecure_registry: bool = False
    db: dagger.Directory | None = None
    db_repository: str | None = None
    allow_breaking_migrations: str = ""


# Pushes both images: (registry, username, password, tags, platforms, labels) -> digests.
PushImages = Callable[
    [str, str, dagger.Secret, list[str], list[str], dict[str, str]], Awaitable[Published]
]
# Refuses images the environment does not take: (target, images, login, transport).
SignaturesCheck = Callable[
    [environments.Target, list[str], Registry | None, signing.Transport], Awaitable[None]
]
# Refuses images that fail the vulnerability gate: (target, images, login).
GateCheck = Callable[[environments.Target, list[str], Registry | None], Awaitable[None]]
# Lints the new backend's migrations against the running release's: (host, image, login, reason).
MigrationsCheck = Callable[[ReleaseHost, str, Registry | None, str], Awaitable[MigrationCheck]]


@dataclass(frozen=True)
class DeploySteps:
    """The pipeline's own steps a deploy runs, passed in; `backup_image` takes the backup."""

    publish: PushImages
    signatures: SignaturesCheck
    vulnerabilities: GateCheck
    migrations: MigrationsCheck
    backup_image: str


async def deployed(
    request: DeployRequest, found: EnvSecrets, host: ReleaseHost, steps: DeploySteps
) -> str:
    """Carry out `request` on `host` (its environment's bundle `found`); what was done.

    Publishes the checkout when no images were given, refuses what the environment's
    policy does not take before the host is touched, then sends and rolls out the release.
    """
    target = host.target
    app = AppSecrets(
        found.need("DATABASE_URL", request.database_url, "deploy"),
        found.need("SECRET_KEY", request.secret_key, "deploy"),
    )
    transport = transport_to(target, request.offline, request.insecure_registry)
    username = request.registry_username or target.registry_username
    password = found.get("REGISTRY_PASSWORD", request.registry_password)
    backend, frontend = request.images
    published = ""
    if not (backend or frontend):
        backend, frontend, published = await published_checkout(
            target, username, found, request.commit, transport, steps.publish
        )
    images = [checked_digest("backend", backend), checked_digest("frontend", frontend)]
    login = registry_login(images, username, password)
    if target.require_signature:
        await steps.signatures(target, images, login, transport)
    if target.require_scan:
        await steps.vulnerabilities(target, images, login)
    migrations = await steps.migrations(host, images[0], login, request.allow_breaking_migrations)
    release = new_release(
        target, images[0], images[1], request.commit, request.deployed_by, steps.backup_image
    )
    release = replace(release, allowed_breaking=migrations.allowed_breaking)
    await host.send(release, app, login)
    log = await host.roll_out(release)
    return f"{published}{migrations.line}{log}\nDeployed {release.release} to {target.name}."


def transport_to(
    target: environments.Target, offline: bool, insecure_registry: bool
) -> signing.Transport:
    """How cosign and the registry are reached for `target`: as the flags or it says."""
    return signing.Transport(
        offline or target.offline, insecure_registry or target.insecure_registry
    )


def registry_login(
    images: list[str], username: str, password: dagger.Secret | None
) -> Registry | None:
    """How a host pulls `images` from their registry, or None to pull anonymously."""
    if password is None:
        return None
    return Registry(digest_host(images[0]), username, password)


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
        registry = Registry(registry_host(target.registry), username, password)
        await supply_chain.signed(published.digests, [target.platform], registry, signer, transport)
        line += ", signed with the environment's COSIGN_KEY"
    return published.backend, published.frontend, f"{line}.\n"
