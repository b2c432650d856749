"""What a push to main does, step by step: test, performance, scan, publish, sign, deploy.

A `ReleaseRequest` is planned against its environment first (`planned`): every value a
step needs is filled in from the environments file and the environment's bundle and
checked, so a missing key fails before the tests run. The steps then run in order and
the first failure stops the rest; a webhook, when given, is told the outcome either way.
Each step is the pipeline's own function, passed in.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import dagger

from ci import environments, supply_chain
from ci.choices import Environment, Suite
from ci.concurrency import Stage, run_in_order
from ci.env_secrets import EnvSecrets
from ci.errors import PipelineError
from ci.flows.deploy import DeployRequest, Published, transport_to
from ci.images import checked_platforms
from ci.publishing import registry_host
from ci.report import require_passed, tail
from ci.stages import notify, signing


@dataclass(frozen=True)
class ReleaseRequest:
    """What a release was asked; what it leaves empty comes from the environment.

    The registry, its user and the signing key from the environments file and the
    environment's bundle; `performance`: run the load test and Lighthouse after the
    tests, their figures kept as main's.
    """

    git_ref: str
    revision: str
    env: Environment = Environment.STAGING
    registry: str = ""
    username: str = ""
    password: dagger.Secret | None = None
    ssh_key: dagger.Secret | None = None
    database_url: dagger.Secret | None = None
    secret_key: dagger.Secret | None = None
    key: dagger.Secret | None = None
    key_password: dagger.Secret | None = None
    identity_token: dagger.Secret | None = None
    webhook: dagger.Secret | None = None
    deployed_by: str = "release"
    suite: Suite = Suite.QUICK
    platform: list[str] | None = None
    db: dagger.Directory | None = None
    db_repository: str | None = None
    offline: bool = False
    insecure_registry: bool = False
    performance: bool = False


@dataclass(frozen=True)
class ReleasePlan:
    """A release request with the environment's values filled in, each checked.

    `repository`: the prefix the images are pushed under; `registry`: who pushes and
    signs there; `signer`: None when the release signs nothing; `deploy`: the deploy of
    the published images (given once they are).
    """

    request: ReleaseRequest
    repository: str
    registry: supply_chain.Registry
    signer: supply_chain.Signer | None
    transport: signing.Transport
    deploy: DeployRequest

    def deploy_of(self, published: Published) -> DeployRequest:
        """The deploy of the images `published`."""
        return replace(self.deploy, images=(published.backend, published.frontend))

    def sign_step(self) -> Callable[[Published], Awaitable[str]] | None:
        """Signing the published images, each platform's SBOM attested; None: no signer."""
        signer = self.signer
        if signer is None:
            return None
        platforms = checked_platforms(self.request.platform)

        async def sign(published: Published) -> str:
            return await supply_chain.signed(
                published.digests, platforms, self.registry, signer, self.transport
            )

        return sign

    def notifier(self) -> Callable[[str], Awaitable[None]] | None:
        """Telling the webhook the outcome (one that fails is one sentence); None: no webhook."""
        webhook, request = self.request.webhook, self.request
        if webhook is None:
            return None

        async def notified(outcome: str) -> None:
            text = f"Release of {request.revision[:12]} ({request.git_ref}): {outcome}."
            try:
                await notify.webhook_post(webhook, text).sync()
            except dagger.ExecError as exc:
                raise PipelineError(
                    f"The webhook did not take the message ({tail(exc.stderr, 1)}): check its URL."
                ) from None

        return notified


def planned(request: ReleaseRequest, target: environments.Target, found: EnvSecrets) -> ReleasePlan:
    """`request` with what it left empty taken from `target` and its bundle `found`, checked.

    Signs with the bundle's COSIGN_KEY when the environment asks for signatures and the
    request gave no key or token.
    """
    repository = request.registry or target.registry
    if not repository:
        raise PipelineError(
            f"`release` needs --registry: pass it, or name the environment's in "
            f"{environments.ENVIRONMENTS_FILE} ([{target.name}] registry = ...)."
        )
    username = request.username or target.registry_username
    password = found.need("REGISTRY_PASSWORD", request.password, "release", "--password")
    transport = transport_to(target, request.offline, request.insecure_registry)
    deploy = DeployRequest(
        env=request.env,
        ssh_key=found.need("SSH_KEY", request.ssh_key, "release"),
        database_url=found.need("DATABASE_URL", request.database_url, "release"),
        secret_key=found.need("SECRET_KEY", request.secret_key, "release"),
        commit=request.revision,
        deployed_by=request.deployed_by,
        registry_username=username,
        registry_password=password,
        offline=transport.offline,
        insecure_registry=transport.insecure_registry,
        db=request.db,
        db_repository=request.db_repository,
    )
    key, key_password = request.key, request.key_password
    if key is None and request.identity_token is None and target.require_signature:
        key, key_password = found.get("COSIGN_KEY", None), found.get("COSIGN_PASSWORD", None)
    signer = None
    if key is not None or request.identity_token is not None:
        signer = supply_chain.Signer(key, key_password, request.identity_token).checked(transport)
    registry = supply_chain.Registry(registry_host(repository), username, password)
    return ReleasePlan(request, repository, registry, signer, transport, deploy)


@dataclass(frozen=True)
class ReleaseSteps:
    """The steps of a release; `sign` is None when no signing key or token was given.

    `performance` (the load test and Lighthouse, keeping main's figures) is None when the
    release was not asked to run them.
    """

    test: Callable[[], Awaitable[str]]
    scan: Callable[[], Awaitable[str]]
    publish: Callable[[], Awaitable[Published]]
    sign: Callable[[Published], Awaitable[str]] | None
    deploy: Callable[[Published], Awaitable[str]]
    performance: Callable[[], Awaitable[str]] | None = None


async def released(
    steps: ReleaseSteps,
    environment: str,
    notify: Callable[[str], Awaitable[None]] | None,
) -> str:
    """Run the steps in order; the summary, or the first failure (notify told either way)."""
    published: list[Published] = []

    async def publish() -> str:
        published.append(await steps.publish())
        return published[0].lines()

    ordered: dict[str, Stage] = {"test": steps.test}
    if steps.performance is not None:
        ordered["performance"] = steps.performance
    ordered |= {"scan": steps.scan, "publish": publish}
    if steps.sign is not None:
        sign = steps.sign
        ordered["sign"] = lambda: sign(published[0])
    ordered[f"deploy {environment}"] = lambda: steps.deploy(published[0])
    results = await run_in_order(ordered)
    failed = [r.name for r in results if not r.passed]
    if notify is not None:
        await notify(f"failed at {failed[0]}" if failed else f"deployed to {environment}")
    return require_passed("release", results)
