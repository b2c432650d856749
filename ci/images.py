"""What `build` returns: the release images of each platform, and what to do with them."""

import functools
from datetime import datetime
from typing import Annotated

import dagger
from dagger import Doc, dag, field, object_type

from ci import rollout
from ci.concurrency import Stage, past_content_races, run_stages
from ci.decorators import function
from ci.errors import PipelineError
from ci.report import failure_text, require_passed
from ci.stages.images import PLATFORMS

# Builds are reproducible by default: `created` is the Unix epoch unless given.
EPOCH = "1970-01-01T00:00:00Z"
# The port the deploy serves each image on (its Compose file: ci/rollout.py).
DEPLOY_PORTS = {"backend": rollout.BACKEND_PORT, "frontend": rollout.FRONTEND_PORT}


def checked_platforms(platforms: list[str] | None) -> list[str]:
    """The platforms to build (default: all), each supported, in the order given, once."""
    chosen = list(dict.fromkeys(platforms or PLATFORMS))
    unsupported = [p for p in chosen if p not in PLATFORMS]
    if unsupported:
        raise PipelineError(
            f"Unsupported platform {', '.join(unsupported)}: use {' or '.join(PLATFORMS)} "
            "(or both, the default)."
        )
    return chosen


def oci_labels(source_url: str, revision: str, version: str, created: str) -> dict[str, str]:
    """The OCI annotation labels every image carries; `created` must be RFC 3339."""
    try:
        datetime.fromisoformat(created)
    except ValueError:
        raise PipelineError(
            f"--created {created!r} is not an RFC 3339 time: use e.g. 2026-11-22T10:00:00Z "
            "(`git log -1 --format=%cI` gives the commit's)."
        ) from None
    for name, value in (("--version", version), ("--revision", revision)):
        if not value.strip() or any(c.isspace() for c in value):
            raise PipelineError(f"{name} {value!r} must be one word, e.g. 1.2.3 or a commit sha.")
    prefix = "org.opencontainers.image"
    return {
        f"{prefix}.source": source_url,
        f"{prefix}.revision": revision,
        f"{prefix}.version": version,
        f"{prefix}.created": created,
    }


def deploy_gap(
    part: str, dockerfile: str, healthcheck: bool, exposed: list[int], command: list[str]
) -> str | None:
    """What `part`'s image from `dockerfile` lacks for the deploy, as one sentence, or None.

    The deploy waits for each container's HEALTHCHECK to pass and sends traffic to
    DEPLOY_PORTS[part]: the image must expose that port or its command must name it.
    """
    port = DEPLOY_PORTS[part]
    missing = [] if healthcheck else ["a HEALTHCHECK"]
    if exposed and port not in exposed:
        listed = ", ".join(map(str, exposed))
        missing.append(f"EXPOSE {port} with its server listening there (it exposes {listed})")
    elif not exposed and not any(str(port) in arg for arg in command):
        why = f"its command names no port {port}"
        missing.append(f"EXPOSE {port} with its server listening there ({why})")
    if not missing:
        return None
    return (
        f"The {part} image from {dockerfile} cannot be deployed: add {' and '.join(missing)}; "
        f"the deploy sends it traffic on port {port} once its health check passes "
        "(deploy/README.md)."
    )


async def check_deployable(part: str, dockerfile: str, image: dagger.Container) -> None:
    """Fail in one sentence when `image` (from `dockerfile`) lacks what the deploy needs."""
    try:
        await image.docker_healthcheck().args()
        healthcheck = True
    except dagger.InvalidQueryError:  # the image has none: the engine answers null
        healthcheck = False
    except dagger.ExecError as exc:
        raise PipelineError(f"Building the {part} image failed: {failure_text(exc)}") from None
    exposed = [await port.port() for port in await image.exposed_ports()]
    command = [*await image.entrypoint(), *await image.default_args()]
    gap = deploy_gap(part, dockerfile, healthcheck, exposed, command)
    if gap:
        raise PipelineError(gap)


def size_table(sizes: list[tuple[str, str, int]]) -> str:
    """A table of (image, platform, compressed size in bytes) rows."""
    rows = [f"{'image':<10}{'platform':<14}{'size (gzip)':>12}"]
    for image, platform, size in sizes:
        rows.append(f"{image:<10}{platform:<14}{size / 1e6:>9.1f} MB")
    return "\n".join(rows)


@object_type
class Images:
    """The backend and frontend images, one per platform: chain backend, frontend or tarballs."""

    platforms: Annotated[list[str], Doc("The platforms built, in order")] = field()
    sizes: Annotated[str, Doc("Compressed size of each image and platform")] = field()
    # Both lists follow `platforms`.
    backend_variants: list[dagger.Container]
    frontend_variants: list[dagger.Container]

    def _variant(self, variants: list[dagger.Container], platform: str) -> dagger.Container:
        if platform not in self.platforms:
            raise PipelineError(
                f"No image was built for {platform}: these were, {', '.join(self.platforms)}."
            )
        return variants[self.platforms.index(platform)]

    @function
    def backend(
        self, platform: Annotated[str, Doc("Which platform's image")] = PLATFORMS[0]
    ) -> dagger.Container:
        """The backend image of one platform: chain `terminal`, `export`, `as-service`..."""
        return self._variant(self.backend_variants, platform)

    @function
    def frontend(
        self, platform: Annotated[str, Doc("Which platform's image")] = PLATFORMS[0]
    ) -> dagger.Container:
        """The frontend image of one platform: chain `terminal`, `export`, `as-service`..."""
        return self._variant(self.frontend_variants, platform)

    @function
    def tarballs(self) -> dagger.Directory:
        """backend.tar and frontend.tar, each an OCI archive of every platform's image.

        `docker load` or `skopeo copy --all oci-archive:backend.tar ...` reads them.
        """
        variants = {"backend": self.backend_variants, "frontend": self.frontend_variants}
        out = dag.directory()
        for name, containers in variants.items():
            tarball = dag.container().as_tarball(platform_variants=containers)
            out = out.with_file(f"{name}.tar", tarball)
        return out


def _image_and_platform(stage: str) -> tuple[str, str]:
    image, platform = stage.split(" ")
    return image, platform


async def _gzip_size(container: dagger.Container) -> str:
    tarball = container.as_tarball(forced_compression=dagger.ImageLayerCompression.Gzip)
    return str(await past_content_races(tarball.size))


async def measured(
    platforms: list[str], backends: list[dagger.Container], frontends: list[dagger.Container]
) -> Images:
    """Build every image concurrently, each measured (gzip), and return them together.

    A failing build fails the whole call, naming the image and platform with its output.
    """
    stages: dict[str, Stage] = {}
    for name, containers in (("backend", backends), ("frontend", frontends)):
        for platform, container in zip(platforms, containers, strict=True):
            stages[f"{name} {platform}"] = functools.partial(_gzip_size, container)
    results = await run_stages(stages)
    require_passed("build", results)
    table = size_table([(*_image_and_platform(r.name), int(r.output)) for r in results])
    print(table)
    return Images(  # type: ignore[call-arg]
        platforms=platforms, sizes=table, backend_variants=backends, frontend_variants=frontends
    )
