"""Release images: the backend (gunicorn) and the frontend (nginx), one per platform.

Each part's image comes from the built-in recipe below or, where the profile says so
(ci/profile/image_source.py), from the repository's own Dockerfile: Dagger builds it once
per platform, and the other platform's RUN steps run under QEMU emulation.

The recipe runs nothing under emulation. On the native platform pip downloads the target
platform's wheels (binary only, hash-checked), Django passes `check --deploy` and
collects the static files, and npm builds the frontend, each once; a platform's image
is its base image plus those files, with a non-root user, a health check and a
default command. Builders only, like every stage: nothing here awaits.

The images declare no exposed ports (backend 8000, frontend 8080): Dagger v0.21.8 runs
a `terminal` like a service, waiting for exposed ports, and `build ... terminal` is how
users look inside. Services add the port (`with_exposed_port`).
"""

from collections.abc import Callable, Mapping

import dagger
from dagger import dag

from ci.profile import commands
from ci.profile.image_source import DOCKERFILE, buildable
from ci.profile.model import ImageSource
from ci.stages import backend, frontend
from ci.stages.common import http_get, with_env
from ci.stages.python import python_base, with_locked_requirements
from ci.versions import nginx_image, python_image

PLATFORMS = ("linux/amd64", "linux/arm64")
# Numeric users, so runtimes can check "non-root" without reading /etc/passwd.
BACKEND_USER = "10001:10001"
FRONTEND_USER = "101:101"  # the nginx user of the official image
HTML_DIR = "/usr/share/nginx/html"
# Where the entrypoint renders default.conf.template (nginx.conf includes it); the
# frontend user owns it, since that user renders the template at start.
SITE_DIR = "/etc/nginx/site"
WHEELS_DIR = "/wheels"
# What of the backend directory the image leaves out: tests, reports, dev tooling.
BACKEND_EXCLUDE = ["tests", "reports", "staticfiles", "requirements-dev.*", "conftest.py"]
# The base images run glibc 2.36 or newer: every manylinux tag up to 2.36 fits.
_MANYLINUX_MINORS = range(36, 16, -1)
_WHEEL_ARCHES = {"linux/amd64": "x86_64", "linux/arm64": "aarch64"}

# `check --deploy` needs production-like settings. This key only exists for that check
# (it is long enough to pass it) and is in no image; it is not a secret.
_CHECK_SECRET_KEY = "check-deploy-only-" + "k" * 50
CHECK_DEPLOY_SETTINGS = {
    "DEBUG": "false",
    "SECRET_KEY": _CHECK_SECRET_KEY,
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://printshop@db:5432/printshop",
}
CHECK_DEPLOY_COMMAND = ["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
COLLECTSTATIC_COMMAND = ["python", "manage.py", "collectstatic", "--noinput"]


def wheel_platform_args(platform: str) -> list[str]:
    """The `--platform` options that make pip pick the wheels `platform`'s image loads."""
    arch = _WHEEL_ARCHES[platform]
    tags = [f"manylinux_2_{minor}_{arch}" for minor in _MANYLINUX_MINORS]
    return [arg for tag in [*tags, f"manylinux2014_{arch}"] for arg in ("--platform", tag)]


def site_packages(python_version: str) -> str:
    """Where pip installs packages in the python image."""
    return f"/usr/local/lib/python{python_version}/site-packages"


def target_packages(
    backend_dir: dagger.Directory, python_version: str, platform: str
) -> dagger.Directory:
    """The runtime dependencies for `platform`, installed by pip on the native platform.

    Binary wheels only (`--only-binary=:all:`), checked against the lock's hashes; pip
    compiles their bytecode, which does not depend on the platform.
    """
    target = f"{WHEELS_DIR}/{platform.replace('/', '-')}"
    lock = backend_dir.file("requirements.txt")
    options = ["--only-binary=:all:", *wheel_platform_args(platform), f"--target={target}"]
    return (
        with_locked_requirements(python_base(python_version), WHEELS_DIR, lock, *options)
        .directory(target)
        .without_directory("bin")  # console scripts; the image runs `python -m gunicorn`
    )


def backend_static(backend_dir: dagger.Directory, python_version: str) -> dagger.Directory:
    """The collected static files, once `check --deploy` passed with production settings."""
    runtime = backend.backend_runtime(backend_dir, python_version)
    return (
        with_env(runtime, CHECK_DEPLOY_SETTINGS)
        .with_exec(CHECK_DEPLOY_COMMAND)
        .with_exec(COLLECTSTATIC_COMMAND)
        .directory(f"{backend.WORKDIR}/{backend.STATIC_DIR}")
    )


def backend_image(
    backend_dir: dagger.Directory,
    python_version: str,
    platform: str,
    packages: dagger.Directory,
    static: dagger.Directory,
    application: str,
    server: str = "gunicorn",
) -> dagger.Container:
    """The backend for `platform`: its server on port 8000 as a non-root user, no dev tools."""
    return (
        dag.container(platform=dagger.Platform(platform))
        .from_(python_image(python_version))
        .with_directory(site_packages(python_version), packages)
        .with_directory(backend.WORKDIR, backend_dir, exclude=BACKEND_EXCLUDE)
        .with_directory(f"{backend.WORKDIR}/{backend.STATIC_DIR}", static)
        .with_workdir(backend.WORKDIR)
        .with_env_variable("PYTHONUNBUFFERED", "1")
        .with_env_variable("PYTHONDONTWRITEBYTECODE", "1")
        .with_user(BACKEND_USER)
        .with_(_health_check(backend.HEALTHCHECK_COMMAND))
        .with_default_args(
            commands.serve_command(f"0.0.0.0:{backend.SERVER_PORT}", application, server)
        )
    )


def frontend_image(
    frontend_dir: dagger.Directory, build: dagger.Directory, platform: str | None = None
) -> dagger.Container:
    """The production build served by nginx as a non-root user, /api proxied to BACKEND_URL.

    BACKEND_URL defaults to http://backend:8000; `platform` None is the native one.
    """
    base = dag.container(platform=dagger.Platform(platform) if platform else None)
    health = f"http://127.0.0.1:{frontend.SERVER_PORT}/"
    return (
        base.from_(nginx_image())
        .with_file("/etc/nginx/nginx.conf", frontend_dir.file("nginx/nginx.conf"))
        .with_file(
            "/etc/nginx/templates/default.conf.template",
            frontend_dir.file("nginx/default.conf.template"),
        )
        .with_directory(SITE_DIR, dag.directory(), owner=FRONTEND_USER)
        .with_env_variable("NGINX_ENVSUBST_OUTPUT_DIR", SITE_DIR)
        .with_env_variable("BACKEND_URL", f"http://backend:{backend.SERVER_PORT}")
        .without_directory(HTML_DIR)
        .with_directory(HTML_DIR, build)
        .with_user(FRONTEND_USER)
        .with_(_health_check(http_get(health)))
    )


def backend_images(
    app: backend.BackendApp, python_version: str, platforms: list[str], served: tuple[str, str]
) -> list[dagger.Container]:
    """The backend image of each platform: the recipe's, or the repository's Dockerfile's.

    `served` is the application (module:callable) and its server, for the recipe.
    """
    source = buildable("backend", app.profile.image)
    if source.kind == DOCKERFILE:
        return [dockerfile_image(app.source, source, p) for p in platforms]
    static = backend_static(app.directory, python_version)
    return [
        backend_image(
            app.directory,
            python_version,
            p,
            target_packages(app.directory, python_version, p),
            static,
            *served,
        )
        for p in platforms
    ]


def frontend_images(
    app: frontend.FrontendApp, node_version: str, platforms: list[str]
) -> list[dagger.Container]:
    """The frontend image of each platform: the recipe's, or the repository's Dockerfile's."""
    source = buildable("frontend", app.profile.image)
    if source.kind == DOCKERFILE:
        return [dockerfile_image(app.source, source, p) for p in platforms]
    build = frontend.frontend_build(app, node_version)
    return [frontend_image(app.directory, build, p) for p in platforms]


def dockerfile_image(
    source: dagger.Directory, image: ImageSource, platform: str
) -> dagger.Container:
    """What the repository's Dockerfile builds for `platform`, in its context, to its target.

    A platform other than the engine's runs the Dockerfile's RUN steps under emulation.
    """
    context = source.directory(image.context) if image.context else source
    dockerfile = image.dockerfile.removeprefix(f"{image.context}/")
    return context.docker_build(
        dockerfile=dockerfile, platform=dagger.Platform(platform), target=image.target
    )


def _health_check(command: list[str]) -> Callable[[dagger.Container], dagger.Container]:
    """The image's health check: `command` every 10 s, unhealthy after 3 failures."""

    def apply(container: dagger.Container) -> dagger.Container:
        return container.with_docker_healthcheck(
            command, interval="10s", timeout="5s", start_period="30s", retries=3
        )

    return apply


def with_labels(container: dagger.Container, labels: Mapping[str, str]) -> dagger.Container:
    """`container` with every label of `labels` in its image config."""
    for name, value in labels.items():
        container = container.with_label(name, value)
    return container
