"""Release images on a real engine: both platforms built, run (arm64 under QEMU) and
healthy, non-root, labelled, and pushed as multi-platform indexes to a registry."""

import json
import os
import subprocess
import uuid
from typing import Any

import dagger
import pytest
from dagger import dag

from ci.images import Images
from ci.stages import backend, frontend, images
from ci.stages.common import http_get, with_env
from ci.stages.postgres import ALIAS, database_url, postgres_service
from ci.versions import nginx_image
from tests.engine.conftest import pipeline
from tests.support.prerequisites import ENGINE_FIX, require

pytestmark = [pytest.mark.engine, pytest.mark.asyncio]
PLATFORMS = ["linux/amd64", "linux/arm64"]
NATIVE_PLATFORM = "linux/amd64"  # the engine's; the other one runs under QEMU
# The images issue's targets, gzip-compressed (as `build` prints them).
SIZE_BUDGETS_MB = {"backend": 150, "frontend": 30}
REVISION = "3f2c9a1b7d0e4c5f8a6b9c2d1e0f3a4b5c6d7e8f"
RELEASE = "images-engine-test"
# The backend image's health check, as a user of the image reads it (docker inspect).
BACKEND_HEALTHCHECK: dict[str, Any] = {
    "args": backend.HEALTHCHECK_COMMAND,
    "interval": "10s",
    "timeout": "5s",
    "start_period": "30s",
    "retries": 3,
}


async def built() -> Images:
    return await (await pipeline()).build(PLATFORMS, "1.2.3", REVISION, "https://example.com/s")


def backend_service(built_images: Images, platform: str) -> dagger.Service:
    """The backend image of `platform` as a service, bound to a PostgreSQL of its own.

    The health check needs no tables, so no migrations (Django under QEMU is slow). The
    engine waits for the image's health check, whose 30 s start period is for real
    hardware: under QEMU it is too slow to pass reliably (the emulated backend with the
    image's own check failed with four test workers on two cores, and took 155 s to
    answer with one test on a busy machine on 2026-12-02), so the emulated one gets the
    same command with ten minutes, and the test below runs the image's own on amd64."""
    database = postgres_service("17", f"images {platform}")
    settings = backend.serve_settings(database_url(), RELEASE)
    server = (
        with_env(built_images.backend(platform), settings)
        .with_service_binding(ALIAS, database)
        .with_exposed_port(backend.SERVER_PORT)
    )
    if platform != NATIVE_PLATFORM:
        server = server.with_docker_healthcheck(
            BACKEND_HEALTHCHECK["args"],  # the image's command, emulation's timings
            interval="5s",
            timeout="30s",
            start_period="600s",
            retries=3,
        )
    return server.as_service(use_entrypoint=True)


async def health(service: dagger.Service, port: int) -> object:
    """What /api/health/ answers on `service`, asked from a native container.

    An exec like any other: the engine starts the services it binds, and caches the
    answer for these exact images, so an unchanged image is not started again. The
    service is killed after: under QEMU it stops too slowly for the session's end."""
    url = f"http://server:{port}{backend.HEALTH_PATH}"
    try:
        answer = await (
            dag.container()
            .from_(nginx_image())  # for its wget
            .with_service_binding("server", service)
            .with_exec(http_get(url, output="-"))
            .stdout()
        )
    finally:
        await service.stop(kill=True)
    return json.loads(answer)


async def test_both_platforms_build_within_their_size_budgets(engine: None) -> None:
    result = await built()
    assert result.platforms == PLATFORMS
    for name, budget in SIZE_BUDGETS_MB.items():
        for platform in PLATFORMS:
            row = f"{name:<10}{platform:<14}"
            assert row in result.sizes
            megabytes = float(result.sizes.split(row)[1].split("MB")[0])
            assert megabytes <= budget, f"{name} {platform} is {megabytes} MB, over {budget}"


async def test_amd64_images_serve_the_app_together(engine: None) -> None:
    built_images = await built()
    web = (
        built_images.frontend("linux/amd64")
        .with_service_binding("backend", backend_service(built_images, "linux/amd64"))
        .with_exposed_port(frontend.SERVER_PORT)
    )
    answer = await health(web.as_service(use_entrypoint=True), frontend.SERVER_PORT)
    assert answer == {"status": "ok", "database": "ok", "release": RELEASE}


async def healthcheck(container: dagger.Container) -> dict[str, Any]:
    """`container`'s health check, as BACKEND_HEALTHCHECK writes one."""
    check = container.docker_healthcheck()
    return {
        "args": await check.args(),
        "interval": await check.interval(),
        "timeout": await check.timeout(),
        "start_period": await check.start_period(),
        "retries": await check.retries(),
    }


async def test_arm64_backend_starts_under_qemu_and_answers_its_health_check(engine: None) -> None:
    # QEMU makes the image's own check too slow to pass reliably (see backend_service):
    # the arm64 backend runs with the same command and longer timings, and the image's
    # own check, which both platforms' images carry, is the one the amd64 backend passes.
    built_images = await built()
    for platform in PLATFORMS:
        assert await healthcheck(built_images.backend(platform)) == BACKEND_HEALTHCHECK
    emulated = backend_service(built_images, "linux/arm64")
    answer = await health(emulated, backend.SERVER_PORT)
    assert answer == {"status": "ok", "database": "ok", "release": RELEASE}
    native = backend_service(built_images, NATIVE_PLATFORM)
    answer = await health(native, backend.SERVER_PORT)
    assert answer == {"status": "ok", "database": "ok", "release": RELEASE}


async def test_images_run_as_their_non_root_users_on_their_platform(engine: None) -> None:
    result = await built()
    for platform in PLATFORMS:
        arch = platform.split("/")[1]
        backend_image = result.backend(platform)
        assert await backend_image.platform() == platform
        assert await backend_image.user() == images.BACKEND_USER
        uname = await backend_image.with_exec(
            ["python", "-c", "import os; print(os.uname().machine)"]
        ).stdout()
        assert uname.strip() == {"amd64": "x86_64", "arm64": "aarch64"}[arch]
        assert await result.frontend(platform).user() == images.FRONTEND_USER
        assert await backend_image.label("org.opencontainers.image.revision") == REVISION
        assert await backend_image.label("org.opencontainers.image.version") == "1.2.3"
        ls = await backend_image.with_exec(["ls", "/app"]).stdout()
        assert "manage.py" in ls
        assert "tests" not in ls.split()


async def test_publish_pushes_multi_platform_indexes_tagged_from_the_ref(
    engine: None, canary: str
) -> None:
    registry = f"{require_registry()}/engine-test-{uuid.uuid4().hex[:8]}"
    password = dag.set_secret("registry-password", canary)
    result = await (await pipeline()).publish(
        registry, "ci", password, "refs/tags/v1.2.3", REVISION, platform=PLATFORMS
    )
    assert canary not in result
    lines = result.splitlines()
    assert [line.split()[0] for line in lines] == ["backend", "frontend"]
    for name in ("backend", "frontend"):
        for tag in (REVISION, "1.2.3", "1.2", "1"):
            index = json.loads(skopeo("inspect", "--raw", f"docker://{registry}/{name}:{tag}"))
            platforms = {
                (m["platform"]["os"], m["platform"]["architecture"]) for m in index["manifests"]
            }
            assert platforms == {("linux", "amd64"), ("linux", "arm64")}
    assert "latest" not in skopeo("list-tags", f"docker://{registry}/backend")


def require_registry() -> str:
    """The plain-HTTP registry the engine trusts (tools/engine's), from the engine env."""
    address = os.environ.get("PIPELINE_ENGINE_REGISTRY")
    require(address, "no registry to publish to", ENGINE_FIX)
    return str(address)


def skopeo(*args: str) -> str:
    """skopeo against the plain-HTTP registry; its stdout."""
    done = subprocess.run(
        ["skopeo", args[0], "--tls-verify=false", *args[1:]],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout
