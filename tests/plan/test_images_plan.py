"""The release images as `build` plans them, read from the lazy objects (no engine)."""

import json
from collections.abc import Iterator
from dataclasses import replace

import dagger
import pytest

from ci.errors import PipelineError
from ci.images import oci_labels
from ci.pipeline import Pipeline
from ci.profile.model import Found, ImageSource
from ci.stages import backend, images
from tests.support import plan
from tests.support.pipeline import make_pipeline
from tests.support.profiles import REFERENCE_PROFILE

LABELS = oci_labels("https://example.com/shop", "abc123", "1.2.3", "2026-11-22T10:00:00Z")
PLATFORMS = ["linux/amd64", "linux/arm64"]
STATIC = f"{backend.WORKDIR}/{backend.STATIC_DIR}"


def variants() -> tuple[list[dagger.Container], list[dagger.Container]]:
    return make_pipeline()._image_variants(PLATFORMS, LABELS)


def objects(obj: object) -> Iterator[object]:
    """`obj` and every lazy object its plan uses, at any depth."""
    yield obj
    for call in plan.calls(obj):
        for value in call.args.values():
            for item in value if isinstance(value, list | tuple) else [value]:
                if plan.is_sdk_object(item):
                    yield from objects(item)


def platform_of(obj: object) -> str | None:
    """The platform a container chain was created for (None: the native one)."""
    roots = [c for c in plan.calls(obj) if c.type_name == "Query" and c.name == "container"]
    return roots[0].args.get("platform") if roots else None


def test_one_backend_and_one_frontend_image_per_platform_in_order() -> None:
    backends, frontends = variants()
    assert [platform_of(c) for c in backends] == PLATFORMS
    assert [platform_of(c) for c in frontends] == PLATFORMS
    assert plan.named(backends[1], "from")[0].args["address"] == "python:3.13-slim"
    assert plan.named(frontends[1], "from")[0].args["address"] == "nginx:1.29-alpine-slim"


def test_nothing_runs_under_emulation() -> None:
    """Every exec of every image's plan runs in a native container (no platform given)."""
    backends, frontends = variants()
    execs_seen = 0
    for image in [*backends, *frontends]:
        assert not plan.execs(image), plan.render(image)
        for obj in objects(image):
            if plan.execs(obj):
                execs_seen += 1
                assert platform_of(obj) is None, plan.render(obj)
    assert execs_seen  # the wheels, static files and frontend build do run, natively


def test_arm64_wheels_are_chosen_by_pip_on_the_native_platform() -> None:
    backend_arm64 = variants()[0][1]
    installs = [
        argv
        for obj in objects(backend_arm64)
        for argv in plan.execs(obj)
        if argv[:2] == ["pip", "install"] and "--only-binary=:all:" in argv
    ]
    (install,) = installs
    assert "manylinux_2_17_aarch64" in install
    assert "--require-hashes" in install
    assert not [a for a in install if "x86_64" in a]


def test_backend_image_is_non_root_gunicorn_with_health_check_and_no_tests() -> None:
    image = variants()[0][0]
    assert plan.named(image, "withUser")[-1].args["name"] == images.BACKEND_USER
    assert not images.BACKEND_USER.startswith("0:")
    (args,) = plan.named(image, "withDefaultArgs")
    assert args.args["args"] == [
        "python",
        "-m",
        "gunicorn",
        "printshop.wsgi:application",
        "--bind=0.0.0.0:8000",
        "--workers=2",
        "--access-logfile=-",
    ]
    (health,) = plan.named(image, "withDockerHealthcheck")
    assert backend.HEALTH_PATH in health.args["args"][-1]
    source = plan.named(image, "withDirectory")[1]
    assert source.args["path"] == "/app"
    assert "tests" in source.args["exclude"]
    assert "requirements-dev.*" in source.args["exclude"]


def test_static_files_come_after_check_deploy_with_production_settings() -> None:
    image = variants()[0][0]
    (static,) = [c for c in plan.named(image, "withDirectory") if c.args["path"] == STATIC]
    built = static.args["source"]
    order = plan.execs(built)
    assert order.index(images.CHECK_DEPLOY_COMMAND) < order.index(images.COLLECTSTATIC_COMMAND)
    assert plan.env(built)["DEBUG"] == "false"


def test_frontend_image_is_non_root_nginx_with_our_config() -> None:
    image = variants()[1][1]
    assert plan.named(image, "withUser")[-1].args["name"] == images.FRONTEND_USER
    files = {c.args["path"] for c in plan.named(image, "withFile")}
    assert {"/etc/nginx/nginx.conf", "/etc/nginx/templates/default.conf.template"} <= files
    site = plan.position(image, "withDirectory", path=images.SITE_DIR, owner=images.FRONTEND_USER)
    assert site > 0
    assert plan.env(image)["NGINX_ENVSUBST_OUTPUT_DIR"] == images.SITE_DIR
    assert plan.named(image, "withDockerHealthcheck")


def test_every_image_carries_the_oci_labels() -> None:
    backends, frontends = variants()
    for image in [*backends, *frontends]:
        labels = {c.args["name"]: c.args["value"] for c in plan.named(image, "withLabel")}
        assert labels == LABELS


def test_static_files_and_the_frontend_build_are_made_once_for_all_platforms() -> None:
    backends, frontends = variants()
    statics = [
        plan.render(c.args["source"])
        for image in backends
        for c in plan.named(image, "withDirectory")
        if c.args["path"] == STATIC
    ]
    builds = [
        plan.render(c.args["source"])
        for image in frontends
        for c in plan.named(image, "withDirectory")
        if c.args["path"] == images.HTML_DIR
    ]
    # identical plans: the engine runs each once and shares the result
    assert len(statics) == 2
    assert statics[0] == statics[1]
    assert len(builds) == 2
    assert builds[0] == builds[1]


def dockerfile_pipeline(image: ImageSource) -> Pipeline:
    """The reference app's pipeline with the backend image built by `image`."""
    backend_profile = replace(REFERENCE_PROFILE.backend, image=Found(image, image.dockerfile))
    profile = replace(REFERENCE_PROFILE, backend=backend_profile)
    return make_pipeline(profile_json=json.dumps(profile.as_dict()))


def test_the_reference_app_s_images_are_the_recipe_s() -> None:
    assert REFERENCE_PROFILE.backend.image.value == ImageSource("recipe")
    assert REFERENCE_PROFILE.frontend.image.value == ImageSource("recipe")
    for image in [*variants()[0], *variants()[1]]:
        assert not [c for c in plan.walk(image) if c.name == "dockerBuild"], plan.render(image)


def test_a_dockerfile_profile_builds_each_platform_with_docker_build_in_its_context() -> None:
    image = ImageSource("dockerfile", "app/backend/Dockerfile.prod", "app/backend", "runtime")
    backends, frontends = dockerfile_pipeline(image)._image_variants(PLATFORMS, LABELS)
    for platform, backend_image in zip(PLATFORMS, backends, strict=True):
        (build,) = plan.named(backend_image, "dockerBuild")
        assert build.args["dockerfile"] == "Dockerfile.prod"
        assert build.args["platform"] == platform
        assert build.args["target"] == "runtime"
        # the source's directory `app/backend` (the source itself is the host's `.`)
        assert plan.named(backend_image, "directory")[-1].args["path"] == "app/backend"
        labels = {c.args["name"]: c.args["value"] for c in plan.named(backend_image, "withLabel")}
        assert labels == LABELS
        assert not plan.named(backend_image, "withDockerHealthcheck")  # the Dockerfile's own
    # the frontend stays the recipe's
    assert plan.named(frontends[0], "from")[0].args["address"] == "nginx:1.29-alpine-slim"


def test_a_root_dockerfile_builds_in_the_whole_source() -> None:
    image = ImageSource("dockerfile", "Dockerfile", "", "")
    backend_image = dockerfile_pipeline(image)._image_variants(PLATFORMS[:1], LABELS)[0][0]
    (build,) = plan.named(backend_image, "dockerBuild")
    assert "dockerfile" not in build.args  # the API's default: Dockerfile
    # the source itself, the host's `.`: no directory of it
    assert [c.args["path"] for c in plan.named(backend_image, "directory")] == ["."]


def test_neither_recipe_nor_dockerfile_stops_the_build_before_any_container() -> None:
    reason = "the built-in recipe installs requirements.txt with --require-hashes, and it has none"
    pipeline = dockerfile_pipeline(ImageSource("none", reason=reason))
    with pytest.raises(PipelineError, match=r"^The backend image cannot be built: the built-in"):
        pipeline._image_variants(PLATFORMS, LABELS)
